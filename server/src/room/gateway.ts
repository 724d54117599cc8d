import { JOINT, can } from '@accord/shared';
import type { RoomStates } from '../access/room-states';
import type { AuthService } from '../auth/service';
import { toErrorBody } from '../errors';
import { connectionId } from '../lib/ids';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { Store } from '../store/types';
import { reactToBus } from './bus-reactions';
import { callConnection, reactToCallChanges } from './call-reactions';
import { reactToPresence } from './presence-reactions';
import type { RoomBroadcasts } from './broadcasts';
import { Dispatcher } from './dispatch';
import { RoomEntry, type EntryDeps } from './entry';
import { roomHandlers, type RoomServices } from './handlers';
import { authenticateHandshakes } from './handshake';
import type { PresenceRegistry } from './presence';
import type { EventRateLimits } from './rate-limit';
import { vetRecoveredSessions } from './recovery';
import { socketRooms, type AccordIo } from './socket-types';

export type { AccordIo, AccordSocket, SocketData } from './socket-types';

export interface RoomGatewayDeps {
  auth: AuthService;
  /** What entering a room and vetting a recovered session read and write. */
  store: EntryDeps['store'] & Pick<Store, 'getSession'>;
  rooms: RoomStates;
  services: RoomServices;
  presence: PresenceRegistry;
  broadcasts: RoomBroadcasts;
  bus: Bus;
  log: Logger;
  /** Per-socket event and per-person chat budgets. */
  limits: EventRateLimits;
  /** Records how long each event took to acknowledge. */
  onAck?: (event: string, seconds: number) => void;
}

export interface RoomGateway {
  /** Stops reacting to the bus. */
  close(): void;
  /** Resolves once no event is being handled (a shutdown lets their writes finish). */
  drain(): Promise<void>;
}

/**
 * The Socket.IO transport of the room: authenticates each connection in its handshake, lets it in
 * (or into the waiting room), and translates its events into service calls. It builds no service.
 */
export function attachRoomGateway(io: AccordIo, deps: RoomGatewayDeps): RoomGateway {
  const { presence, broadcasts, log } = deps;
  vetRecoveredSessions(io.of('/'), deps.store);
  authenticateHandshakes(io, deps.auth, log);
  const calls = reactToCallChanges(io, deps.bus, deps.services.calls, log);
  const entry = new RoomEntry({ ...deps, chat: deps.services.chat, onEntered: calls.sendTo });
  const dispatcher = new Dispatcher(roomHandlers(deps.services), log, deps.onAck);
  // A dead node's connections lapsed, or a node's came back: nobody left or joined, yet who is online changed.
  presence.onLapsed((caseId) => {
    broadcasts
      .presence(caseId)
      .catch((err: unknown) => log.error({ err, event: 'room.presence_lapsed_failed' }, 'presence update failed'));
  });

  io.on('connection', (socket) => {
    // Presence counts connections, not socket ids: a recovered socket keeps its id, and the old
    // connection's late disconnect handler must not remove the new one.
    const id = connectionId();
    const p = socket.data.principal;
    log.debug({ event: 'room.connect', caseId: p.caseId, userId: p.userId, role: p.role }, 'connected');
    // Queued ahead of any event this socket sends, so a send after reconnect follows the replay.
    const started = entry.start(socket, id).catch((err: unknown) => {
      socket.emit('accord:error', toErrorBody(err, log));
      socket.disconnect(true);
    });
    const limiter = deps.limits.forSocket(p.userId);
    dispatcher.listen(socket, limiter, started);
    // Socket.IO reports a bad packet (and a client's own "error" event) here; both are the client's problem.
    socket.on('error', (err) => log.debug({ err, event: 'room.socket_error' }, 'socket error'));
    socket.on('disconnect', (reason) => {
      limiter.release();
      void started
        .then(async () => {
          // Sent away by the server (a revoked session, a changed role, a flood): out of the call at
          // once. Any other loss (the network, a restarting node) keeps the peer a while to come back.
          if (reason === 'server namespace disconnect') await deps.services.calls.leave(p, callConnection(socket));
          else await deps.services.calls.disconnected(p, callConnection(socket));
          await presence.remove(p.caseId, p.userId, id);
          if (socket.data.admitted && can(p.role, 'chat.typing')) {
            io.to(socketRooms.joint(p.caseId)).emit('chat:typing', {
              channel: JOINT,
              userId: p.userId,
              displayName: p.displayName,
              role: p.role,
              typing: false,
            });
          }
          await broadcasts.presence(p.caseId);
        })
        .catch((err: unknown) => log.error({ err, event: 'room.disconnect_failed' }, 'presence update failed'));
    });
  });

  const stopBus = reactToBus(io, deps.bus, entry, log);
  const stopPresence = reactToPresence(io, deps.bus, broadcasts, log);
  return {
    close: () => {
      stopBus();
      stopPresence();
      calls.close();
    },
    drain: () => dispatcher.drain(),
  };
}
