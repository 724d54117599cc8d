import { z } from 'zod';
import { Phase } from '@accord/shared';
import type { RoomStateRecord } from '../store/types';

const Id = z.string().min(1).max(200);
/** A Yjs update or awareness update, base64. */
const Base64 = z.base64();

const RoomStateRecordSchema = z.object({
  caseId: Id,
  phase: Phase,
  lobby: z.boolean(),
  quietOpening: z.boolean(),
  agreementLocked: z.boolean(),
  caucusUserId: Id.nullable(),
  caucusReturnPhase: Phase.nullable(),
  caucusParties: z.array(Id).max(1000),
  pinned: z.object({ text: z.string(), by: z.string(), at: z.string() }).nullable(),
  version: z.number().int().nonnegative(),
}) satisfies z.ZodType<RoomStateRecord>;

/**
 * Messages one node tells every node (itself included). A discriminated union so that each
 * subscriber handles the kinds it knows and ignores the rest. A message that arrives over the wire
 * (Redis) is checked against this schema before any subscriber sees it.
 */
export const BusMessage = z.discriminatedUnion('type', [
  /** These sessions were revoked: close their live connections wherever they are. */
  z.object({ type: z.literal('sessions.revoked'), sessionIds: z.array(Id) }),
  /** A room's state changed (phase, lobby, caucus, lock, pin): refresh caches. */
  z.object({ type: z.literal('room.state'), state: RoomStateRecordSchema }),
  /** These waiting people were admitted: let their waiting connections into the room. */
  z.object({ type: z.literal('member.admitted'), caseId: Id, userIds: z.array(Id) }),
  /** This person was removed from the case: close their connections to it. */
  z.object({ type: z.literal('member.removed'), caseId: Id, userId: Id }),
  /** This person's role in the case changed: close their connections, which carry the old one. */
  z.object({ type: z.literal('member.changed'), caseId: Id, userId: Id }),
  /** This person's membership record changed (muted, admitted, hand raised, removed): drop cached copies. */
  z.object({ type: z.literal('member.flags'), caseId: Id, userId: Id }),
  /** A stored Yjs update: nodes holding the document apply and relay it, and store nothing. */
  z.object({ type: z.literal('doc.update'), doc: Id, update: Base64 }),
  /** An awareness update from a connection on another node. */
  z.object({ type: z.literal('doc.awareness'), doc: Id, update: Base64 }),
  /** A relay of this document failed to go out: nodes holding it read what they lack from the store. */
  z.object({ type: z.literal('doc.resync'), doc: Id }),
  /** Who is online in a room, or a member's flags, changed: nodes send their connections there a new snapshot. */
  z.object({ type: z.literal('presence.changed'), caseId: Id }),
  /** Someone joined or left a room's call or changed what they send: nodes send their connections the new view. */
  z.object({ type: z.literal('call.changed'), caseId: Id }),
]);
export type BusMessage = z.infer<typeof BusMessage>;

export const Envelope = z.object({
  /** The id of the node that published it, so a node can tell its own messages. */
  origin: Id,
  message: BusMessage,
});
export type Envelope = z.infer<typeof Envelope>;
