import { z } from 'zod';
import { Channel } from '../channels';
import { Phase } from '../phases';
import { CaseRole } from '../roles';
import { CaseId, CaseLanguage, IsoDateTime as IsoDate, UserId } from '../ids';

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
  /** Highest joint-chat seq the client has (shorthand for `cursors.joint`). */
  lastSeq: z.int().min(0).optional(),
  /** Highest seq per channel the client has; each listed channel it may read is replayed from there. */
  cursors: z.record(Channel, z.int().min(0)).optional(),
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
  /** Let in from the waiting room (the mediator always is). */
  admitted: z.boolean(),
  muted: z.boolean(),
  handRaised: z.boolean(),
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
  /** The case's language: the agreement's canonical text is written in it. */
  language: CaseLanguage,
  /** The zone the room's times are shown in: the session's as scheduled, else Asia/Shanghai. */
  timeZone: z.string().max(64),
  you: z.object({ userId: UserId, displayName: z.string(), role: CaseRole }),
  /** Highest joint-chat seq at the moment of joining. */
  headSeq: z.int().min(0),
  /** How many messages were replayed because of `lastSeq`/`cursors`, all channels together. */
  replayed: z.int().min(0),
  state: z.lazy((): z.ZodType<RoomState> => RoomState),
});
export type RoomWelcome = z.infer<typeof RoomWelcome>;

/** The shared state of a room that everyone admitted sees, live. */
export const RoomState = z.object({
  caseId: CaseId,
  phase: Phase,
  /** Parties wait in a lobby until the mediator admits them; false lets them enter directly. */
  lobby: z.boolean(),
  /** Parties may not post while the mediator gives the opening statement. */
  quietOpening: z.boolean(),
  /** While locked, only the mediator's changes to the agreement are accepted. */
  agreementLocked: z.boolean(),
  /**
   * The party the mediator is in private session with, if any (never what is said), and the phase
   * the room goes back to when it ends: the one it was opened from.
   */
  caucus: z.object({ userId: UserId, displayName: z.string(), returnTo: Phase }).nullable(),
  pinned: z.object({ text: z.string(), by: z.string(), at: IsoDate }).nullable(),
  version: z.int().min(0),
});
export type RoomState = z.infer<typeof RoomState>;

/** Sent to a connection that waits in the lobby; it receives nothing else until admitted. */
export const LobbyStatus = z.object({
  caseId: CaseId,
  caseNumber: z.string(),
  title: z.string(),
  you: z.object({ userId: UserId, displayName: z.string(), role: CaseRole }),
  waiting: z.literal(true),
});
export type LobbyStatus = z.infer<typeof LobbyStatus>;
