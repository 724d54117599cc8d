import { AccordError, type ErrorReason } from '@accord/shared';
import { freezeInsertParams, type Row, toFreeze, toOutcome, toSignature } from '../rows';
import type { SignoffStore } from '../types';
import type { SqliteDb } from './db';

/** Runs an insert; a second row with the same primary key is refused with `reason` (CONFLICT). */
function insertOnce(run: () => unknown, reason: ErrorReason, message: string): void {
  try {
    run();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      throw AccordError.because('CONFLICT', reason, message);
    throw err;
  }
}

export function sqliteSignoff(c: SqliteDb): SignoffStore {
  return {
    async currentFreeze(caseId) {
      const r = c
        .stmt('SELECT * FROM freezes WHERE case_id = ? AND voided_at IS NULL ORDER BY frozen_at DESC LIMIT 1')
        .get(caseId) as Row | undefined;
      return r ? toFreeze(r) : null;
    },

    async createFreeze(freeze) {
      return c.db
        .transaction(() => {
          const open = c.stmt('SELECT 1 FROM freezes WHERE case_id = ? AND voided_at IS NULL').get(freeze.caseId);
          if (open) throw AccordError.because('CONFLICT', 'signing.alreadyFrozen', 'the agreement is already frozen');
          c.stmt(
            `INSERT INTO freezes (id, case_id, text, fingerprint, frozen_at, frozen_by, terms, signers, clauses)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(...freezeInsertParams(freeze));
          return { ...freeze, clauses: freeze.clauses ?? null, voidedAt: null };
        })
        .immediate();
    },

    async voidFreeze(caseId, at) {
      const r = c
        .stmt('UPDATE freezes SET voided_at = ? WHERE case_id = ? AND voided_at IS NULL RETURNING *')
        .get(at, caseId) as Row | undefined;
      return r ? toFreeze(r) : null;
    },

    async addSignature(sig) {
      insertOnce(
        () =>
          c
            .stmt(
              `INSERT INTO signatures (freeze_id, user_id, role, name, fingerprint, signed_at) VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(sig.freezeId, sig.userId, sig.role, sig.name, sig.fingerprint, sig.signedAt),
        'signing.alreadySigned',
        'you have already signed this text',
      );
      return sig;
    },

    async listSignatures(freezeId) {
      return (
        c.stmt('SELECT * FROM signatures WHERE freeze_id = ? ORDER BY signed_at, user_id').all(freezeId) as Row[]
      ).map(toSignature);
    },

    async saveOutcome(o) {
      insertOnce(
        () =>
          c
            .stmt('INSERT INTO outcomes (case_id, record, signature, sealed_at) VALUES (?, ?, ?, ?)')
            .run(o.caseId, o.record, o.signature, o.sealedAt),
        'outcome.alreadySealed',
        'this case already has a sealed outcome',
      );
    },

    async getOutcome(caseId) {
      const r = c.stmt('SELECT * FROM outcomes WHERE case_id = ?').get(caseId) as Row | undefined;
      return r ? toOutcome(r) : null;
    },
  };
}
