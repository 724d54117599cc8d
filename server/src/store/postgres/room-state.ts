import { AccordError } from '@accord/shared';
import { roomStateParams, toRoomState } from '../rows';
import { defaultRoomState, type RoomStateRecord, type RoomStateStore } from '../types';
import { lock, one, type PgDb } from './db';

export function postgresRoomState(db: PgDb): RoomStateStore {
  return {
    async getRoomState(caseId) {
      const r = await one(db.pool, 'SELECT * FROM room_state WHERE case_id = $1', [caseId]);
      return r ? toRoomState(r) : defaultRoomState(caseId);
    },

    async updateRoomState(caseId, patch, expectedVersion) {
      return db.tx(async (c) => {
        await lock(c, `room:${caseId}`);
        const row = await one(c, 'SELECT * FROM room_state WHERE case_id = $1', [caseId]);
        const current = row ? toRoomState(row) : defaultRoomState(caseId);
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          throw AccordError.because('CONFLICT', 'room.changedMeanwhile', 'the room changed meanwhile; try again');
        }
        const next: RoomStateRecord = { ...current, ...patch, version: current.version + 1 };
        await c.query(
          `INSERT INTO room_state (case_id, phase, lobby, quiet_opening, agreement_locked, caucus_user_id,
             pinned_text, pinned_by, pinned_at, version, caucus_return_phase, caucus_parties)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, lobby = excluded.lobby,
             quiet_opening = excluded.quiet_opening, agreement_locked = excluded.agreement_locked,
             caucus_user_id = excluded.caucus_user_id, pinned_text = excluded.pinned_text,
             pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, version = excluded.version,
             caucus_return_phase = excluded.caucus_return_phase, caucus_parties = excluded.caucus_parties`,
          roomStateParams(next, (b) => b),
        );
        return next;
      });
    },
  };
}
