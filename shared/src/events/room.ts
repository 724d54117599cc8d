import { z } from 'zod';
import { CaseRole } from '../roles';
import { CaseId, UserId } from '../ids';

export const PROTOCOL_VERSION = 1;

/**
 * Sent in the Socket.IO handshake (`io(url, { auth })`). `lastSeq` is the
 * highest chat sequence the client already has; the server then replays every
 * later message, in order, before any live one. Omit it on a first visit and
 * page history instead.
 */
export const HandshakeAuth = z.object({
  token: z.string().min(1).max(4096),
  caseId: CaseId,
  lastSeq: z.int().min(0).optional(),
  protocolVersion: z.int().min(1).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

export const Participant = z.object({
  userId: UserId,
  displayName: z.string(),
  role: CaseRole,
  online: z.boolean(),
  /** Open Socket.IO connections of this person in this room (tabs, devices). */
  connections: z.int().min(0),
});
export type Participant = z.infer<typeof Participant>;

export const PresenceSnapshot = z.object({
  caseId: CaseId,
  participants: z.array(Participant),
});
export type PresenceSnapshot = z.infer<typeof PresenceSnapshot>;

/** Sent once per connection, after any replay, when the room is live for it. */
export const RoomWelcome = z.object({
  protocolVersion: z.int(),
  caseId: CaseId,
  caseNumber: z.string(),
  title: z.string(),
  you: z.object({ userId: UserId, displayName: z.string(), role: CaseRole }),
  /** Highest chat seq in the room at the moment of joining. */
  headSeq: z.int().min(0),
  /** How many messages were replayed because of `lastSeq`. */
  replayed: z.int().min(0),
});
export type RoomWelcome = z.infer<typeof RoomWelcome>;
