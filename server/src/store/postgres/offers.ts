import { toOffer, toOfferResult } from '../offer-rows';
import type { OfferStore } from '../types';
import { all, type PgDb } from './db';

/** Blind offers and their results: the primary keys make each insert happen at most once, across nodes. */
export function postgresOffers({ pool }: PgDb): OfferStore {
  return {
    async addOffer(o) {
      const r = await pool.query(
        `INSERT INTO blind_offers (case_id, round, role, user_id, sealed, at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (case_id, round, role) DO NOTHING`,
        [o.caseId, o.round, o.role, o.userId, Buffer.from(o.sealed), o.at],
      );
      return r.rowCount === 1;
    },

    async listOffers(caseId) {
      return (await all(pool, 'SELECT * FROM blind_offers WHERE case_id = $1 ORDER BY round, role', [caseId])).map(
        toOffer,
      );
    },

    async resolveOfferRound(res) {
      const r = await pool.query(
        `INSERT INTO offer_results (case_id, round, overlap, midpoint_cents, at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (case_id, round) DO NOTHING`,
        [res.caseId, res.round, res.overlap, res.midpointCents, res.at],
      );
      return r.rowCount === 1;
    },

    async listOfferResults(caseId) {
      return (await all(pool, 'SELECT * FROM offer_results WHERE case_id = $1 ORDER BY round', [caseId])).map(
        toOfferResult,
      );
    },
  };
}
