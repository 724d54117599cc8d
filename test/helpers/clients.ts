import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import * as authProtocol from 'y-protocols/auth';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type {
  Ack,
  Activity,
  LobbyStatus,
  NegotiationState,
  RoomState,
  ChatMessage,
  ClientToServerEvents,
  ErrorBody,
  PresenceSnapshot,
  RoomWelcome,
  ServerToClientEvents,
  TypingEvent,
} from '@accord/shared';
import { waitFor } from './wait';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client that records everything the server sends it. */
export interface RoomClient {
  socket: RoomSocket;
  /** The server and the session token it connected with (to open the case's documents as the same member). */
  url: string;
  token: string;
  messages: ChatMessage[];
  welcomes: RoomWelcome[];
  lobby: LobbyStatus[];
  states: RoomState[];
  activity: Activity[];
  presence: PresenceSnapshot[];
  typing: TypingEvent[];
  negotiation: NegotiationState[];
  errors: ErrorBody[];
  /** Highest seq received; sent as lastSeq on every reconnection. */
  lastSeq(): number;
  send(text: string, clientId?: string): Promise<Ack<{ message: ChatMessage; duplicate: boolean }>>;
  close(): void;
}

let counter = 0;
export const newClientId = () => `cid-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface ConnectOptions {
  lastSeq?: number;
  /** Per-channel cursors sent on the first connection. */
  cursors?: Record<string, number>;
  /** Resume from the highest seq received on each reconnection (default true). */
  resume?: boolean;
  transports?: ('websocket' | 'polling')[];
  /** What to wait for before returning: the room (default), the lobby, or nothing. */
  waitFor?: 'welcome' | 'lobby' | 'nothing';
}

export async function connectRoom(
  url: string,
  token: string,
  caseId: string,
  options: ConnectOptions = {},
): Promise<RoomClient> {
  const messages: ChatMessage[] = [];
  const client: RoomClient = {
    socket: null as unknown as RoomSocket,
    url,
    token,
    messages,
    welcomes: [],
    lobby: [],
    states: [],
    activity: [],
    presence: [],
    typing: [],
    negotiation: [],
    errors: [],
    lastSeq: () => messages.filter((m) => m.channel === 'joint').at(-1)?.seq ?? options.lastSeq ?? 0,
    // The server does not send a message back to the connection that sent it: the ack carries it, and
    // is taken into `messages` the moment it arrives (in the ack callback, before any later frame), as
    // the browser merges it. A repeated ack of a message already there adds nothing.
    send: (text, clientId = newClientId()) =>
      new Promise((resolve) =>
        client.socket.emit('chat:send', { clientId, text }, (res) => {
          if (res.ok && !messages.some((m) => m.id === res.data.message.id)) messages.push(res.data.message);
          resolve(res);
        }),
      ),
    close: () => void client.socket.disconnect(),
  };
  let first = true;
  const socket: RoomSocket = io(url, {
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    auth: (cb) => {
      const resume = options.resume ?? true;
      const lastSeq = first ? options.lastSeq : resume ? client.lastSeq() : undefined;
      const cursors = first ? options.cursors : undefined;
      first = false;
      cb({
        token,
        caseId,
        ...(lastSeq === undefined ? {} : { lastSeq }),
        ...(cursors === undefined ? {} : { cursors }),
      });
    },
  });
  client.socket = socket;
  socket.on('chat:message', (m) => messages.push(m));
  socket.on('room:welcome', (w) => client.welcomes.push(w));
  socket.on('room:lobby', (l) => client.lobby.push(l));
  socket.on('room:state', (st) => client.states.push(st));
  socket.on('activity', (a) => client.activity.push(a));
  socket.on('presence', (p) => client.presence.push(p));
  socket.on('chat:typing', (t) => client.typing.push(t));
  socket.on('negotiation:state', (n) => client.negotiation.push(n));
  socket.on('accord:error', (e) => client.errors.push(e));
  const until = options.waitFor ?? 'welcome';
  if (until === 'welcome') await waitFor(() => client.welcomes.length > 0, 'room:welcome');
  if (until === 'lobby') await waitFor(() => client.lobby.length > 0, 'room:lobby');
  return client;
}

/** Connects and expects the handshake to be refused; returns the error data the server sent. */
export async function connectRefused(url: string, auth: unknown): Promise<ErrorBody> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: auth as object });
  try {
    return await new Promise<ErrorBody>((resolve, reject) => {
      socket.on('connect', () => reject(new Error('connection was accepted')));
      socket.on('connect_error', (err) => resolve((err as Error & { data: ErrorBody }).data));
    });
  } finally {
    socket.disconnect();
  }
}

export interface DocClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  closes: { code: number; reason: string }[];
  denied: string[];
  destroy(): void;
}

/** A stock y-websocket WebsocketProvider, BroadcastChannel off so only the server syncs. */
export function connectDoc(url: string, docName: string, token: string, doc = new Y.Doc()): DocClient {
  const closes: DocClient['closes'] = [];
  const denied: string[] = [];
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  // The stock provider only logs the protocol's permission-denied message; record it instead.
  provider.messageHandlers[2] = (_encoder, decoder) =>
    authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => denied.push(reason));
  return {
    doc,
    provider,
    closes,
    denied,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

export const waitSynced = (c: DocClient) => waitFor(() => c.provider.synced, 'provider synced');
