import { AccordError } from '@accord/shared';
import { roomStateParams, toRoomState, type Row } from '../rows';
import { defaultRoomState, type RoomStateRecord, type RoomStateStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteRoomState(c: SqliteDb): RoomStateStore {
  const read = (caseId: string) => {
    const r = c.stmt('SELECT * FROM room_state WHERE case_id = ?').get(caseId) as Row | undefined;
    return r ? toRoomState(r) : defaultRoomState(caseId);
  };
  return {
    async getRoomState(caseId) {
      return read(caseId);
    },

    async updateRoomState(caseId, patch, expectedVersion) {
      return c.db
        .transaction(() => {
          const current = read(caseId);
          if (expectedVersion !== undefined && current.version !== expectedVersion) {
            throw AccordError.because('CONFLICT', 'room.changedMeanwhile', 'the room changed meanwhile; try again');
          }
          const next: RoomStateRecord = { ...current, ...patch };
          next.version += 1;
          c.stmt(
            `INSERT INTO room_state (case_id, phase, lobby, quiet_opening, agreement_locked, caucus_user_id,
               pinned_text, pinned_by, pinned_at, version, caucus_return_phase, caucus_parties)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, lobby = excluded.lobby,
               quiet_opening = excluded.quiet_opening, agreement_locked = excluded.agreement_locked,
               caucus_user_id = excluded.caucus_user_id, pinned_text = excluded.pinned_text,
               pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, version = excluded.version,
               caucus_return_phase = excluded.caucus_return_phase, caucus_parties = excluded.caucus_parties`,
          ).run(...roomStateParams(next, (b) => (b ? 1 : 0)));
          return next;
        })
        .immediate();
    },
  };
}
