import {
  AccordError,
  ActivityKind,
  can,
  canTransition,
  isParty,
  isSigningRole,
  type Activity,
  type ActivityListResult,
  type CaucusListResult,
  type Phase,
  type RoomState,
} from '@accord/shared';
import type { ActivityIdOf } from '../audit/activity-id';
import type { AuditLog } from '../audit/log';
import type { Principal } from '../auth/service';
import type { Bus } from '../scale/bus';
import type {
  AuditRecord,
  MemberRecord,
  RoomStatePatch,
  RoomStateRecord,
  MemberStore,
  SignoffStore,
} from '../store/types';
import type { RoomStates } from '../access/room-states';
import { caucusIsOpen, mayReadCaucus } from '../access/policy';

/** What else happens when the phase changes (sign-off freezes and unfreezes the agreement). */
export interface PhaseHooks {
  /** May refuse the change (entering signing needs a signable agreement); nothing has changed yet. */
  beforePhase(p: Principal, from: Phase, to: Phase): Promise<void>;
  afterPhase(p: Principal, from: Phase, to: Phase): Promise<void>;
}

/** How moderation reaches the room; the gateway provides it. */
export interface RoomEffects {
  stateChanged(state: RoomState): void;
  activity(entry: Activity): void;
  presenceChanged(caseId: string): Promise<void>;
}

type Target = { userId: string; displayName: string } | null;

/**
 * The mediator's controls: phases, waiting room, caucus, mute, remove, lock,
 * pin; and the parties' raised hands. Every change is checked here (not in
 * the page), written to the store, recorded in the case's audit log and shown
 * in the activity feed.
 */
export class ModerationService {
  constructor(
    private readonly store: MemberStore & SignoffStore,
    private readonly rooms: RoomStates,
    private readonly audit: AuditLog,
    private readonly bus: Bus,
    private readonly effects: RoomEffects,
    private readonly hooks: PhaseHooks,
    private readonly activityId: ActivityIdOf,
  ) {}

  async setPhase(p: Principal, phase: Exclude<Phase, 'caucus' | 'concluded'>): Promise<RoomState> {
    this.requireMediator(p);
    if (await this.store.getOutcome(p.caseId)) {
      throw AccordError.because('INVALID_TRANSITION', 'room.sealed', 'the outcome is sealed; the session is over');
    }
    const allowed = (s: RoomStateRecord) => {
      if (s.phase === phase)
        throw AccordError.because('INVALID_TRANSITION', 'room.alreadyInPhase', `the session is already in ${phase}`, {
          phase,
        });
      if (!canTransition(s.phase, phase)) {
        throw AccordError.because(
          'INVALID_TRANSITION',
          'room.cannotMovePhase',
          `cannot go from ${s.phase} to ${phase}`,
          {
            from: s.phase,
            to: phase,
          },
        );
      }
    };
    const before = await this.rooms.fresh(p.caseId);
    allowed(before);
    await this.hooks.beforePhase(p, before.phase, phase);
    let from: Phase = 'scheduled';
    const view = await this.changeState(p, (s) => {
      allowed(s);
      from = s.phase;
      return {
        patch: { phase, ...NO_CAUCUS },
        kind: 'phase.changed',
        target: null,
        detail: { from: s.phase, to: phase },
      };
    });
    await this.hooks.afterPhase(p, from, phase);
    return view;
  }

  /** Ends the session (after a sealed outcome), whatever else changes the room at the same moment. */
  async conclude(caseId: string): Promise<void> {
    for (;;) {
      const state = await this.rooms.fresh(caseId);
      if (state.phase === 'concluded') return;
      try {
        const next = await this.rooms.update(caseId, { phase: 'concluded', ...NO_CAUCUS }, state.version);
        this.effects.stateChanged(await this.rooms.view(next));
        return;
      } catch (err) {
        if (!(err instanceof AccordError && err.code === 'CONFLICT')) throw err;
      }
    }
  }

  async setSettings(p: Principal, settings: { lobby?: boolean | undefined; quietOpening?: boolean | undefined }) {
    this.requireMediator(p);
    if (settings.lobby === false) {
      // Without a waiting room, whoever waits comes in now.
      const admitted = await this.store.admitAll(p.caseId);
      if (admitted.length > 0) await this.bus.publish({ type: 'member.admitted', caseId: p.caseId, userIds: admitted });
    }
    return this.changeState(p, () => ({
      patch: {
        ...(settings.lobby !== undefined ? { lobby: settings.lobby } : {}),
        ...(settings.quietOpening !== undefined ? { quietOpening: settings.quietOpening } : {}),
      },
      kind: 'settings.changed',
      target: null,
      detail: { lobby: settings.lobby ?? null, quietOpening: settings.quietOpening ?? null },
    }));
  }

  async admit(p: Principal, who: { userId: string } | { all: true }): Promise<{ admitted: string[] }> {
    this.requireMediator(p);
    let admitted: string[];
    if ('all' in who) {
      admitted = await this.store.admitAll(p.caseId);
    } else {
      const target = await this.member(p.caseId, who.userId);
      if (target.admitted) return { admitted: [] };
      await this.store.setMemberFlags(p.caseId, target.userId, { admitted: true });
      admitted = [target.userId];
    }
    if (admitted.length === 0) return { admitted };
    for (const userId of admitted) {
      const m = await this.store.getMember(p.caseId, userId);
      await this.record(p, 'lobby.admitted', m ? { userId, displayName: m.displayName } : null, {});
    }
    await this.bus.publish({ type: 'member.admitted', caseId: p.caseId, userIds: admitted });
    await this.effects.presenceChanged(p.caseId);
    return { admitted };
  }

  async openCaucus(p: Principal, userId: string): Promise<RoomState> {
    this.requireMediator(p);
    const target = await this.member(p.caseId, userId);
    if (!isParty(target.role))
      throw AccordError.because('FORBIDDEN', 'room.caucusWithParty', 'a private session is held with a party');
    return this.changeState(p, (s) => {
      if (s.phase !== 'caucus' && !canTransition(s.phase, 'caucus')) {
        throw AccordError.because(
          'INVALID_TRANSITION',
          'room.noCaucusInPhase',
          `cannot open a private session during ${s.phase}`,
          { phase: s.phase },
        );
      }
      if (s.phase === 'caucus' && s.caucusUserId === userId) {
        throw AccordError.because(
          'INVALID_TRANSITION',
          'room.caucusAlreadyOpen',
          'this private session is already open',
        );
      }
      return {
        patch: {
          phase: 'caucus',
          caucusUserId: userId,
          // Moving the caucus to the other party keeps where the first one was opened from.
          caucusReturnPhase: s.phase === 'caucus' ? returnPhase(s) : s.phase,
          caucusParties: s.caucusParties.includes(userId) ? s.caucusParties : [...s.caucusParties, userId],
        },
        kind: 'caucus.opened',
        target: { userId, displayName: target.displayName },
        detail: {},
      };
    });
  }

  /** Ends the caucus: the room goes back to the phase it was opened from (joint session or drafting). */
  async closeCaucus(p: Principal): Promise<RoomState> {
    this.requireMediator(p);
    return this.changeState(p, (s) => {
      if (s.phase !== 'caucus')
        throw AccordError.because('INVALID_TRANSITION', 'room.noCaucusOpen', 'no private session is open');
      const to = returnPhase(s);
      return {
        patch: { phase: to, ...NO_CAUCUS },
        kind: 'caucus.closed',
        target: null,
        detail: { to },
      };
    });
  }

  /** The caucuses whose chat and shared notes this person may read (see `CaucusListResult`). */
  async caucuses(p: Principal): Promise<CaucusListResult> {
    const state = await this.rooms.get(p.caseId);
    const mine = state.caucusParties.filter((userId) => mayReadCaucus(p, userId));
    const caucuses = [];
    for (const userId of mine) {
      const m = await this.store.getMember(p.caseId, userId);
      if (m) caucuses.push({ userId, displayName: m.displayName, open: caucusIsOpen(state, userId) });
    }
    return { caucuses };
  }

  async mute(p: Principal, userId: string, muted: boolean): Promise<void> {
    this.requireMediator(p);
    const target = await this.member(p.caseId, userId);
    if (target.role === 'mediator')
      throw AccordError.because('FORBIDDEN', 'room.mediatorNotMuted', 'a mediator cannot be muted');
    if (target.muted === muted) return;
    await this.store.setMemberFlags(p.caseId, userId, { muted });
    await this.record(p, muted ? 'member.muted' : 'member.unmuted', target, {});
    await this.effects.presenceChanged(p.caseId);
  }

  async remove(p: Principal, userId: string): Promise<void> {
    this.requireMediator(p);
    const target = await this.member(p.caseId, userId);
    if (target.role === 'mediator' || target.role === 'admin') {
      throw AccordError.because('FORBIDDEN', 'room.removedByAdmin', `a ${target.role} is removed by an administrator`);
    }
    // Who must sign was fixed when the text was frozen: removing one of them voids it first.
    if (isSigningRole(target.role)) await this.leaveSigning(p, 'member.removed');
    const sessionIds = await this.store.removeMember(p.caseId, userId, new Date().toISOString());
    // A caucus with someone who is gone is over.
    const state = await this.rooms.fresh(p.caseId);
    if (state.caucusUserId === userId) {
      const next = await this.rooms.update(p.caseId, { phase: returnPhase(state), ...NO_CAUCUS }, state.version);
      this.effects.stateChanged(await this.rooms.view(next));
    }
    await this.record(p, 'member.removed', target, {});
    // The removal notice first, so their client learns why before the revoked sessions close.
    await this.bus.publish({ type: 'member.removed', caseId: p.caseId, userId });
    if (sessionIds.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds });
    await this.effects.presenceChanged(p.caseId);
  }

  /**
   * The people who sign are about to change (a party removed, added or re-admitted): if the room is in
   * signing it goes back to drafting, which voids the freeze and every signature given on it (recorded,
   * and everyone is told through the room state, the outcome status and the activity feed). A text
   * signed by some is never carried over to a new set of signers: they review the draft again.
   */
  async leaveSigning(p: Principal, because: 'member.removed' | 'member.added' | 'not_ready'): Promise<void> {
    let left = false;
    await this.changeState(p, (s) => {
      if (s.phase !== 'signing') return null;
      left = true;
      return {
        patch: { phase: 'drafting', caucusUserId: null },
        kind: 'phase.changed',
        target: null,
        detail: { from: 'signing', to: 'drafting', because },
      };
    });
    if (left) await this.hooks.afterPhase(p, 'signing', 'drafting');
  }

  async lock(p: Principal, locked: boolean): Promise<RoomState> {
    this.requireMediator(p);
    return this.changeState(p, (s) => {
      if (s.agreementLocked === locked) {
        throw AccordError.because(
          'INVALID_TRANSITION',
          locked ? 'room.alreadyLocked' : 'room.alreadyUnlocked',
          `the agreement is already ${locked ? 'locked' : 'unlocked'}`,
        );
      }
      return {
        patch: { agreementLocked: locked },
        kind: locked ? 'agreement.locked' : 'agreement.unlocked',
        target: null,
        detail: {},
      };
    });
  }

  async pin(p: Principal, text: string | null): Promise<RoomState> {
    this.requireMediator(p);
    const detail: Detail = text === null ? {} : { text };
    return this.changeState(p, () => ({
      patch: { pinned: text === null ? null : { text, by: p.displayName, at: new Date().toISOString() } },
      kind: text === null ? 'announcement.unpinned' : 'announcement.pinned',
      target: null,
      detail,
    }));
  }

  async raiseHand(p: Principal, raised: boolean): Promise<void> {
    if (!can(p.role, 'hand.raise')) throw new AccordError('FORBIDDEN', `a ${p.role} does not raise a hand`);
    const me = await this.member(p.caseId, p.userId);
    if (me.handRaised === raised) return;
    await this.store.setMemberFlags(p.caseId, p.userId, { handRaised: raised });
    await this.record(p, raised ? 'hand.raised' : 'hand.lowered', null, {});
    await this.effects.presenceChanged(p.caseId);
  }

  async lowerHand(p: Principal, userId: string): Promise<void> {
    this.requireMediator(p);
    const target = await this.member(p.caseId, userId);
    if (!target.handRaised) return;
    await this.store.setMemberFlags(p.caseId, userId, { handRaised: false });
    await this.record(p, 'hand.lowered', target, {});
    await this.effects.presenceChanged(p.caseId);
  }

  /** The room's activity, newest page last; the log's other entries (messages) are never counted or shown. */
  async activity(p: Principal, query: { before?: string | undefined; limit: number }): Promise<ActivityListResult> {
    const all = (await this.audit.all(p.caseId)).flatMap((e) => {
      const a = toActivity(e, this.activityId);
      return a ? [a] : [];
    });
    const found = query.before === undefined ? -1 : all.findIndex((a) => a.id === query.before);
    const upTo = found < 0 ? all.length : found;
    const start = Math.max(0, upTo - query.limit);
    return { entries: all.slice(start, upTo), hasMore: start > 0 };
  }

  private requireMediator(p: Principal): void {
    if (!can(p.role, 'room.moderate'))
      throw AccordError.because('FORBIDDEN', 'room.mediatorOnly', 'only the mediator runs the session');
  }

  private async member(caseId: string, userId: string): Promise<MemberRecord> {
    const m = await this.store.getMember(caseId, userId);
    if (!m || m.removedAt !== null)
      throw AccordError.because('NOT_FOUND', 'room.noSuchParticipant', 'no such participant');
    return m;
  }

  /**
   * Read, check, write with compare-and-set (retried once if another change won), record, broadcast.
   * `decide` returning null leaves the room as it is.
   */
  private async changeState(p: Principal, decide: (s: RoomStateRecord) => Change | null): Promise<RoomState> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.rooms.fresh(p.caseId);
      const change = decide(current);
      if (!change) return this.rooms.view(current);
      const { patch, kind, target, detail } = change;
      let next: RoomStateRecord;
      try {
        next = await this.rooms.update(p.caseId, patch, current.version);
      } catch (err) {
        if (attempt === 0 && err instanceof AccordError && err.code === 'CONFLICT') continue;
        throw err;
      }
      const view = await this.rooms.view(next);
      await this.record(p, kind, target, detail);
      this.effects.stateChanged(view);
      return view;
    }
  }

  private async record(p: Principal, kind: ActivityKind, target: Target, detail: Detail): Promise<void> {
    const entry = await this.audit.append(p.caseId, p.userId, kind, {
      actor: { userId: p.userId, displayName: p.displayName, role: p.role },
      target: target ? { userId: target.userId, displayName: target.displayName } : null,
      detail,
    });
    const activity = toActivity(entry, this.activityId);
    if (activity) this.effects.activity(activity);
  }
}

type Detail = Activity['detail'];

/**
 * Detail an audit entry keeps for the chain and `accord audit verify`, not for the room: the signer's
 * session, and the ids and hashes that bind stored rows (docs/PROTOCOL.md, "Audit log").
 */
const AUDIT_ONLY = new Set(['session', 'freezeId', 'freezeHash', 'signatureHash', 'recordHash', 'recordSignature']);
type Change = { patch: RoomStatePatch; kind: ActivityKind; target: Target; detail: Detail };

/** What a room state holds while no caucus is open (who has had one is kept). */
const NO_CAUCUS = { caucusUserId: null, caucusReturnPhase: null } as const satisfies RoomStatePatch;

/** Where the open caucus goes back to: the phase it was opened from (joint session for rows from before this was kept). */
function returnPhase(s: RoomStateRecord): Exclude<Phase, 'caucus'> {
  const from = s.caucusReturnPhase;
  return from === null || from === 'caucus' ? 'joint' : from;
}

/** An audit entry as the activity feed shows it; null for entries that are not room activity. */
export function toActivity(e: AuditRecord, idOf: ActivityIdOf): Activity | null {
  const kind = ActivityKind.safeParse(e.kind);
  if (!kind.success) return null;
  const data = e.data as { actor: Activity['actor']; target: Activity['target']; detail: Detail };
  return {
    caseId: e.caseId,
    id: idOf(e),
    kind: kind.data,
    at: e.at,
    actor: data.actor,
    target: data.target,
    detail: Object.fromEntries(Object.entries(data.detail).filter(([key]) => !AUDIT_ONLY.has(key))),
  };
}
