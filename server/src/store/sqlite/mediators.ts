import { toMediatorProfile, type Row } from '../rows';
import type { MediatorStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteMediators(c: SqliteDb): MediatorStore {
  return {
    async putMediatorProfile(p) {
      c.stmt(
        `INSERT INTO mediator_profiles (user_id, organisation, languages, specialities) VALUES (?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET organisation = excluded.organisation, languages = excluded.languages,
             specialities = excluded.specialities`,
      ).run(p.userId, p.organisation, JSON.stringify(p.languages), JSON.stringify(p.specialities));
    },

    async listMediatorProfiles() {
      return (c.stmt('SELECT * FROM mediator_profiles ORDER BY user_id').all() as Row[]).map(toMediatorProfile);
    },
  };
}
