import type { Logger } from 'pino';
import {
  AccordError,
  type AccountView,
  type CreateAccountBody,
  type LenderAdminView,
  type LenderPlanPolicy,
  type LenderView,
  type OneTimePasswordResult,
  type UpdateAccountBody,
} from '@accord/shared';
import { newId } from '../lib/ids';
import type { Bus } from '../scale/bus';
import type { AccountEventStore, LenderRecord, LenderStore, SessionStore, UserRecord, UserStore } from '../store/types';
import { generatePassword, hashPassword } from './passwords';
import { requireStaffAction, type Identity } from './service';

export function toAccountView(u: UserRecord): AccountView {
  if (u.kind !== 'staff' || u.username === null || u.staffRole === null) {
    throw new AccordError('NOT_FOUND', 'no such staff account');
  }
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    staffRole: u.staffRole,
    lenderId: u.lenderId,
    active: u.deactivatedAt === null,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
  };
}

const toLenderView = (l: LenderRecord): LenderView => ({ id: l.id, name: l.name });
const toLenderAdminView = (l: LenderRecord): LenderAdminView => ({
  id: l.id,
  name: l.name,
  planPolicy: l.planPolicy,
  documentDueDays: l.documentDueDays,
});

// Only an admin, signed in with a password of their own, manages accounts and lenders (staff.manage, lender.manage).
const requireAdmin = requireStaffAction;

/**
 * Staff accounts and lenders, managed by an admin. Every change is recorded in the account-level
 * audit trail (`account_events`, one row per action, with who did it) and logged (ids only).
 */
export class AccountService {
  // Aggregates: users, lenders, account events, sessions (revoked on deactivation).
  constructor(
    private readonly store: UserStore & LenderStore & AccountEventStore & SessionStore,
    private readonly bus: Bus,
    private readonly log: Pick<Logger, 'info'> | null = null,
  ) {}

  async list(identity: Identity): Promise<AccountView[]> {
    requireAdmin(identity, 'staff.list');
    return (await this.store.listStaff()).filter((u) => u.username !== null && u.staffRole !== null).map(toAccountView);
  }

  /** Creates an account with a generated one-time password, which is returned once. */
  async create(identity: Identity, body: CreateAccountBody): Promise<OneTimePasswordResult> {
    requireAdmin(identity, 'staff.create');
    if (await this.store.getUserByUsername(body.username)) {
      throw AccordError.because('CONFLICT', 'accounts.usernameTaken', `the username ${body.username} is taken`, {
        username: body.username,
      });
    }
    const lenderId = body.staffRole === 'platform' ? await this.lender(body.lenderId ?? null) : null;
    const password = generatePassword();
    const user = await this.store.createUser({
      id: newId(),
      kind: 'staff',
      username: body.username,
      displayName: body.displayName,
      staffRole: body.staffRole,
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      lenderId,
    });
    await this.record(identity, 'account.created', user.id, { staffRole: user.staffRole, lenderId });
    return { account: toAccountView(user), password };
  }

  async update(identity: Identity, userId: string, body: UpdateAccountBody): Promise<AccountView> {
    requireAdmin(identity, 'staff.manage');
    const before = await this.account(userId);
    if (userId === identity.user.id && body.staffRole !== 'admin') {
      throw AccordError.because(
        'FORBIDDEN',
        'accounts.notYourself',
        'an admin may not take the admin role from themselves',
      );
    }
    const lenderId = body.staffRole === 'platform' ? await this.lender(body.lenderId) : null;
    const after = await this.store.updateUser(userId, {
      displayName: body.displayName,
      staffRole: body.staffRole,
      lenderId,
    });
    if (!after) throw new AccordError('NOT_FOUND', 'no such staff account');
    // Sessions carry no role (each request reads the account), but a live room connection holds
    // what it was let in as: a changed role or lender ends them, so the next ones are checked anew.
    if (before.staffRole !== after.staffRole || before.lenderId !== after.lenderId) await this.endSessions(userId);
    await this.record(identity, 'account.updated', userId, {
      from: { staffRole: before.staffRole, lenderId: before.lenderId, displayName: before.displayName },
      to: { staffRole: after.staffRole, lenderId: after.lenderId, displayName: after.displayName },
    });
    return toAccountView(after);
  }

  /** Deactivates (every session ends at once, sockets included) or reactivates an account. */
  async setActive(identity: Identity, userId: string, active: boolean): Promise<AccountView> {
    requireAdmin(identity, 'staff.manage');
    await this.account(userId);
    if (userId === identity.user.id && !active) {
      throw AccordError.because('FORBIDDEN', 'accounts.notYourself', 'an admin may not deactivate themselves');
    }
    const after = await this.store.updateUser(userId, { deactivatedAt: active ? null : new Date().toISOString() });
    if (!after) throw new AccordError('NOT_FOUND', 'no such staff account');
    if (!active) await this.endSessions(userId);
    await this.record(identity, active ? 'account.reactivated' : 'account.deactivated', userId, {});
    return toAccountView(after);
  }

  /** A new one-time password (returned once); the old one and every session stop working. */
  async resetPassword(identity: Identity, userId: string): Promise<OneTimePasswordResult> {
    requireAdmin(identity, 'staff.manage');
    await this.account(userId);
    const password = generatePassword();
    await this.store.setPassword(userId, await hashPassword(password), true);
    await this.endSessions(userId);
    await this.record(identity, 'account.passwordReset', userId, {});
    return { account: toAccountView(await this.account(userId)), password };
  }

  /** The lenders, by name: public (the complaint form names one). */
  async lenders(): Promise<LenderView[]> {
    return (await this.store.listLenders()).map(toLenderView);
  }

  async createLender(identity: Identity | null, name: string): Promise<LenderView> {
    if (identity) requireAdmin(identity, 'lender.manage');
    const lender = await this.store.createLender({ id: newId(), name });
    await this.record(identity, 'lender.created', lender.id, { name });
    return toLenderView(lender);
  }

  async renameLender(identity: Identity, lenderId: string, name: string): Promise<LenderView> {
    requireAdmin(identity, 'lender.manage');
    const before = await this.store.getLender(lenderId);
    const after = before && (await this.store.renameLender(lenderId, name));
    if (!before || !after) throw AccordError.because('NOT_FOUND', 'accounts.noSuchLender', 'no such lender');
    await this.record(identity, 'lender.renamed', lenderId, { from: before.name, to: name });
    return toLenderView(after);
  }

  /** The lenders with their repayment-plan limits, for the admin. */
  async lendersForAdmin(identity: Identity): Promise<LenderAdminView[]> {
    requireAdmin(identity, 'lender.manage');
    return (await this.store.listLenders()).map(toLenderAdminView);
  }

  /** Sets (or, with null, clears) the limits on the repayment plans the lender's representative agrees to. */
  async setPlanPolicy(identity: Identity, lenderId: string, policy: LenderPlanPolicy | null): Promise<LenderAdminView> {
    requireAdmin(identity, 'lender.manage');
    const before = await this.store.getLender(lenderId);
    const after = before && (await this.store.setLenderPlanPolicy(lenderId, policy));
    if (!before || !after) throw AccordError.because('NOT_FOUND', 'accounts.noSuchLender', 'no such lender');
    await this.record(identity, 'lender.planPolicy', lenderId, { from: before.planPolicy, to: after.planPolicy });
    return toLenderAdminView(after);
  }

  /** Sets (or, with null, clears to the default) the working days the lender's staff have to answer a document request. */
  async setDocumentDueDays(identity: Identity, lenderId: string, days: number | null): Promise<LenderAdminView> {
    requireAdmin(identity, 'lender.manage');
    const before = await this.store.getLender(lenderId);
    const after = before && (await this.store.setLenderDocumentDueDays(lenderId, days));
    if (!before || !after) throw AccordError.because('NOT_FOUND', 'accounts.noSuchLender', 'no such lender');
    await this.record(identity, 'lender.documentDueDays', lenderId, {
      from: before.documentDueDays,
      to: after.documentDueDays,
    });
    return toLenderAdminView(after);
  }

  private async account(userId: string): Promise<UserRecord> {
    const user = await this.store.getUser(userId);
    if (!user || user.kind !== 'staff') throw new AccordError('NOT_FOUND', 'no such staff account');
    return user;
  }

  private async lender(lenderId: string | null): Promise<string> {
    if (lenderId === null || !(await this.store.getLender(lenderId))) {
      throw AccordError.because('NOT_FOUND', 'accounts.noSuchLender', 'no such lender');
    }
    return lenderId;
  }

  private async endSessions(userId: string): Promise<void> {
    const sessionIds = await this.store.revokeUserSessions(userId, null, new Date().toISOString());
    if (sessionIds.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds });
  }

  private async record(
    identity: Identity | null,
    kind: string,
    targetId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const actorId = identity?.user.id ?? null;
    await this.store.appendAccountEvent({ id: newId(), at: new Date().toISOString(), actorId, kind, targetId, data });
    // The system's own (seeding: the CLI's `demo --json` owns stdout) is recorded, not logged.
    if (actorId !== null) this.log?.info({ event: kind, actorId, targetId }, 'account event');
  }
}
