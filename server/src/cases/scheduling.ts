import { newId } from '../lib/ids';
import {
  AccordError,
  OPEN_STATES,
  type CaseProgress,
  type MediatorProfileBody,
  type MediatorView,
  type RoomInviteResult,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import type { Bus } from '../scale/bus';
import type { UserStore, CaseStore, MediatorStore, MemberStore, RoomStateStore, InviteStore } from '../store/types';
import { actorOf, type CaseAccess } from './access';
import type { CaseTransitions } from './transitions';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * From an accepted case to the room: the mediator directory, assignment,
 * scheduling (which opens the room's waiting room), and the customer's room invite.
 */
export class SchedulingService {
  // Aggregates: users, mediators, cases, members, room state, invites, audit (through AuditLog).
  constructor(
    private readonly store: UserStore & CaseStore & MediatorStore & MemberStore & RoomStateStore & InviteStore,
    private readonly access: CaseAccess,
    private readonly transitions: CaseTransitions,
    private readonly tokens: TokenSigner,
    private readonly bus: Bus,
    private readonly audit: AuditLog,
    private readonly publicUrl: () => string,
  ) {}

  async putMediator(identity: Identity, body: MediatorProfileBody): Promise<void> {
    if (actorOf(identity, null) !== 'admin') throw new AccordError('FORBIDDEN', 'only an admin manages mediators');
    const user = await this.store.getUser(body.userId);
    if (!user || user.staffRole !== 'mediator')
      throw AccordError.because('NOT_FOUND', 'mediator.notFound', 'no such mediator account');
    await this.store.putMediatorProfile(body);
  }

  async mediators(identity: Identity): Promise<MediatorView[]> {
    const actor = actorOf(identity, null);
    if (actor !== 'admin' && actor !== 'staff') throw new AccordError('FORBIDDEN', 'staff only');
    const profiles = await this.store.listMediatorProfiles();
    const cases = await this.store.listCases({});
    return Promise.all(
      profiles.map(async (p) => ({
        ...p,
        displayName: (await this.store.getUser(p.userId))?.displayName ?? '',
        activeCases: cases.filter((c) => c.mediatorId === p.userId && OPEN_STATES.includes(c.status)).length,
      })),
    );
  }

  async assign(
    identity: Identity,
    caseId: string,
    mediatorUserId: string,
    reason: string | null = null,
  ): Promise<CaseProgress> {
    const { c, actor } = await this.access.centreCaseFor(identity, caseId, ['staff', 'admin']);
    const mediator = await this.store.getUser(mediatorUserId);
    if (!mediator || mediator.staffRole !== 'mediator')
      throw AccordError.because('NOT_FOUND', 'mediator.notFound', 'no such mediator');
    await this.transitions.move(
      c,
      'mediator_assigned',
      actor,
      identity.user.id,
      mediator.displayName,
      { mediatorId: mediator.id },
      reason,
    );
    await this.store.putMember({
      caseId: c.id,
      userId: mediator.id,
      role: 'mediator',
      displayName: mediator.displayName,
    });
    return this.transitions.progress(c.id);
  }

  /**
   * Schedules (or reschedules) the session and issues the customer's room
   * invite with its one-time PIN, which is returned once to the scheduler and
   * shown once on the customer's tracking page.
   */
  async schedule(
    identity: Identity,
    caseId: string,
    session: { startsAt: string; timeZone: string; durationMinutes: number },
    reason: string | null = null,
  ): Promise<CaseProgress> {
    // The centre and the mediator set the session; one of its parties (the lender) does not.
    const { c, actor } = await this.access.centreCaseFor(identity, caseId, ['staff', 'admin', 'mediator']);
    if (!isTimeZone(session.timeZone))
      throw AccordError.because(
        'VALIDATION_FAILED',
        'schedule.unknownTimeZone',
        `unknown time zone ${session.timeZone}`,
        {
          timeZone: session.timeZone.slice(0, 64),
        },
      );
    const reschedule = c.status === 'scheduled';
    // The timeline carries the session itself (the client writes it in the reader's words), no note.
    await this.transitions.move(c, 'scheduled', actor, identity.user.id, null, { session }, reason);
    if (!reschedule) {
      // The room opens with a waiting room; nodes learn of it through the bus, like any room change.
      const state = await this.store.updateRoomState(c.id, { phase: 'scheduled', lobby: true });
      await this.bus.publish({ type: 'room.state', state });
    }
    return this.transitions.progress(c.id);
  }

  /**
   * The customer's way into the room once the session is scheduled: an invite
   * for their own account. Its PIN (which confirms their signature) is created
   * and shown the first time they ask, and never again.
   */
  async roomInvite(identity: Identity, caseId: string): Promise<RoomInviteResult> {
    const { c } = await this.access.caseFor(identity, caseId, ['customer']);
    if (!['scheduled', 'in_mediation'].includes(c.status) || !c.customerId) {
      throw AccordError.because('PHASE_RULES', 'schedule.notScheduled', 'the session is not scheduled yet');
    }
    const now = new Date().toISOString();
    const open = (await this.store.listInvites(c.id)).filter(
      (i) => i.userId === c.customerId && i.revokedAt === null && i.expiresAt > now,
    );
    const existing = open.find((i) => i.pinHash !== null);
    if (existing) return { url: await this.inviteUrl(existing.id, c.id, existing.expiresAt), pin: null };
    // One reissued, or whose PIN was reset (RecoveryService): its new PIN goes to the customer here, who
    // signed in with the tracking link's own PIN, once.
    const waiting = open.at(-1);
    if (waiting) {
      const { pin, hash } = this.tokens.newPin(waiting.id);
      const claimed = await this.store.claimInvitePin(waiting.id, hash);
      const url = await this.inviteUrl(waiting.id, c.id, waiting.expiresAt);
      if (!claimed) return { url, pin: null };
      // As RecoveryService.claimPin records it (the room's feed shows it when next loaded).
      const name = (await this.store.getMember(c.id, c.customerId))?.displayName ?? identity.user.displayName;
      const me = { userId: c.customerId, displayName: name };
      await this.audit.append(c.id, identity.user.id, 'pin.delivered', {
        actor: { ...me, role: 'customer' },
        target: me,
        detail: {},
      });
      return { url, pin };
    }
    const id = newId();
    const { pin, hash } = this.tokens.newPin(id);
    const invite = await this.store.createInvite({
      id,
      pinHash: hash,
      caseId: c.id,
      userId: c.customerId,
      role: 'customer',
      displayName: identity.user.displayName,
      createdBy: null,
      expiresAt: new Date(Date.now() + 60 * 24 * 3600_000).toISOString(),
    });
    await this.audit.append(c.id, identity.user.id, 'invite.issued', { role: 'customer' });
    return { url: await this.inviteUrl(invite.id, c.id, invite.expiresAt), pin };
  }

  private async inviteUrl(id: string, caseId: string, expiresAt: string): Promise<string> {
    const token = await this.tokens.signInvite({ jti: id, cid: caseId, role: 'customer' }, new Date(expiresAt));
    return `${this.publicUrl()}/join/${token}`;
  }
}
