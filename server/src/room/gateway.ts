import { randomBytes } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import {
  AccordError,
  HandshakeAuth,
  JOINT,
  PROTOCOL_VERSION,
  can,
  caucusParty,
  clientEvents,
  isClientEventName,
  parseOrThrow,
  type Ack,
  type Channel,
  type ChatMessage,
  type ClientEventName,
  type ClientToServerEvents,
  type ErrorBody,
  type InterServerEvents,
  type PresenceSnapshot,
  type ServerToClientEvents,
} from '@accord/shared';
import type { z } from 'zod';
import type { AuditLog } from '../audit/log';
import type { DocRegistry } from '../agreement/registry';
import type { CaseTransitions } from '../cases/transitions';
import type { AttemptLimiter } from '../auth/attempts';
import type { AuthService, Principal } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import type { SigningKey } from '../outcome/keys';
import { OutcomeService } from '../outcome/service';
import { toErrorBody } from '../errors';
import { vetRecoveredSessions } from './recovery';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { Store } from '../store/types';
import { ChatService } from './chat';
import { ModerationService, toActivity } from './moderation';
import { mayReadChannel, mustWait } from './policy';
import type { PresenceRegistry } from './presence';
import type { EventRateLimits } from './rate-limit';
import type { RoomStates } from './state';

export interface SocketData {
  principal: Principal;
  cursors: ReadonlyMap<Channel, number>;
  /** False while the connection waits in the lobby. */
  admitted: boolean;
}

export type AccordIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AccordSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type Payload<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['payload']>;
type Result<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['result']>;
type Handlers = {
  [K in ClientEventName]: (p: Principal, payload: Payload<K>, socket: AccordSocket) => Promise<Result<K>>;
};

export interface RoomDeps {
  auth: AuthService;
  store: Store;
  docs: DocRegistry;
  tokens: TokenSigner;
  signingKey: SigningKey;
  /** Failed signature confirmations (wrong PIN or password) per signer. */
  signAttempts: AttemptLimiter;
  /** The case's lifecycle follows the room: opened, then settled or not. */
  lifecycle: CaseTransitions;
  /** Records how long each event took to acknowledge. */
  onAck?: (event: string, seconds: number) => void;
  rooms: RoomStates;
  audit: AuditLog;
  presence: PresenceRegistry;
  bus: Bus;
  log: Logger;
  /** Per-socket event and per-person chat budgets. */
  limits: EventRateLimits;
}

/** Socket.IO rooms: the joint room, each person's own room, the mediators', and the lobby. */
export const rooms = {
  joint: (caseId: string) => `case:${caseId}`,
  user: (caseId: string, userId: string) => `case:${caseId}:user:${userId}`,
  mediators: (caseId: string) => `case:${caseId}:mediators`,
  waiting: (caseId: string, userId: string) => `case:${caseId}:waiting:${userId}`,
};

/** Where a channel's messages go: the joint room, or a caucus party plus the mediators. */
function audienceOf(caseId: string, channel: Channel): string[] {
  const party = caucusParty(channel);
  return party === null ? [rooms.joint(caseId)] : [rooms.user(caseId, party), rooms.mediators(caseId)];
}

/** Shared by every connection that brings no cursors (most): an empty Map costs about 180 bytes. */
const NO_CURSORS: ReadonlyMap<Channel, number> = new Map();

function cursorsOf(hs: HandshakeAuth): ReadonlyMap<Channel, number> {
  if (hs.cursors === undefined && hs.lastSeq === undefined) return NO_CURSORS;
  const cursors = new Map<Channel, number>(Object.entries(hs.cursors ?? {}) as [Channel, number][]);
  if (hs.lastSeq !== undefined && !cursors.has(JOINT)) cursors.set(JOINT, hs.lastSeq);
  return cursors;
}

/** Wires the room (lobby, presence, chat, typing, moderation, sign-off) onto a Socket.IO server. */
export function attachRoomGateway(
  io: AccordIo,
  deps: RoomDeps,
): { close: () => void; drain: () => Promise<void>; outcome: OutcomeService } {
  vetRecoveredSessions(io.of('/'), deps.store);
  // Presence counts connections, not socket ids: a recovered socket keeps its id, and the old
  // connection's late disconnect handler must not remove the new one.
  const connectionIds = new WeakMap<AccordSocket, string>();
  // Events being handled now: a shutdown waits for them so their writes finish.
  let inflight = 0;
  let drained: (() => void) | null = null;
  const { auth, store, presence, bus, log } = deps;
  // Not back to the sending connection: its acknowledgement carries the stored message (seq and
  // all), and that one frame less per message is a quarter of chat's writes. The sender's other
  // connections (another tab) are in the audience and get it.
  const chat = new ChatService(store, deps.rooms, (m: ChatMessage, origin) => {
    const to = io.to(audienceOf(m.caseId, m.channel));
    (origin === undefined ? to : to.except(origin)).emit('chat:message', m);
  });
  const moderation = new ModerationService(
    store,
    deps.rooms,
    deps.audit,
    bus,
    {
      stateChanged: (state) => io.to(rooms.joint(state.caseId)).emit('room:state', state),
      activity: (entry) => io.to(rooms.joint(entry.caseId)).emit('activity', entry),
      presenceChanged: (caseId) => broadcastPresence(caseId),
    },
    {
      // Entering signing freezes the agreement's text; leaving it voids the freeze and its signatures.
      afterPhase: async (p, from, to) => {
        if (from === 'scheduled') await deps.lifecycle.roomOpened(p.caseId);
        if (to === 'signing') await outcome.freeze(p);
        else if (from === 'signing') await outcome.unfreeze(p);
      },
    },
  );
  const outcome = new OutcomeService(
    store,
    deps.rooms,
    deps.docs,
    deps.audit,
    deps.tokens,
    deps.signingKey,
    deps.signAttempts,
    {
      statusChanged: (caseId, status) => io.to(rooms.joint(caseId)).emit('outcome:status', status),
      recorded: (entry) => {
        const activity = toActivity(entry);
        if (activity) io.to(rooms.joint(entry.caseId)).emit('activity', activity);
      },
      concluded: async (caseId, kind) => {
        await moderation.conclude(caseId);
        await deps.lifecycle.outcomeSealed(caseId, kind);
      },
    },
  );

  // Authenticate in the handshake, before any room state is touched.
  io.use((socket, next) => {
    void (async () => {
      const hs = parseOrThrow(HandshakeAuth, socket.handshake.auth, 'handshake auth');
      // Checked here, once; the handshake lives as long as the socket, the token need not.
      socket.handshake.auth = {};
      const identity = await auth.authenticate(hs.token);
      socket.data.principal = await auth.principalFor(identity, hs.caseId, 'room.join');
      socket.data.cursors = cursorsOf(hs);
      socket.data.admitted = false;
    })().then(
      () => next(),
      (err: unknown) => {
        const body = toErrorBody(err, log);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  });

  const handlers: Handlers = {
    'chat:send': (p, payload, socket) => chat.send(p, payload, socket.id),
    'chat:history': (p, payload) => chat.history(p, payload),
    'chat:typing': async (p, payload, socket) => {
      if (!can(p.role, 'chat.typing')) throw new AccordError('FORBIDDEN', `a ${p.role} may not type in the chat`);
      if (!mayReadChannel(p, payload.channel)) throw new AccordError('FORBIDDEN', 'not part of this conversation');
      socket.to(audienceOf(p.caseId, payload.channel)).emit('chat:typing', {
        channel: payload.channel,
        userId: p.userId,
        displayName: p.displayName,
        role: p.role,
        typing: payload.typing,
      });
      return {};
    },
    'room:phase': (p, { phase }) => moderation.setPhase(p, phase),
    'room:settings': (p, settings) => moderation.setSettings(p, settings),
    'lobby:admit': (p, who) => moderation.admit(p, who),
    'caucus:open': (p, { userId }) => moderation.openCaucus(p, userId),
    'caucus:close': (p) => moderation.closeCaucus(p),
    'moderation:mute': async (p, { userId, muted }) => (await moderation.mute(p, userId, muted), {}),
    'moderation:remove': async (p, { userId }) => (await moderation.remove(p, userId), {}),
    'agreement:lock': (p, { locked }) => moderation.lock(p, locked),
    'room:pin': (p, { text }) => moderation.pin(p, text),
    'hand:raise': async (p, { raised }) => (await moderation.raiseHand(p, raised), {}),
    'hand:lower': async (p, { userId }) => (await moderation.lowerHand(p, userId), {}),
    'activity:list': (p, query) => moderation.activity(p, query),
    'outcome:status': (p) => outcome.status(p.caseId),
    'outcome:sign': (p, payload) => outcome.sign(p, payload),
    'outcome:seal': (p, { outcome: kind, reason }) => outcome.seal(p, kind, reason),
  };

  async function broadcastPresence(caseId: string): Promise<void> {
    const [members, counts, state] = await Promise.all([
      store.listMembers(caseId),
      presence.counts(caseId),
      deps.rooms.get(caseId),
    ]);
    const snapshot: PresenceSnapshot = {
      caseId,
      participants: members.map((m) => {
        const connections = counts.get(m.userId) ?? 0;
        return {
          userId: m.userId,
          displayName: m.displayName,
          role: m.role,
          online: connections > 0,
          connections,
          // With the lobby off nobody waits, whatever was recorded.
          admitted: m.admitted || m.role === 'mediator' || !state.lobby,
          muted: m.muted,
          handRaised: m.handRaised,
        };
      }),
    };
    io.to(rooms.joint(caseId)).emit('presence', snapshot);
  }

  /** Replays what the connection missed, joins it to its rooms, welcomes it. */
  async function enter(socket: AccordSocket): Promise<void> {
    const p = socket.data.principal;
    socket.data.admitted = true;
    void socket.leave(rooms.waiting(p.caseId, p.userId));
    const { replayed, headSeq } = await chat.replayThenJoin(
      p,
      socket.data.cursors,
      (m) => socket.emit('chat:message', m),
      () => {
        // A client that left during the replay must not be added to rooms it will never leave.
        if (!socket.connected) return;
        void socket.join([
          rooms.joint(p.caseId),
          rooms.user(p.caseId, p.userId),
          ...(p.role === 'mediator' ? [rooms.mediators(p.caseId)] : []),
        ]);
      },
    );
    if (!socket.connected) return;
    await welcome(socket, replayed, headSeq);
  }

  async function welcome(socket: AccordSocket, replayed: number, headSeq: number): Promise<void> {
    const p = socket.data.principal;
    const [c, state] = await Promise.all([store.getCase(p.caseId), deps.rooms.get(p.caseId)]);
    socket.emit('room:welcome', {
      protocolVersion: PROTOCOL_VERSION,
      caseId: p.caseId,
      caseNumber: c?.number ?? '',
      title: c?.title ?? '',
      you: { userId: p.userId, displayName: p.displayName, role: p.role },
      headSeq,
      replayed,
      state: await deps.rooms.view(state),
    });
  }

  async function start(socket: AccordSocket): Promise<void> {
    const p = socket.data.principal;
    const [member, state, c] = await Promise.all([
      store.getMember(p.caseId, p.userId),
      deps.rooms.get(p.caseId),
      store.getCase(p.caseId),
    ]);
    if (!member || member.removedAt !== null)
      throw new AccordError('NOT_A_MEMBER', 'you are not a member of this case');
    await presence.add(p.caseId, p.userId, connectionIds.get(socket) ?? socket.id);
    // An admission that arrived while this was starting already let the socket in.
    if (socket.data.admitted) return broadcastPresence(p.caseId);
    if (socket.recovered) {
      // Socket.IO has handed over what was broadcast while it was away, but not what was broadcast
      // while the handshake middleware ran (a socket not yet connected receives nothing), and the
      // rooms it restored predate any change of role or lobby. So leave them and enter as any
      // connection does: replay from the cursors, then join. The client drops seqs it already has.
      for (const r of socket.rooms) if (r !== socket.id) void socket.leave(r);
    }
    if (mustWait(p, member, state)) {
      void socket.join(rooms.waiting(p.caseId, p.userId));
      socket.emit('room:lobby', {
        caseId: p.caseId,
        caseNumber: c?.number ?? '',
        title: c?.title ?? '',
        you: { userId: p.userId, displayName: p.displayName, role: p.role },
        waiting: true,
      });
    } else {
      // Entering without a waiting room counts as admitted, should the lobby be switched on later.
      if (!member.admitted && p.role !== 'mediator') await store.setMemberFlags(p.caseId, p.userId, { admitted: true });
      await enter(socket);
    }
    await broadcastPresence(p.caseId);
  }

  // `name` is whatever the packet named: a hostile client may send a number (the parser allows it).
  async function dispatch(socket: AccordSocket, name: unknown, args: unknown[]): Promise<void> {
    const event = String(name);
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : null;
    const fail = (error: ErrorBody) => (ack ? ack({ ok: false, error }) : socket.emit('accord:error', error));
    const started = process.hrtime.bigint();
    inflight++;
    try {
      if (!isClientEventName(event)) throw new AccordError('UNKNOWN_EVENT', `unknown event: ${event.slice(0, 64)}`);
      if (args.length - (ack ? 1 : 0) > 1) {
        throw new AccordError(
          'VALIDATION_FAILED',
          `${event} takes one payload and an ack, not ${args.length} arguments`,
        );
      }
      const payload: unknown = parseOrThrow(clientEvents[event].payload, args[0], `${event} payload`);
      if (!socket.data.admitted) {
        throw new AccordError('NOT_ADMITTED', 'you are in the waiting room until the mediator admits you');
      }
      // The table is keyed by event, so each handler gets its own payload type; TS cannot correlate them here.
      const handler = handlers[event] as (p: Principal, payload: unknown, s: AccordSocket) => Promise<unknown>;
      const data = await handler(socket.data.principal, payload, socket);
      ack?.({ ok: true, data });
      deps.onAck?.(event, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (err) {
      const error = toErrorBody(err, log);
      if (error.code === 'INTERNAL' || error.code === 'STORE_FAILED') {
        log.warn({ event: 'room.event_failed', socketEvent: event, code: error.code }, 'event failed');
      }
      fail(error);
    } finally {
      inflight--;
      if (inflight === 0) drained?.();
    }
  }

  io.on('connection', (socket) => {
    // Random, so unique across nodes too. Not randomUUID(): Node builds that as a tree of concatenated
    // strings, about 450 bytes held for as long as the connection stays; this is one flat string.
    const id = randomBytes(16).toString('base64url');
    connectionIds.set(socket, id);
    const p = socket.data.principal;
    log.debug({ event: 'room.connect', caseId: p.caseId, userId: p.userId, role: p.role }, 'connected');
    // Queued ahead of any event this socket sends, so a send after reconnect follows the replay.
    const started = start(socket).catch((err: unknown) => {
      socket.emit('accord:error', toErrorBody(err, log));
      socket.disconnect(true);
    });
    // Counted as they arrive, not after the handshake work queued ahead of them, so a flood is
    // refused at once and never piles up behind `started`.
    const limiter = deps.limits.forSocket(p.userId);
    let lastNotice = 0;
    socket.onAny((event: string, ...args: unknown[]) => {
      if (!socket.connected) return;
      const verdict = limiter.check(event);
      if (verdict.ok) return void started.then(() => dispatch(socket, event, args));
      // Refused. (Inline rather than a named helper made per connection: each such closure costs a
      // few hundred bytes for as long as the connection stays.)
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : null;
      ack?.({ ok: false, error: verdict.error });
      // Without an ack, one notice a second: answering each event of a flood would amplify it.
      // The disconnect is always announced, ack or not.
      if (verdict.disconnect || (!ack && Date.now() - lastNotice >= 1000)) {
        lastNotice = Date.now();
        socket.emit('accord:error', verdict.error);
      }
      if (verdict.disconnect) {
        log.warn({ event: 'room.flood_disconnect', caseId: p.caseId, userId: p.userId }, 'flooding; disconnected');
        socket.disconnect(true);
      }
    });
    // Socket.IO reports a bad packet (and a client's own "error" event) here; both are the client's problem.
    socket.on('error', (err) => log.debug({ err, event: 'room.socket_error' }, 'socket error'));
    socket.on('disconnect', () => {
      limiter.release();
      void started
        .then(async () => {
          await presence.remove(p.caseId, p.userId, id);
          if (socket.data.admitted && can(p.role, 'chat.typing')) {
            io.to(rooms.joint(p.caseId)).emit('chat:typing', {
              channel: JOINT,
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

  const localSockets = () => io.of('/').sockets.values();
  const unsubscribe = bus.subscribe(({ message }) => {
    switch (message.type) {
      case 'sessions.revoked': {
        const revoked = new Set(message.sessionIds);
        for (const socket of localSockets()) {
          if (revoked.has(socket.data.principal.sessionId)) {
            socket.emit('accord:error', { code: 'TOKEN_REVOKED', message: 'your access to this case was revoked' });
            socket.disconnect(true);
          }
        }
        return;
      }
      case 'member.removed':
        for (const socket of localSockets()) {
          const p = socket.data.principal;
          if (p.caseId === message.caseId && p.userId === message.userId) {
            socket.emit('accord:error', { code: 'NOT_A_MEMBER', message: 'the mediator removed you from this room' });
            socket.disconnect(true);
          }
        }
        return;
      case 'member.changed':
        for (const socket of localSockets()) {
          const p = socket.data.principal;
          if (p.caseId === message.caseId && p.userId === message.userId) {
            socket.emit('accord:error', { code: 'FORBIDDEN', message: 'your role in this case changed; reload' });
            socket.disconnect(true);
          }
        }
        return;
      case 'member.admitted': {
        const admitted = new Set(message.userIds);
        for (const socket of localSockets()) {
          const p = socket.data.principal;
          if (p.caseId === message.caseId && admitted.has(p.userId) && !socket.data.admitted) {
            enter(socket).catch((err: unknown) => {
              socket.emit('accord:error', toErrorBody(err, log));
              socket.disconnect(true);
            });
          }
        }
        return;
      }
      case 'room.state':
        return;
    }
  });

  return {
    close: unsubscribe,
    outcome,
    drain: () =>
      inflight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            drained = resolve;
          }),
  };
}
