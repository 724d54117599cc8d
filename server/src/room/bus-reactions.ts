import type { ErrorBody } from '@accord/shared';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { RoomEntry } from './entry';
import type { AccordIo, AccordSocket } from './socket-types';

/**
 * What this node's connections do when any node changes who may be in a room: revoked sessions and
 * removed or re-roled members are sent away, admitted ones enter. Returns the unsubscribe.
 */
export function reactToBus(io: AccordIo, bus: Bus, entry: RoomEntry, log: Logger): () => void {
  const localSockets = () => io.of('/').sockets.values();
  const sendAway = (socket: AccordSocket, error: ErrorBody) => {
    socket.emit('accord:error', error);
    socket.disconnect(true);
  };
  const of = (caseId: string, userId: string) =>
    [...localSockets()].filter((s) => s.data.principal.caseId === caseId && s.data.principal.userId === userId);
  return bus.subscribe(({ message }) => {
    switch (message.type) {
      case 'sessions.revoked': {
        const revoked = new Set(message.sessionIds);
        for (const socket of localSockets()) {
          if (revoked.has(socket.data.principal.sessionId)) {
            sendAway(socket, { code: 'TOKEN_REVOKED', message: 'your access to this case was revoked' });
          }
        }
        return;
      }
      case 'member.removed':
        for (const socket of of(message.caseId, message.userId)) {
          sendAway(socket, { code: 'NOT_A_MEMBER', message: 'the mediator removed you from this room' });
        }
        return;
      case 'member.changed':
        for (const socket of of(message.caseId, message.userId)) {
          sendAway(socket, { code: 'FORBIDDEN', message: 'your role in this case changed; reload' });
        }
        return;
      case 'member.admitted': {
        const admitted = new Set(message.userIds);
        for (const socket of localSockets()) {
          const p = socket.data.principal;
          if (p.caseId === message.caseId && admitted.has(p.userId) && !socket.data.admitted) {
            entry.admitted(socket).catch((err: unknown) => sendAway(socket, toErrorBody(err, log)));
          }
        }
        return;
      }
      default:
        return;
    }
  });
}
