import { newId } from '../lib/ids';
import {
  AccordError,
  canGrant,
  isSigningRole,
  nameSkeleton,
  type CaseProgress,
  type CaseRole,
  type InviteView,
  type RemovedMember,
  type SigningPinResult,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity, Principal } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import type { Bus } from '../scale/bus';
import type {
  AuditRecord,
  CaseStore,
  InviteRecord,
  InviteStore,
  MemberRecord,
  MemberStore,
  UserStore,
} from '../store/types';
import type { CaseAccess } from './access';
import { inviteViewOf, type MemberHooks } from './service';
import { isAppealEntry, type CaseTransitions } from './transitions';

/** Who manages a case's invites (`AuthService.managerFor`): its mediator, or an admin. */
export interface Manager {
  userId: string;
  role: CaseRole;
  caseId: string;
}

export interface RecoveryEffects {
  /** An entry the room's activity feed shows was written. */
  recorded(entry: AuditRecord): void;
  /** Someone is a participant again: the room's participant list changes. */
  membersChanged(caseId: string): Promise<void>;
}

/**
 * The ways back when something went wrong (docs/PROTOCOL.md, "Recovery"): the mediator invites a
 * removed party again, a lost invite is reissued, a party's signing PIN is reset (the new one goes to
 * that party's own session only), a rejected complaint is appealed once. Each is in the audit log;
 * none writes a link or a PIN into it.
 */
export class RecoveryService {
  // Aggregates: users, cases, members, invites, audit (through AuditLog).
  constructor(
    private readonly store: UserStore & CaseStore & MemberStore & InviteStore,
    private readonly tokens: TokenSigner,
    private readonly bus: Bus,
    private readonly audit: AuditLog,
    private readonly access: CaseAccess,
    private readonly transitions: CaseTransitions,
    private readonly publicUrl: () => string,
    private readonly effects: RecoveryEffects,
    private readonly hooks: MemberHooks,
  ) {}

  /** The participants the mediator removed (and has not invited again) whom this manager could invite. */
  async removed(by: Manager): Promise<RemovedMember[]> {
    const ids = new Set<string>();
    for (const e of await this.audit.all(by.caseId)) {
      const target = (e.data as { target?: { userId?: unknown } | null }).target;
      if (e.kind === 'member.removed' && typeof target?.userId === 'string') ids.add(target.userId);
    }
    const out: RemovedMember[] = [];
    for (const userId of ids) {
      const m = await this.store.getMember(by.caseId, userId);
      if (m?.removedAt && canGrant(by.role, m.role)) {
        out.push({ userId, displayName: m.displayName, role: m.role, removedAt: m.removedAt });
      }
    }
    return out;
  }

  /**
   * Makes a removed party a participant again with a NEW link (the old ones stay revoked). Its PIN is
   * made when the link is first opened, as for any invite, so the mediator never sees it.
   */
  async reinvite(by: Manager, userId: string, expiresInHours: number): Promise<InviteView> {
    const m = await this.store.getMember(by.caseId, userId);
    if (!m) throw new AccordError('NOT_FOUND', 'no such participant');
    if (m.removedAt === null) {
      throw AccordError.because('CONFLICT', 'recovery.notRemoved', 'this participant was not removed');
    }
    this.requireGrant(by, m.role);
    await this.requireGuest(userId);
    await this.requireDistinctName(by.caseId, m.displayName);
    // Someone who signs coming back during signing voids what was signed so far.
    if (isSigningRole(m.role)) await this.hooks.signersChanging(by.caseId, by);
    await this.store.putMember({ caseId: by.caseId, userId, role: m.role, displayName: m.displayName });
    // Back through the waiting room, as anyone who arrives; whatever hand was up is down.
    await this.store.setMemberFlags(by.caseId, userId, { admitted: false, handRaised: false });
    const invite = await this.issue(by, m, expiresInHours);
    await this.record(by, 'member.reinvited', m, { role: m.role });
    await this.effects.membersChanged(by.caseId);
    return this.inviteView(invite);
  }

  /** A lost link: the old invite is revoked (with every session it opened), a new one issued in its place. */
  async reissue(by: Manager, inviteId: string, expiresInHours: number): Promise<InviteView> {
    const old = await this.store.getInvite(inviteId);
    if (!old || old.caseId !== by.caseId) throw new AccordError('NOT_FOUND', 'no such invite');
    this.requireGrant(by, old.role);
    if (old.revokedAt !== null) {
      throw AccordError.because('CONFLICT', 'recovery.inviteRevoked', 'this invite was already revoked');
    }
    const m = await this.store.getMember(by.caseId, old.userId);
    if (!m || m.removedAt !== null) {
      throw AccordError.because(
        'CONFLICT',
        'recovery.inviteRevoked',
        'this participant was removed; invite them again',
      );
    }
    const sessionIds = await this.store.revokeInvite(old.id, new Date().toISOString());
    if (sessionIds.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds });
    const invite = await this.issue(by, m, expiresInHours);
    await this.record(by, 'invite.reissued', m, { role: m.role });
    return this.inviteView(invite);
  }

  /**
   * Clears a party's signing PIN: the old one fails at once. The new one is made only when the party
   * asks for it from a session of their own (`claimPin`), so whoever reset it never sees it.
   */
  async resetPin(by: Manager, userId: string): Promise<void> {
    const m = await this.store.getMember(by.caseId, userId);
    if (!m || m.removedAt !== null) throw new AccordError('NOT_FOUND', 'no such participant');
    this.requireGrant(by, m.role);
    await this.requireGuest(userId);
    const reset = await this.store.resetInvitePins(by.caseId, userId, new Date().toISOString());
    if (reset.length === 0) {
      throw AccordError.because('CONFLICT', 'recovery.noPin', 'this participant has no signing PIN yet');
    }
    await this.record(by, 'pin.reset', m, {});
  }

  /**
   * The new PIN after a reset, once, to the party: from a session opened before the reset (the one
   * they were using: not one opened since with a link the mediator also holds), or from their tracking
   * link (whose own PIN only the customer knows).
   */
  async claimPin(p: Principal, identity: Identity): Promise<SigningPinResult> {
    const pending = (await this.store.listInvites(p.caseId))
      .filter((i) => i.userId === p.userId && i.revokedAt === null && i.pinHash === null && i.pinResetAt !== null)
      .sort((a, b) => (a.pinResetAt ?? '').localeCompare(b.pinResetAt ?? ''))
      .at(-1);
    if (!pending?.pinResetAt) {
      throw AccordError.because('CONFLICT', 'recovery.pinNotReset', 'no new PIN is waiting for you');
    }
    const s = identity.session;
    const tracking = s.inviteId?.startsWith('tracking:') ?? false;
    if (!tracking && s.createdAt > pending.pinResetAt) {
      throw AccordError.because(
        'FORBIDDEN',
        'recovery.pinOtherSession',
        'the new PIN is given only where you were signed in when it was reset',
      );
    }
    const { pin, hash } = this.tokens.newPin(pending.id);
    if (!(await this.store.claimInvitePin(pending.id, hash))) {
      throw AccordError.because('CONFLICT', 'recovery.pinNotReset', 'the new PIN was already given');
    }
    const me = { userId: p.userId, displayName: p.displayName };
    await this.record({ userId: p.userId, role: p.role, caseId: p.caseId }, 'pin.delivered', me, {});
    return { pin };
  }

  /** The customer asks once, with a reason, for a rejected complaint to be reviewed again. */
  async appeal(identity: Identity, caseId: string, reason: string): Promise<CaseProgress> {
    const { c, actor } = await this.access.caseFor(identity, caseId, ['customer']);
    if ((await this.audit.all(c.id)).some(isAppealEntry)) {
      throw AccordError.because('INVALID_TRANSITION', 'appeal.alreadyAppealed', 'this complaint was already appealed');
    }
    if (c.status !== 'rejected') {
      throw AccordError.because('INVALID_TRANSITION', 'appeal.notRejected', 'only a rejected complaint is appealed');
    }
    await this.transitions.move(c, 'under_review', actor, identity.user.id, reason);
    return this.transitions.progress(c.id);
  }

  private requireGrant(by: Manager, role: CaseRole): void {
    if (!canGrant(by.role, role)) throw new AccordError('FORBIDDEN', `a ${by.role} may not invite a ${role}`);
  }

  /** Staff come back with their password (added as members), never through a link that speaks for them. */
  private async requireGuest(userId: string): Promise<void> {
    const user = await this.store.getUser(userId);
    if (user?.kind !== 'guest') {
      throw AccordError.because('CONFLICT', 'recovery.staffAccount', 'this participant signs in with a password');
    }
  }

  private async requireDistinctName(caseId: string, displayName: string): Promise<void> {
    const skeleton = nameSkeleton(displayName);
    const twin = (await this.store.listMembers(caseId)).find(
      (m) => m.removedAt === null && nameSkeleton(m.displayName) === skeleton,
    );
    if (twin) {
      throw new AccordError('CONFLICT', `a participant already has a name that looks the same as "${displayName}"`);
    }
  }

  private async issue(by: Manager, m: MemberRecord, expiresInHours: number): Promise<InviteRecord> {
    return this.store.createInvite({
      id: newId(),
      // Made when the link is first opened, as for every invite: its creator never sees it.
      pinHash: null,
      caseId: m.caseId,
      userId: m.userId,
      role: m.role,
      displayName: m.displayName,
      createdBy: by.userId,
      expiresAt: new Date(Date.now() + expiresInHours * 3600_000).toISOString(),
    });
  }

  private async record(
    by: Manager,
    kind: 'member.reinvited' | 'invite.reissued' | 'pin.reset' | 'pin.delivered',
    target: { userId: string; displayName: string },
    detail: Record<string, string>,
  ): Promise<void> {
    const [member, user] = await Promise.all([
      this.store.getMember(by.caseId, by.userId),
      this.store.getUser(by.userId),
    ]);
    const entry = await this.audit.append(by.caseId, by.userId, kind, {
      actor: { userId: by.userId, displayName: member?.displayName ?? user?.displayName ?? '', role: by.role },
      target: { userId: target.userId, displayName: target.displayName },
      detail,
    });
    this.effects.recorded(entry);
  }

  private inviteView(invite: InviteRecord): Promise<InviteView> {
    return inviteViewOf(this.tokens, this.publicUrl, invite);
  }
}
