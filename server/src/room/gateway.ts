import type { Server, Socket } from 'socket.io';
import {
  AccordError,
  HandshakeAuth,
  PROTOCOL_VERSION,
  can,
  clientEvents,
  isClientEventName,
  parseOrThrow,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type ErrorBody,
  type InterServerEvents,
  type PresenceSnapshot,
  type ServerToClientEvents,
} from '@accord/shared';
import type { z } from 'zod';
import type { AuthService, Principal } from '../auth/service';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { Store } from '../store/types';
import { ChatService } from './chat';
import type { PresenceRegistry } from './presence';

export interface SocketData {
  principal: Principal;
  lastSeq: number | undefined;
}

export type AccordIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AccordSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type Payload<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['payload']>;
type Result<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['result']>;
type Handlers = {
  [K in ClientEventName]: (socket: AccordSocket, payload: Payload<K>) => Promise<Result<K>>;
};

export interface RoomDeps {
  auth: AuthService;
  store: Store;
  presence: PresenceRegistry;
  bus: Bus;
  log: Logger;
}

export const roomKey = (caseId: string) => `case:${caseId}`;

/** Wires the room (presence, chat, typing) onto a Socket.IO server. */
export function attachRoomGateway(io: AccordIo, deps: RoomDeps): { close: () => void } {
  const { auth, store, presence, bus, log } = deps;
  const chat = new ChatService(store, (caseId, message) => io.to(roomKey(caseId)).emit('chat:message', message));

  // Authenticate in the handshake, before any room state is touched.
  io.use((socket, next) => {
    void (async () => {
      const hs = parseOrThrow(HandshakeAuth, socket.handshake.auth, 'handshake auth');
      const identity = await auth.authenticate(hs.token);
      const principal = await auth.principalFor(identity, hs.caseId, 'room.join');
      socket.data.principal = principal;
      socket.data.lastSeq = hs.lastSeq;
    })().then(
      () => next(),
      (err: unknown) => {
        const body = toErrorBody(err, log);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  });

  const handlers: Handlers = {
    'chat:send': (socket, payload) => chat.send(socket.data.principal, payload),
    'chat:history': (socket, payload) => chat.history(socket.data.principal, payload),
    'chat:typing': async (socket, payload) => {
      const p = socket.data.principal;
      if (!can(p.role, 'chat.typing')) throw new AccordError('FORBIDDEN', `a ${p.role} may not type in the chat`);
      socket.to(roomKey(p.caseId)).emit('chat:typing', {
        userId: p.userId,
        displayName: p.displayName,
        role: p.role,
        typing: payload.typing,
      });
      return {};
    },
  };

  async function broadcastPresence(caseId: string): Promise<void> {
    const [members, counts] = await Promise.all([store.listMembers(caseId), presence.counts(caseId)]);
    const snapshot: PresenceSnapshot = {
      caseId,
      participants: members.map((m) => {
        const connections = counts.get(m.userId) ?? 0;
        return { userId: m.userId, displayName: m.displayName, role: m.role, online: connections > 0, connections };
      }),
    };
    io.to(roomKey(caseId)).emit('presence', snapshot);
  }

  async function dispatch(socket: AccordSocket, event: string, args: unknown[]): Promise<void> {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : null;
    const fail = (error: ErrorBody) => (ack ? ack({ ok: false, error }) : socket.emit('accord:error', error));
    try {
      if (!isClientEventName(event)) throw new AccordError('UNKNOWN_EVENT', `unknown event: ${event.slice(0, 64)}`);
      const payload: unknown = parseOrThrow(clientEvents[event].payload, args[0], `${event} payload`);
      // The table is keyed by event, so each handler gets its own payload type; TS cannot correlate them here.
      const handler = handlers[event] as (s: AccordSocket, p: unknown) => Promise<unknown>;
      const data = await handler(socket, payload);
      ack?.({ ok: true, data });
    } catch (err) {
      const error = toErrorBody(err, log);
      if (error.code === 'INTERNAL' || error.code === 'STORE_FAILED') {
        log.warn({ event: 'room.event_failed', socketEvent: event, code: error.code }, 'event failed');
      }
      fail(error);
    }
  }

  io.on('connection', (socket) => {
    const p = socket.data.principal;
    const room = roomKey(p.caseId);
    log.debug({ event: 'room.connect', caseId: p.caseId, userId: p.userId, role: p.role }, 'connected');

    // Queued ahead of any event this socket sends, so a send after reconnect follows the replay.
    const joined = chat
      .replayThenJoin(
        p.caseId,
        socket.data.lastSeq,
        (m) => socket.emit('chat:message', m),
        () => void socket.join(room),
      )
      .then(async ({ replayed, headSeq }) => {
        const c = await store.getCase(p.caseId);
        socket.emit('room:welcome', {
          protocolVersion: PROTOCOL_VERSION,
          caseId: p.caseId,
          caseNumber: c?.number ?? '',
          title: c?.title ?? '',
          you: { userId: p.userId, displayName: p.displayName, role: p.role },
          headSeq,
          replayed,
        });
        await presence.add(p.caseId, p.userId, socket.id);
        await broadcastPresence(p.caseId);
      })
      .catch((err: unknown) => {
        socket.emit('accord:error', toErrorBody(err, log));
        socket.disconnect(true);
      });

    socket.onAny((event: string, ...args: unknown[]) => void dispatch(socket, event, args));

    socket.on('disconnect', () => {
      void joined
        .then(async () => {
          await presence.remove(p.caseId, p.userId, socket.id);
          if (can(p.role, 'chat.typing')) {
            io.to(room).emit('chat:typing', {
              userId: p.userId,
              displayName: p.displayName,
              role: p.role,
              typing: false,
            });
          }
          await broadcastPresence(p.caseId);
        })
        .catch((err: unknown) => log.error({ err, event: 'room.disconnect_failed' }, 'presence update failed'));
    });
  });

  const unsubscribe = bus.subscribe(({ message }) => {
    if (message.type !== 'sessions.revoked') return;
    const revoked = new Set(message.sessionIds);
    for (const socket of io.of('/').sockets.values()) {
      if (revoked.has(socket.data.principal.sessionId)) {
        socket.emit('accord:error', { code: 'TOKEN_REVOKED', message: 'your access to this case was revoked' });
        socket.disconnect(true);
      }
    }
  });

  return { close: unsubscribe };
}
