import { toMediatorProfile } from '../rows';
import type { MediatorStore } from '../types';
import { all, type PgDb } from './db';

export function postgresMediators({ pool }: PgDb): MediatorStore {
  return {
    async putMediatorProfile(p) {
      await pool.query(
        `INSERT INTO mediator_profiles (user_id, organisation, languages, specialities) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET organisation = excluded.organisation, languages = excluded.languages,
           specialities = excluded.specialities`,
        [p.userId, p.organisation, JSON.stringify(p.languages), JSON.stringify(p.specialities)],
      );
    },

    async listMediatorProfiles() {
      return (await all(pool, 'SELECT * FROM mediator_profiles ORDER BY user_id')).map(toMediatorProfile);
    },
  };
}
