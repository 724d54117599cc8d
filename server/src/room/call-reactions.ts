import type { CallService } from '../call/service';
import { callViewFor } from '../call/service';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { AccordIo, AccordSocket } from './socket-types';

/** A connection's place in the call, as the call service needs it. */
export const callConnection = (socket: AccordSocket) => ({
  socketId: socket.id,
  peerId: socket.data.callPeerId ?? null,
});

/**
 * Sends this node's admitted connections of a room their view of its call whenever anything it
 * depends on changes, on any node: the roster (`call.changed`), the room state (a caucus opens or
 * closes), a member's flags (muted), a removal (that person's peers leave the call at once), an
 * admission. Returns the unsubscribe and a way to send one connection its view (on entering).
 */
export function reactToCallChanges(
  io: AccordIo,
  bus: Bus,
  calls: CallService,
  log: Logger,
): { close: () => void; sendTo: (socket: AccordSocket) => Promise<void> } {
  const localSockets = (caseId: string) =>
    [...io.of('/').sockets.values()].filter((s) => s.data.principal.caseId === caseId && s.data.admitted);
  // One refresh per room at a time; changes that arrive meanwhile are folded into one more.
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  // Each node refreshes its own connections when a peer's away period ends, whichever node saw it
  // drop (that node may be gone): one timer per room, at the earliest end.
  const awayTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  const whenAwayEnds = (caseId: string, awayUntil: number[]): void => {
    const at = Math.min(...awayUntil);
    const set = awayTimers.get(caseId);
    if (set && set.at <= at) return;
    if (set) clearTimeout(set.timer);
    if (!Number.isFinite(at)) return void awayTimers.delete(caseId);
    const timer = setTimeout(
      () => {
        awayTimers.delete(caseId);
        refresh(caseId);
      },
      Math.max(0, at - Date.now()) + 50,
    );
    timer.unref();
    awayTimers.set(caseId, { at, timer });
  };
  const refresh = (caseId: string): void => {
    if (running.has(caseId)) {
      again.add(caseId);
      return;
    }
    const sockets = localSockets(caseId);
    if (sockets.length === 0) return;
    const run = calls
      .snapshot(caseId)
      .then((snap) => {
        whenAwayEnds(
          caseId,
          snap.entries.flatMap((e) => (e.awayUntil === null ? [] : [e.awayUntil])),
        );
        for (const s of localSockets(caseId))
          s.emit('call:state', callViewFor(snap, s.data.principal, callConnection(s)));
      })
      .catch((err: unknown) => log.warn({ err, event: 'call.refresh_failed', caseId }, 'call view not sent'))
      .finally(() => {
        running.delete(caseId);
        if (again.delete(caseId)) refresh(caseId);
      });
    running.set(caseId, run);
  };
  const unsubscribe = bus.subscribe(({ message }) => {
    switch (message.type) {
      case 'call.changed':
        return refresh(message.caseId);
      case 'room.state':
        return refresh(message.state.caseId);
      case 'member.flags':
      case 'member.admitted':
        return refresh(message.caseId);
      case 'member.removed':
        // Every node tries; the roster removes each entry once, and the change refreshes everyone.
        void calls
          .removeUser(message.caseId, message.userId)
          .catch((err: unknown) => log.warn({ err, event: 'call.remove_failed' }, 'removed member still in call'));
        return refresh(message.caseId);
      default:
        return;
    }
  });
  const sendTo = async (socket: AccordSocket): Promise<void> => {
    const snap = await calls.snapshot(socket.data.principal.caseId);
    if (socket.connected) socket.emit('call:state', callViewFor(snap, socket.data.principal, callConnection(socket)));
  };
  const close = (): void => {
    unsubscribe();
    for (const { timer } of awayTimers.values()) clearTimeout(timer);
    awayTimers.clear();
  };
  return { close, sendTo };
}
