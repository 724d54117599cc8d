import { toOffer, toOfferResult } from '../offer-rows';
import type { Row } from '../rows';
import type { OfferStore } from '../types';
import type { SqliteDb } from './db';

/** Blind offers and their results: the primary keys make each insert happen at most once. */
export function sqliteOffers(c: SqliteDb): OfferStore {
  return {
    async addOffer(o) {
      const r = c
        .stmt(
          `INSERT INTO blind_offers (case_id, round, role, user_id, sealed, at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (case_id, round, role) DO NOTHING`,
        )
        .run(o.caseId, o.round, o.role, o.userId, Buffer.from(o.sealed), o.at);
      return r.changes === 1;
    },

    async listOffers(caseId) {
      return (c.stmt('SELECT * FROM blind_offers WHERE case_id = ? ORDER BY round, role').all(caseId) as Row[]).map(
        toOffer,
      );
    },

    async resolveOfferRound(res) {
      const r = c
        .stmt(
          `INSERT INTO offer_results (case_id, round, overlap, midpoint_cents, at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (case_id, round) DO NOTHING`,
        )
        .run(res.caseId, res.round, res.overlap ? 1 : 0, res.midpointCents, res.at);
      return r.changes === 1;
    },

    async listOfferResults(caseId) {
      return (c.stmt('SELECT * FROM offer_results WHERE case_id = ? ORDER BY round').all(caseId) as Row[]).map(
        toOfferResult,
      );
    },
  };
}
