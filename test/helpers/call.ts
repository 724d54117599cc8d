import { randomBytes } from 'node:crypto';
import type { CallSignal, CallSignalPayload, CallState } from '@accord/shared';
import { connectRoom, type ConnectOptions, type RoomClient } from './clients';
import { emit } from './emit';
import { waitFor } from './wait';

/** A fresh peer id, as a browser tab makes one (16–64 letters, digits, - or _). */
export const newPeerId = (tag = 'p') => `${tag}-${randomBytes(12).toString('base64url')}`;

/** A room connection that records its view of the call and the signals it receives. */
export interface CallClient {
  room: RoomClient;
  peerId: string;
  states: CallState[];
  signals: CallSignal[];
  /** The latest `call:state`, if any arrived. */
  view(): CallState | undefined;
  /** The latest view's entry for `peerId`. */
  peer(peerId: string): CallState['peers'][number] | undefined;
  join(media?: { audio: boolean; video: boolean }): ReturnType<typeof emit<'call:join'>>;
  signal(payload: CallSignalPayload): ReturnType<typeof emit<'call:signal'>>;
  close(): void;
}

export async function callClient(
  url: string,
  token: string,
  caseId: string,
  options: ConnectOptions & { peerId?: string } = {},
): Promise<CallClient> {
  const states: CallState[] = [];
  const signals: CallSignal[] = [];
  // Listening before the room lets it in: the first view follows the welcome at once.
  const room = await connectRoom(url, token, caseId, { ...options, waitFor: 'nothing' });
  room.socket.on('call:state', (s) => states.push(s));
  room.socket.on('call:signal', (s) => signals.push(s));
  const until = options.waitFor ?? 'welcome';
  if (until === 'welcome') await waitFor(() => room.welcomes.length > 0, 'room:welcome');
  if (until === 'lobby') await waitFor(() => room.lobby.length > 0, 'room:lobby');
  const c: CallClient = {
    room,
    peerId: options.peerId ?? newPeerId(),
    states,
    signals,
    view: () => states.at(-1),
    peer: (peerId) => states.at(-1)?.peers.find((p) => p.peerId === peerId),
    join: (media = { audio: true, video: true }) => emit(room, 'call:join', { peerId: c.peerId, ...media }),
    signal: (payload) => emit(room, 'call:signal', payload),
    close: () => room.close(),
  };
  return c;
}

/** Waits until `c`'s view of the call satisfies `check`. */
export const waitView = (c: CallClient, check: (s: CallState) => boolean, what: string) =>
  waitFor(() => {
    const v = c.view();
    return v !== undefined && check(v);
  }, what);

/** A short offer-like SDP (its content is the browsers' business; the server only carries it). */
export const sdp = (size = 600) =>
  `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n${'a=x\r\n'.repeat(size / 5)}`.slice(0, size);
