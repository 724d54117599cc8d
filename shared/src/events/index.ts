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
import { PresenceSnapshot, RoomWelcome } from './room';

export * from './chat';
export * from './room';
export { ackSchema, type Ack } from './common';

/** Every client→server event with its payload and ack data schema. */
export const clientEvents = {
  'chat:send': clientEvent(ChatSendPayload, ChatSendResult),
  'chat:history': clientEvent(ChatHistoryPayload, ChatHistoryResult),
  'chat:typing': clientEvent(TypingPayload, z.object({})),
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
  /** An error not tied to an ack: an unknown event, or a bad event sent without an ack. */
  'accord:error': ErrorBody,
} as const;
export type ServerEventName = keyof typeof serverEvents;

export const ackSchemas = {
  'chat:send': ackSchema(ChatSendResult),
  'chat:history': ackSchema(ChatHistoryResult),
  'chat:typing': ackSchema(z.object({})),
} as const satisfies Record<ClientEventName, z.ZodType>;

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
