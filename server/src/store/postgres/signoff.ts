import { AccordError, type ErrorReason } from '@accord/shared';
import { freezeInsertParams, toFreeze, toOutcome, toSignature } from '../rows';
import type { SignoffStore } from '../types';
import { all, isUniqueViolation, one, type PgDb } from './db';

export function postgresSignoff({ pool }: PgDb): SignoffStore {
  /** Runs an insert; a unique violation is refused with `reason` (CONFLICT). */
  const insertOnce = async (sql: string, params: unknown[], reason: ErrorReason, message: string): Promise<void> => {
    try {
      await pool.query(sql, params);
    } catch (err) {
      if (isUniqueViolation(err)) throw AccordError.because('CONFLICT', reason, message);
      throw err;
    }
  };
  return {
    async currentFreeze(caseId) {
      const r = await one(
        pool,
        'SELECT * FROM freezes WHERE case_id = $1 AND voided_at IS NULL ORDER BY frozen_at DESC LIMIT 1',
        [caseId],
      );
      return r ? toFreeze(r) : null;
    },

    async createFreeze(f) {
      await insertOnce(
        `INSERT INTO freezes (id, case_id, text, fingerprint, frozen_at, frozen_by, terms, signers, clauses)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        freezeInsertParams(f),
        'signing.alreadyFrozen',
        'the agreement is already frozen',
      );
      return { ...f, clauses: f.clauses ?? null, voidedAt: null };
    },

    async voidFreeze(caseId, at) {
      const r = await one(
        pool,
        'UPDATE freezes SET voided_at = $1 WHERE case_id = $2 AND voided_at IS NULL RETURNING *',
        [at, caseId],
      );
      return r ? toFreeze(r) : null;
    },

    async addSignature(s) {
      await insertOnce(
        'INSERT INTO signatures (freeze_id, user_id, role, name, fingerprint, signed_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.freezeId, s.userId, s.role, s.name, s.fingerprint, s.signedAt],
        'signing.alreadySigned',
        'you have already signed this text',
      );
      return s;
    },

    async listSignatures(freezeId) {
      return (
        await all(pool, 'SELECT * FROM signatures WHERE freeze_id = $1 ORDER BY signed_at, user_id', [freezeId])
      ).map(toSignature);
    },

    async saveOutcome(o) {
      await insertOnce(
        'INSERT INTO outcomes (case_id, record, signature, sealed_at) VALUES ($1, $2, $3, $4)',
        [o.caseId, o.record, o.signature, o.sealedAt],
        'outcome.alreadySealed',
        'this case already has a sealed outcome',
      );
    },

    async getOutcome(caseId) {
      const r = await one(pool, 'SELECT * FROM outcomes WHERE case_id = $1', [caseId]);
      return r ? toOutcome(r) : null;
    },
  };
}
