import { AccordError, PROTOCOL_VERSION } from '@accord/shared';
import { mustWait } from '../access/policy';
import type { RoomStates } from '../access/room-states';
import type { ChatService } from '../chat/service';
import type { Store } from '../store/types';
import type { RoomBroadcasts } from './broadcasts';
import type { PresenceRegistry } from './presence';
import { socketRooms, type AccordSocket } from './socket-types';

export interface EntryDeps {
  store: Pick<Store, 'getCase' | 'getMember' | 'setMemberFlags'>;
  rooms: RoomStates;
  chat: ChatService;
  presence: PresenceRegistry;
  broadcasts: RoomBroadcasts;
  /** Tells a connection that has just entered what it missed outside the chat (the call). */
  onEntered?: (socket: AccordSocket) => Promise<void>;
}

/**
 * How a connection gets into its room: presence, then the waiting room or entry (the replay of what
 * it missed, its Socket.IO rooms, the welcome), then everyone's presence.
 */
export class RoomEntry {
  constructor(private readonly deps: EntryDeps) {}

  /** A new (or recovered) connection, `connectionId` unique across nodes. */
  async start(socket: AccordSocket, connectionId: string): Promise<void> {
    const { store, rooms, presence, broadcasts } = this.deps;
    const p = socket.data.principal;
    const [member, state, c] = await Promise.all([
      store.getMember(p.caseId, p.userId),
      rooms.get(p.caseId),
      store.getCase(p.caseId),
    ]);
    if (!member || member.removedAt !== null)
      throw new AccordError('NOT_A_MEMBER', 'you are not a member of this case');
    await presence.add(p.caseId, p.userId, connectionId);
    // An admission that arrived while this was starting already let the socket in.
    if (socket.data.admitted) return broadcasts.presence(p.caseId);
    if (socket.recovered) {
      // Socket.IO has handed over what was broadcast while it was away, but not what was broadcast
      // while the handshake middleware ran (a socket not yet connected receives nothing), and the
      // rooms it restored predate any change of role or lobby. So leave them and enter as any
      // connection does: replay from the cursors, then join. The client drops seqs it already has.
      for (const r of socket.rooms) if (r !== socket.id) void socket.leave(r);
    }
    if (mustWait(p, member, state)) {
      void socket.join(socketRooms.waiting(p.caseId, p.userId));
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
      await this.enter(socket);
    }
    await broadcasts.presence(p.caseId);
  }

  /**
   * A waiting connection the mediator has just admitted. The presence snapshot that followed the
   * admission went to the joint room before this connection joined it (it joins after its replay),
   * so without its own copy an admitted party's participant list stays empty until the next change.
   */
  async admitted(socket: AccordSocket): Promise<void> {
    await this.enter(socket);
    if (socket.connected) await this.deps.broadcasts.presenceTo(socket.data.principal.caseId, socket.id);
  }

  /** Replays what the connection missed, joins it to its rooms, welcomes it. */
  async enter(socket: AccordSocket): Promise<void> {
    const p = socket.data.principal;
    socket.data.admitted = true;
    void socket.leave(socketRooms.waiting(p.caseId, p.userId));
    const { replayed, headSeq } = await this.deps.chat.replayThenJoin(
      p,
      socket.data.cursors,
      (m) => socket.emit('chat:message', m),
      () => {
        // A client that left during the replay must not be added to rooms it will never leave.
        if (!socket.connected) return;
        void socket.join([
          socketRooms.joint(p.caseId),
          socketRooms.user(p.caseId, p.userId),
          ...(p.role === 'mediator' ? [socketRooms.mediators(p.caseId)] : []),
        ]);
      },
    );
    if (!socket.connected) return;
    await this.welcome(socket, replayed, headSeq);
    await this.deps.onEntered?.(socket);
  }

  private async welcome(socket: AccordSocket, replayed: number, headSeq: number): Promise<void> {
    const { store, rooms } = this.deps;
    const p = socket.data.principal;
    const [c, state] = await Promise.all([store.getCase(p.caseId), rooms.get(p.caseId)]);
    socket.emit('room:welcome', {
      protocolVersion: PROTOCOL_VERSION,
      caseId: p.caseId,
      caseNumber: c?.number ?? '',
      title: c?.title ?? '',
      language: c?.language ?? 'zh-CN',
      timeZone: c?.session?.timeZone ?? 'Asia/Shanghai',
      you: { userId: p.userId, displayName: p.displayName, role: p.role },
      headSeq,
      replayed,
      state: await rooms.view(state),
    });
  }
}
