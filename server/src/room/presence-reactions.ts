import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { RoomBroadcasts } from './broadcasts';
import { socketRooms, type AccordIo } from './socket-types';

/**
 * Sends this node's connections in a room (its joint room) the room's presence whenever any node says
 * it changed (`presence.changed`), and every room's after the bus was cut off (notices sent meanwhile
 * are lost). One read per room at a time; notices arriving meanwhile are folded into one more read,
 * which starts after the running one has sent. So the last snapshot a connection gets was read after
 * the last change its node heard of: snapshots cannot overtake each other. Returns the unsubscribe.
 */
export function reactToPresence(
  io: AccordIo,
  bus: Bus,
  broadcasts: Pick<RoomBroadcasts, 'presenceSnapshot'>,
  log: Logger,
): () => void {
  const running = new Set<string>();
  const again = new Set<string>();
  const hasLocal = (caseId: string) => (io.of('/').adapter.rooms.get(socketRooms.joint(caseId))?.size ?? 0) > 0;
  const refresh = (caseId: string): void => {
    if (running.has(caseId)) {
      again.add(caseId);
      return;
    }
    if (!hasLocal(caseId)) return;
    running.add(caseId);
    broadcasts
      .presenceSnapshot(caseId)
      .then((snapshot) => {
        io.local.to(socketRooms.joint(caseId)).emit('presence', snapshot);
      })
      .catch((err: unknown) => log.warn({ err, event: 'room.presence_failed', caseId }, 'presence not sent'))
      .finally(() => {
        running.delete(caseId);
        if (again.delete(caseId)) refresh(caseId);
      });
  };
  const unsubscribe = bus.subscribe(({ message }) => {
    if (message.type === 'presence.changed') refresh(message.caseId);
  });
  const unsubscribeReconnect = bus.onReconnect(() => {
    const cases = new Set<string>();
    for (const s of io.of('/').sockets.values()) if (s.data.admitted) cases.add(s.data.principal.caseId);
    for (const caseId of cases) refresh(caseId);
  });
  return () => {
    unsubscribe();
    unsubscribeReconnect();
  };
}
