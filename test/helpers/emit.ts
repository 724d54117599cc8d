import type { ClientToServerEvents, ErrorBody } from '@accord/shared';
import type { RoomClient } from './clients';

export type ClientEvent = keyof ClientToServerEvents;
/** What the contract lets a client send with `event`. */
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
/** The data of a successful ack of `event`. */
export type ResultOf<E extends ClientEvent> = Extract<AckOf<E>, { ok: true }>['data'];

/**
 * An ack, typed so that a test reads either side without narrowing first (`.error?.code`, `.data`):
 * the contract's `Ack`, with the side that is absent spelled out as undefined.
 */
export type Reply<T> = { ok: true; data: T; error?: undefined } | { ok: false; error: ErrorBody; data?: undefined };

/** Sends a client event the contract lists and answers its ack; the event's payload and result are checked by tsc. */
export function emit<E extends ClientEvent>(
  c: RoomClient,
  event: E,
  payload: PayloadOf<E>,
): Promise<Reply<ResultOf<E>>> {
  // Socket.IO's emitWithAck does not resolve its typed overloads for a generic event name.
  const send = c.socket.emitWithAck.bind(c.socket) as unknown as (e: E, p: PayloadOf<E>) => Promise<AckOf<E>>;
  return send(event, payload);
}

/**
 * Sends what the contract forbids (an unknown event, a payload of the wrong shape): for the tests of
 * how the server answers bad input, and for fuzzers.
 */
export function emitUnchecked(c: RoomClient, event: string, payload: unknown): Promise<Reply<unknown>> {
  const send = c.socket.emitWithAck.bind(c.socket) as unknown as (e: string, p: unknown) => Promise<Reply<unknown>>;
  return send(event, payload);
}
