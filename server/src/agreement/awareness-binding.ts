import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ROLE_COLOURS, type CaseRole } from '@accord/shared';

export interface AwarenessOwner {
  userId: string;
  displayName: string;
  role: CaseRole;
}

/**
 * Rewrites an awareness update from a connection so that it can only speak for
 * itself: the `user` it shows (name on the caret, id) is the authenticated
 * person's, whatever it claimed; its colour is their role's (`ROLE_COLOURS`), so
 * nobody wears another role's colour; and entries for awareness client ids another connection holds are
 * dropped. Throws on anything that is not a well-formed awareness update.
 */
export function bindAwareness(
  update: Uint8Array,
  owner: AwarenessOwner,
  heldByAnother: (clientId: number) => boolean,
): Uint8Array {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const kept: { clientId: number; clock: number; state: string }[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const raw = decoding.readVarString(decoder);
    if (heldByAnother(clientId)) continue;
    const state: unknown = JSON.parse(raw);
    if (state === null) {
      kept.push({ clientId, clock, state: raw });
      continue;
    }
    if (typeof state !== 'object' || Array.isArray(state)) throw new Error('an awareness state must be an object');
    const user = { id: owner.userId, name: owner.displayName, color: ROLE_COLOURS[owner.role] };
    kept.push({ clientId, clock, state: JSON.stringify({ ...state, user }) });
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const e of kept) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.state);
  }
  return encoding.toUint8Array(encoder);
}
