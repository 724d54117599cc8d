import {
  AccordError,
  can,
  type CallJoinPayload,
  type CallJoinResult,
  type CallMedia,
  type CallSignal,
  type CallSignalPayload,
  type CallState,
  type IceConfig,
} from '@accord/shared';
import { callGroup } from '../access/policy';
import type { RoomStates } from '../access/room-states';
import type { Principal } from '../auth/service';
import type { CallConfig } from '../config';
import type { Bus } from '../scale/bus';
import type { MemberRecord, MemberStore, RoomStateRecord } from '../store/types';
import type { CallEntry, CallRoster } from './roster';
import { iceConfigFor } from './turn';

/** What the call service does to people: hands a signal to one connection, on whichever node it is. */
export interface CallEffects {
  deliverSignal(socketId: string, signal: CallSignal): void;
}

/** A connection as the call knows it: its socket id and the peer id it joined with, if any. */
export interface CallConnection {
  socketId: string;
  peerId: string | null;
}

/** What every view of one room's call is computed from, read once per change. */
export interface CallSnapshot {
  caseId: string;
  entries: CallEntry[];
  members: Map<string, MemberRecord>;
  state: RoomStateRecord;
}

const notInCall = () => AccordError.because('FORBIDDEN', 'call.notInCall', 'join the call first');

/**
 * The room's call: who is in it, whom each may reach, and the signalling between them. It never
 * touches media (the browsers connect to each other); it decides which pairs may connect and
 * forwards a signal only between such a pair. Every change is announced on the bus (`call.changed`),
 * on which each node sends its own connections their new view (room/call-reactions.ts).
 */
export class CallService {
  constructor(
    private readonly roster: CallRoster,
    private readonly store: Pick<MemberStore, 'listMembers' | 'getMember'>,
    private readonly rooms: RoomStates,
    private readonly bus: Bus,
    private readonly config: CallConfig,
    private readonly effects: CallEffects,
  ) {}

  /** How long the peer of a connection that dropped is kept for it to come back. */
  private get awayMs(): number {
    return this.config.awayMs;
  }

  async join(p: Principal, payload: CallJoinPayload, conn: CallConnection): Promise<CallJoinResult> {
    if (!can(p.role, 'call.join')) {
      throw AccordError.because('FORBIDDEN', 'call.notAllowed', `a ${p.role} takes no part in the call`);
    }
    this.assertMaySend(p, payload);
    const entries = await this.roster.list(p.caseId);
    const held = entries.find((e) => e.peerId === payload.peerId);
    if (held && held.userId !== p.userId) {
      throw AccordError.because('FORBIDDEN', 'call.peerTaken', 'this peer id belongs to someone else');
    }
    if (conn.peerId !== null && conn.peerId !== payload.peerId) {
      await this.roster.remove(p.caseId, conn.peerId, conn.socketId);
    }
    await this.roster.put(p.caseId, {
      peerId: payload.peerId,
      userId: p.userId,
      socketId: conn.socketId,
      audio: payload.audio,
      video: payload.video,
      // A rejoin keeps its place in the order.
      joinedAt: held?.joinedAt ?? Date.now(),
      awayUntil: null,
    });
    await this.changed(p.caseId);
    return { peerId: payload.peerId, ice: this.ice(p) };
  }

  async leave(p: Principal, conn: CallConnection): Promise<void> {
    if (conn.peerId === null) return;
    if (await this.roster.remove(p.caseId, conn.peerId, conn.socketId)) await this.changed(p.caseId);
  }

  async media(p: Principal, media: CallMedia, conn: CallConnection): Promise<void> {
    if (conn.peerId === null) throw notInCall();
    this.assertMaySend(p, media);
    const entry = await this.roster.update(p.caseId, conn.peerId, conn.socketId, media);
    if (!entry) throw notInCall();
    await this.changed(p.caseId);
  }

  /** Fresh ICE servers and TURN credentials for this person. */
  ice(p: Principal): IceConfig {
    if (!can(p.role, 'call.join')) {
      throw AccordError.because('FORBIDDEN', 'call.notAllowed', `a ${p.role} takes no part in the call`);
    }
    return iceConfigFor(this.config, p.userId);
  }

  /**
   * Forwards a signal to its target, if both are in this room's call and may reach each other now.
   * The sender is the connection's own peer, never a field of the payload.
   */
  async signal(p: Principal, payload: CallSignalPayload, conn: CallConnection): Promise<void> {
    if (conn.peerId === null) throw notInCall();
    // Every offer, answer and candidate comes this way: the target's membership is read through the
    // node's member cache, not the whole member list from the store.
    const [entries, state] = await Promise.all([this.roster.list(p.caseId), this.rooms.get(p.caseId)]);
    const me = entries.find((e) => e.peerId === conn.peerId && e.socketId === conn.socketId);
    if (!me) throw notInCall();
    const target = entries.find((e) => e.peerId === payload.to);
    const member = target ? await this.store.getMember(p.caseId, target.userId) : null;
    if (!target || !member || member.removedAt !== null) {
      throw AccordError.because('NOT_FOUND', 'call.peerNotInCall', 'that peer is not in this call');
    }
    if (callGroup(p.userId, p.role, state) !== callGroup(member.userId, member.role, state)) {
      throw AccordError.because('FORBIDDEN', 'call.separated', 'a private session separates you from that peer');
    }
    const { to: _to, ...body } = payload;
    this.effects.deliverSignal(target.socketId, { ...body, from: me.peerId });
  }

  /** The connection dropped: its peer is kept a while for it to come back with the same peer id. */
  async disconnected(p: Principal, conn: CallConnection): Promise<void> {
    if (conn.peerId === null) return;
    const entry = await this.roster.update(p.caseId, conn.peerId, conn.socketId, {
      awayUntil: Date.now() + this.awayMs,
    });
    // Once it is past its time the roster leaves it out, and every node refreshes its own connections
    // then (room/call-reactions.ts): no node needs to live to announce it.
    if (entry) await this.changed(p.caseId);
  }

  /** A removed person's media ends at once: their peers leave the roster without waiting for them to come back. */
  async removeUser(caseId: string, userId: string): Promise<void> {
    let removed = false;
    for (const e of await this.roster.list(caseId)) {
      if (e.userId === userId) removed = (await this.roster.remove(caseId, e.peerId, e.socketId)) || removed;
    }
    if (removed) await this.changed(caseId);
  }

  async snapshot(caseId: string): Promise<CallSnapshot> {
    const [entries, members, state] = await Promise.all([
      this.roster.list(caseId),
      this.store.listMembers(caseId),
      this.rooms.get(caseId),
    ]);
    return { caseId, entries, members: new Map(members.map((m) => [m.userId, m])), state };
  }

  private assertMaySend(p: Principal, media: CallMedia): void {
    if ((media.audio || media.video) && !can(p.role, 'call.send')) {
      throw AccordError.because('FORBIDDEN', 'call.listenOnly', `a ${p.role} listens to the call but does not send`);
    }
  }

  private changed(caseId: string): Promise<void> {
    return this.bus.publish({ type: 'call.changed', caseId });
  }
}

/**
 * The call as one connection sees it: everyone else in it (removed people left out), with why each is
 * out of reach now, if they are. A connection not in the call sees the same, as if it were.
 */
export function callViewFor(snap: CallSnapshot, viewer: Principal, conn: CallConnection): CallState {
  const group = callGroup(viewer.userId, viewer.role, snap.state);
  const mine = snap.entries.find((e) => e.peerId === conn.peerId && e.socketId === conn.socketId) ?? null;
  const me = snap.members.get(viewer.userId);
  const peers: CallState['peers'] = [];
  for (const e of snap.entries) {
    if (e === mine) continue;
    const m = snap.members.get(e.userId);
    if (!m || m.removedAt !== null) continue;
    const apart = callGroup(m.userId, m.role, snap.state) !== group;
    peers.push({
      peerId: e.peerId,
      userId: m.userId,
      displayName: m.displayName,
      role: m.role,
      audio: e.audio,
      video: e.video,
      muted: m.muted,
      separated: apart ? 'caucus' : e.awayUntil !== null ? 'away' : null,
    });
  }
  return {
    caseId: snap.caseId,
    you: mine
      ? {
          peerId: mine.peerId,
          audio: mine.audio,
          video: mine.video,
          muted: me?.muted ?? false,
          maySend: can(viewer.role, 'call.send'),
        }
      : null,
    peers,
    recorded: false,
  };
}
