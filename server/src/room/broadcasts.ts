import type {
  Activity,
  CallSignal,
  ChatMessage,
  NegotiationState,
  OutcomeStatus,
  PresenceSnapshot,
  RoomState,
} from '@accord/shared';
import type { RoomStates } from '../access/room-states';
import type { EvidenceAudience } from '../evidence/service';
import type { Bus } from '../scale/bus';
import type { MemberStore } from '../store/types';
import type { PresenceRegistry } from './presence';
import { audienceOf, socketRooms, type AccordIo } from './socket-types';

/**
 * Everything the room's services tell the people in a room, as Socket.IO emits. The composition root
 * hands these to the services as their effects, so no service knows of Socket.IO.
 */
export class RoomBroadcasts {
  constructor(
    private readonly io: AccordIo,
    private readonly deps: {
      members: Pick<MemberStore, 'listMembers'>;
      presence: PresenceRegistry;
      rooms: RoomStates;
      bus: Pick<Bus, 'publish'>;
    },
  ) {}

  /**
   * A stored chat message, to the channel's audience. Not back to the sending connection (`origin`):
   * its acknowledgement carries the stored message (seq and all), and that one frame less per message
   * is a quarter of chat's writes. The sender's other connections (another tab) are in the audience.
   */
  chatMessage(m: ChatMessage, origin: string | undefined): void {
    const to = this.io.to(audienceOf(m.caseId, m.channel));
    (origin === undefined ? to : to.except(origin)).emit('chat:message', m);
  }

  roomState(state: RoomState): void {
    this.io.to(socketRooms.joint(state.caseId)).emit('room:state', state);
  }

  activity(entry: Activity): void {
    this.io.to(socketRooms.joint(entry.caseId)).emit('activity', entry);
  }

  /**
   * A content-free nudge to refetch the evidence list, to the people an item reaches before or after
   * a change: the joint room for an item shown to both; for one shown in caucus, that side's members
   * (their own rooms) and the mediators. Nobody else hears that anything changed.
   */
  async evidenceChanged(caseId: string, audiences: readonly EvidenceAudience[]): Promise<void> {
    const rooms = new Set<string>();
    let members: Awaited<ReturnType<MemberStore['listMembers']>> | null = null;
    for (const a of audiences) {
      if (a.shownTo === 'both') {
        rooms.add(socketRooms.joint(caseId));
        continue;
      }
      rooms.add(socketRooms.mediators(caseId));
      if (a.caucusSide === null) continue;
      members ??= await this.deps.members.listMembers(caseId);
      const role = a.caucusSide === 'customer' ? 'customer' : 'platform';
      for (const m of members) {
        if (m.role === role && m.removedAt === null) rooms.add(socketRooms.user(caseId, m.userId));
      }
    }
    if (rooms.size > 0) this.io.to([...rooms]).emit('evidence:changed', { caseId });
  }

  /** A call signal to one connection: its socket id is a Socket.IO room, so it reaches it on any node. */
  callSignal(socketId: string, signal: CallSignal): void {
    this.io.to(socketId).emit('call:signal', signal);
  }

  outcomeStatus(caseId: string, status: OutcomeStatus): void {
    this.io.to(socketRooms.joint(caseId)).emit('outcome:status', status);
  }

  /** A document request was made or answered: a nudge without content (each member fetches what their side sees). */
  documentsChanged(caseId: string): void {
    this.io.to(socketRooms.joint(caseId)).emit('documents:changed', { caseId });
  }

  /** Consent, rounds and blind-offer status: the same for every member (never an offer's amount). */
  negotiation(caseId: string, state: NegotiationState): void {
    this.io.to(socketRooms.joint(caseId)).emit('negotiation:state', state);
  }

  /**
   * Who is online, admitted, muted or has a hand raised in a room changed: every node (this one
   * included) sends its own connections in the room a snapshot read after the change. Not one
   * snapshot from here to everyone: snapshots read on two nodes for two changes close together can
   * cross on the way (one over Redis, one local), and the older one, arriving last, would stay on
   * screen until the next change. Each node reads and sends its own in order (`reactToPresence`), and
   * its last read follows every change it was told of.
   */
  async presence(caseId: string): Promise<void> {
    await this.deps.bus.publish({ type: 'presence.changed', caseId });
  }

  /** The room's snapshot to one connection (a socket id) that has just entered and missed the last one. */
  async presenceTo(caseId: string, socketId: string): Promise<void> {
    this.io.to(socketId).emit('presence', await this.presenceSnapshot(caseId));
  }

  /** Who is in the case, online, admitted, muted, with a hand raised. */
  async presenceSnapshot(caseId: string): Promise<PresenceSnapshot> {
    const { members, presence, rooms } = this.deps;
    const [list, counts, state] = await Promise.all([
      members.listMembers(caseId),
      presence.counts(caseId),
      rooms.get(caseId),
    ]);
    return {
      caseId,
      participants: list.map((m) => {
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
  }
}
