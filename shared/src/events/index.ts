import { z } from 'zod';
import { ErrorBody } from '../errors';
import { ackSchema, clientEvent, type Ack } from './common';
import {
  ChatHistoryPayload,
  ChatHistoryResult,
  ChatMessage,
  ChatSendPayload,
  ChatSendResult,
  TypingEvent,
  TypingPayload,
} from './chat';
import {
  Activity,
  ActivityListPayload,
  ActivityListResult,
  AdmitPayload,
  CaucusListResult,
  CaucusOpenPayload,
  EmptyPayload,
  HandPayload,
  LockPayload,
  LowerHandPayload,
  MutePayload,
  PhasePayload,
  PinPayload,
  RemovePayload,
  SettingsPayload,
  TermsLastResult,
} from './moderation';
import { LobbyStatus, PresenceSnapshot, RoomState, RoomWelcome } from './room';
import { DocumentsChanged } from './documents';
import { OutcomeStatus, SealPayload, SignPayload } from './outcome';
import { SealedOutcome } from '../outcome';
import {
  ConsentPayload,
  NegotiationState,
  OfferPayload,
  RoundClosePayload,
  RoundGetPayload,
  RoundSummary,
  RoundView,
} from '../negotiation';
import {
  CallJoinPayload,
  CallJoinResult,
  CallMedia,
  CallSignal,
  CallSignalPayload,
  CallState,
  IceConfig,
} from './call';
import { EvidenceChanged } from './evidence';

export * from './chat';
export * from './room';
export * from './moderation';
export * from './outcome';
export * from './call';
export * from './evidence';
export * from './documents';
export * from '../negotiation';
export { ackSchema, type Ack } from './common';

/** Every client→server event with its payload and ack data schema. */
export const clientEvents = {
  'chat:send': clientEvent(ChatSendPayload, ChatSendResult),
  'chat:history': clientEvent(ChatHistoryPayload, ChatHistoryResult),
  'chat:typing': clientEvent(TypingPayload, z.object({})),
  'room:phase': clientEvent(PhasePayload, RoomState),
  'room:settings': clientEvent(SettingsPayload, RoomState),
  'lobby:admit': clientEvent(AdmitPayload, z.object({ admitted: z.array(z.string()) })),
  'caucus:open': clientEvent(CaucusOpenPayload, RoomState),
  'caucus:close': clientEvent(EmptyPayload, RoomState),
  'caucus:list': clientEvent(EmptyPayload, CaucusListResult),
  'moderation:mute': clientEvent(MutePayload, z.object({})),
  'moderation:remove': clientEvent(RemovePayload, z.object({})),
  'agreement:lock': clientEvent(LockPayload, RoomState),
  'room:pin': clientEvent(PinPayload, RoomState),
  'hand:raise': clientEvent(HandPayload, z.object({})),
  'hand:lower': clientEvent(LowerHandPayload, z.object({})),
  'activity:list': clientEvent(ActivityListPayload, ActivityListResult),
  'terms:last': clientEvent(EmptyPayload, TermsLastResult),
  'outcome:status': clientEvent(EmptyPayload, OutcomeStatus),
  'outcome:sign': clientEvent(SignPayload, OutcomeStatus),
  'outcome:seal': clientEvent(SealPayload, SealedOutcome),
  /** Joins the room's call (or rejoins it with the same peer id after a reload or reconnection). */
  'call:join': clientEvent(CallJoinPayload, CallJoinResult),
  'call:leave': clientEvent(EmptyPayload, z.object({})),
  /** Turns one's own microphone or camera on or off (what the others see; the mediator's mute is separate). */
  'call:media': clientEvent(CallMedia, z.object({})),
  /** Fresh ICE servers and TURN credentials (before the last ones expire, or for an ICE restart). */
  'call:ice': clientEvent(EmptyPayload, IceConfig),
  /** An offer, answer, ICE candidate or restart request for one peer the sender may connect to now. */
  'call:signal': clientEvent(CallSignalPayload, z.object({})),
  /** Consent, rounds and blind-offer status as this member may see them (never an offer's amount). */
  'negotiation:state': clientEvent(EmptyPayload, NegotiationState),
  /** A party agrees to, or objects to, one clause's text (named by its hash). */
  'consent:set': clientEvent(ConsentPayload, NegotiationState),
  /** The mediator closes a negotiation round: the agreement's text and terms are snapshotted. */
  'round:close': clientEvent(RoundClosePayload, RoundSummary),
  /** One closed round's snapshot (text, terms, consent), for viewing and diffing. */
  'round:get': clientEvent(RoundGetPayload, RoundView),
  /** A party's blind offer for the current offer round; the ack names the round, never echoes the amount. */
  'offer:submit': clientEvent(OfferPayload, z.object({ round: z.int().min(1) })),
} as const;
export type ClientEventName = keyof typeof clientEvents;

export function isClientEventName(name: string): name is ClientEventName {
  return Object.hasOwn(clientEvents, name);
}

/** Every server→client event with its payload schema. */
export const serverEvents = {
  'room:welcome': RoomWelcome,
  'chat:message': ChatMessage,
  'chat:typing': TypingEvent,
  presence: PresenceSnapshot,
  'room:state': RoomState,
  /** Sent instead of `room:welcome` while the connection waits in the lobby. */
  'room:lobby': LobbyStatus,
  activity: Activity,
  /** Sign-off changed: frozen, unfrozen, signed, sealed. */
  'outcome:status': OutcomeStatus,
  /** The call as this connection sees it (who is in it, whom to connect to); see `CallState`. */
  'call:state': CallState,
  /** A signal from a peer this connection may connect to. */
  'call:signal': CallSignal,
  /** Consent, rounds or blind-offer status changed (sent to everyone in the room). */
  'negotiation:state': NegotiationState,
  /** The case's evidence changed as this connection sees it: refetch the list (names no item). */
  'evidence:changed': EvidenceChanged,
  /** A document request was made or answered: fetch the case's requests again (content-free). */
  'documents:changed': DocumentsChanged,
  /** An error not tied to an ack: an unknown event, or a bad event sent without an ack. */
  'accord:error': ErrorBody,
} as const;
export type ServerEventName = keyof typeof serverEvents;

/** The ack schema of every client event (for clients that validate what the server answers). */
export const ackSchemas = ((): Record<ClientEventName, z.ZodType> => {
  const out: Partial<Record<ClientEventName, z.ZodType>> = {};
  for (const name of Object.keys(clientEvents) as ClientEventName[]) out[name] = ackSchema(clientEvents[name].result);
  return out as Record<ClientEventName, z.ZodType>;
})();

type PayloadOf<K extends ClientEventName> = z.input<(typeof clientEvents)[K]['payload']>;
type ResultOf<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['result']>;

/** Socket.IO's typed map for events the client emits. */
export type ClientToServerEvents = {
  [K in ClientEventName]: (payload: PayloadOf<K>, ack: (res: Ack<ResultOf<K>>) => void) => void;
};

/** Socket.IO's typed map for events the server emits. */
export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: z.output<(typeof serverEvents)[K]>) => void;
};

// Nothing crosses nodes by server-side emit yet; the Redis scale-out adds entries here.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Socket.IO requires a map type.
export interface InterServerEvents {}
