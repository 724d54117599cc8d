import { createGuest } from './guest';
import { newId } from '../lib/ids';
import * as Y from 'yjs';
import {
  AccordError,
  AgreementDoc,
  CreateCaseBody,
  CreateInviteBody,
  canGrant,
  nameSkeleton,
  isSigningRole,
  type CaseRole,
  type AddMemberBody,
  type CaseView,
  type CreateStaffBody,
  type InviteView,
  type MembershipView,
  type UserView,
} from '@accord/shared';
import type { z } from 'zod';
import type { Identity } from '../auth/service';
import { requireStaffAction, toUserView } from '../auth/service';
import { generatePassword, hashPassword } from '../auth/passwords';
import type { TokenSigner } from '../auth/tokens';
import type { Bus } from '../scale/bus';
import type {
  CaseRecord,
  InviteRecord,
  UserStore,
  LenderStore,
  CaseStore,
  MemberStore,
  InviteStore,
  DocStore,
} from '../store/types';

/** What else happens when the case's members change (sign-off: who signs is fixed while signing). */
export interface MemberHooks {
  /** Someone who signs (customer, platform, mediator) is about to be added or re-admitted by `by`. */
  signersChanging(caseId: string, by: { userId: string; role: CaseRole }): Promise<void>;
  /** A staff account was made a member (or given another role): it may be told by e-mail. */
  memberAdded?(caseId: string, userId: string, role: CaseRole): Promise<void>;
}

export function toCaseView(c: CaseRecord): CaseView {
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    summary: c.summary,
    category: c.category,
    status: c.status,
    amountInDisputeCents: c.amountInDisputeCents,
    language: c.language,
    createdAt: c.createdAt,
  };
}

function requireGrant(granter: CaseRole, role: CaseRole): void {
  if (!canGrant(granter, role)) throw new AccordError('FORBIDDEN', `a ${granter} may not grant the ${role} role`);
}

/** Cases, their members and their invites. */
export class CaseService {
  constructor(
    private readonly store: UserStore & LenderStore & CaseStore & MemberStore & InviteStore & DocStore,
    private readonly tokens: TokenSigner,
    private readonly bus: Bus,
    private readonly publicUrl: () => string,
    private readonly hooks: MemberHooks = { signersChanging: async () => undefined },
  ) {}

  async createCase(identity: Identity, body: z.output<typeof CreateCaseBody>): Promise<CaseView> {
    requireStaffAction(identity, 'case.create');
    // A lender's staff open cases of their own lender (and so keep seeing them).
    const record = await this.openCase(body, identity.user.staffRole === 'platform' ? identity.user.lenderId : null);
    const role = identity.user.staffRole === 'platform' ? 'platform' : 'admin';
    await this.store.putMember({
      caseId: record.id,
      userId: identity.user.id,
      role,
      displayName: identity.user.displayName,
    });
    return toCaseView(record);
  }

  /** Creates a case without an acting user (seeding, CLI). */
  async createCaseAsSystem(body: z.input<typeof CreateCaseBody>, lenderId: string | null = null): Promise<CaseView> {
    return toCaseView(await this.openCase(CreateCaseBody.parse(body), lenderId));
  }

  /** Stores the case and starts its agreement with the amount in dispute filled in. */
  private async openCase(body: z.output<typeof CreateCaseBody>, lenderId: string | null): Promise<CaseRecord> {
    const record = await this.store.createCase({ id: newId(), ...body, lenderId });
    const doc = new Y.Doc();
    doc.transact(() => {
      const terms = doc.getMap(AgreementDoc.terms);
      terms.set('amountInDisputeCents', body.amountInDisputeCents);
      terms.set('conditions', '');
    });
    await this.store.appendDocUpdate(record.id, Y.encodeStateAsUpdate(doc));
    doc.destroy();
    return record;
  }

  async getCase(caseId: string): Promise<CaseView> {
    const c = await this.store.getCase(caseId);
    if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    return toCaseView(c);
  }

  async memberships(identity: Identity): Promise<MembershipView[]> {
    const list = await this.store.listMemberships(identity.user.id);
    // A session opened through an invite sees only its own case.
    return list
      .filter((m) => identity.session.caseId === null || m.case.id === identity.session.caseId)
      .map((m) => ({ case: toCaseView(m.case), role: m.role }));
  }

  /** Makes a staff account a member of the case; changing an existing member's role needs the right to grant both. */
  /** `by` the member or admin acting (null: the system, which has nobody to record as the actor). */
  async addMember(
    caseId: string,
    body: AddMemberBody,
    granter: CaseRole,
    by: { userId: string } | null = null,
  ): Promise<void> {
    requireGrant(granter, body.role);
    const user = await this.store.getUser(body.userId);
    if (!user || user.kind !== 'staff')
      throw AccordError.because('NOT_FOUND', 'staff.notFound', 'no such staff member');
    const existing = await this.store.getMember(caseId, user.id);
    if (existing && existing.removedAt === null) requireGrant(granter, existing.role);
    const changed = existing !== null && existing.removedAt === null && existing.role !== body.role;
    const signerBefore = existing !== null && existing.removedAt === null && isSigningRole(existing.role);
    if (by && (isSigningRole(body.role) || signerBefore) && (changed || !signerBefore)) {
      await this.hooks.signersChanging(caseId, { userId: by.userId, role: granter });
    }
    await this.store.putMember({ caseId, userId: user.id, role: body.role, displayName: user.displayName });
    if (!existing || existing.removedAt !== null || changed) await this.hooks.memberAdded?.(caseId, user.id, body.role);
    // Live connections hold the old role: close them, so the next ones carry the new one.
    if (changed) await this.bus.publish({ type: 'member.changed', caseId, userId: user.id });
  }

  /**
   * Issues an invite link for one role in one case, for a new guest account:
   * the link is that person's only way in. An invite never speaks for an
   * existing account (staff sign in with their password instead), so nobody
   * can mint a session for someone else.
   */
  async createInvite(
    caseId: string,
    body: z.output<typeof CreateInviteBody>,
    createdBy: { userId: string; role: CaseRole } | null,
  ): Promise<InviteView> {
    if (createdBy) requireGrant(createdBy.role, body.role);
    if (!(await this.store.getCase(caseId))) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    // Two people in one room whose names look the same (another script's letters, another
    // normalisation, an invisible character) could pass for each other.
    const skeleton = nameSkeleton(body.displayName);
    const twin = (await this.store.listMembers(caseId)).find(
      (m) => m.removedAt === null && nameSkeleton(m.displayName) === skeleton,
    );
    if (twin) {
      throw AccordError.because(
        'CONFLICT',
        'invite.nameTaken',
        `a participant of this case already has a name that looks the same as "${body.displayName}"; choose one that tells them apart`,
        { name: body.displayName },
      );
    }
    // A system invite (seeding) has nobody to record as the actor; sign-off refuses a changed signer set anyway.
    if (createdBy && isSigningRole(body.role)) await this.hooks.signersChanging(caseId, createdBy);
    const userId = await createGuest(this.store, body.displayName);
    await this.store.putMember({ caseId, userId, role: body.role, displayName: body.displayName });
    const invite = await this.store.createInvite({
      id: newId(),
      // The PIN is made when the link is first opened, so its creator never sees it.
      pinHash: null,
      caseId,
      userId,
      role: body.role,
      displayName: body.displayName,
      createdBy: createdBy?.userId ?? null,
      expiresAt: new Date(Date.now() + body.expiresInHours * 3600_000).toISOString(),
    });
    return this.inviteView(invite);
  }

  async createInviteAsSystem(caseId: string, body: z.input<typeof CreateInviteBody>): Promise<InviteView> {
    return this.createInvite(caseId, CreateInviteBody.parse(body), null);
  }

  /** The invites this member could have issued themselves (a link is a way in as that person). */
  async listInvites(caseId: string, viewer: CaseRole): Promise<InviteView[]> {
    const invites = (await this.store.listInvites(caseId)).filter((i) => canGrant(viewer, i.role));
    return Promise.all(invites.map((i) => this.inviteView(i)));
  }

  /** Revokes an invite and every session it opened; their live connections are closed. */
  async revokeInvite(caseId: string, inviteId: string, revoker: CaseRole): Promise<void> {
    const invite = await this.store.getInvite(inviteId);
    if (!invite || invite.caseId !== caseId)
      throw AccordError.because('NOT_FOUND', 'invite.notFound', 'no such invite');
    requireGrant(revoker, invite.role);
    const sessionIds = await this.store.revokeInvite(inviteId, new Date().toISOString());
    if (sessionIds.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds });
  }

  async createStaff(identity: Identity | null, body: CreateStaffBody, mustChange = false): Promise<UserView> {
    if (identity) requireStaffAction(identity, 'staff.create');
    if (await this.store.getUserByUsername(body.username)) {
      throw AccordError.because('CONFLICT', 'accounts.usernameTaken', `the username ${body.username} is taken`, {
        username: body.username,
      });
    }
    // Only lender staff belong to a lender. (One made here without a lender sees no complaint until an
    // admin gives it one on the accounts page, which requires it; it can still be made a case's member.)
    if (body.lenderId !== undefined && body.staffRole !== 'platform') {
      throw new AccordError('VALIDATION_FAILED', 'only lender staff belong to a lender');
    }
    if (body.lenderId !== undefined && !(await this.store.getLender(body.lenderId))) {
      throw AccordError.because('NOT_FOUND', 'accounts.noSuchLender', 'no such lender');
    }
    const user = await this.store.createUser({
      id: newId(),
      kind: 'staff',
      username: body.username,
      displayName: body.displayName,
      staffRole: body.staffRole,
      passwordHash: await hashPassword(body.password),
      mustChangePassword: mustChange,
      lenderId: body.lenderId ?? null,
      email: body.email ?? null,
    });
    return { ...toUserView(user), email: user.email };
  }

  /** Staff accounts, for an admin (e.g. to give a mediator a profile). */
  async listStaff(identity: Identity): Promise<UserView[]> {
    requireStaffAction(identity, 'staff.list');
    return (await this.store.listStaff()).map((u) => ({ ...toUserView(u), email: u.email }));
  }

  /** On a store with no staff at all, creates `admin` with a one-time password and returns it. */
  async bootstrapAdmin(): Promise<{ username: string; password: string } | null> {
    if ((await this.store.countStaff()) > 0) return null;
    const password = generatePassword();
    await this.createStaff(null, { username: 'admin', displayName: '管理员', staffRole: 'admin', password }, true);
    return { username: 'admin', password };
  }

  private inviteView(invite: InviteRecord): Promise<InviteView> {
    return inviteViewOf(this.tokens, this.publicUrl, invite);
  }
}

/** An invite as its manager sees it, with its link: re-signed on demand, the jti ties every copy to one revocable invite. */
export async function inviteViewOf(
  tokens: TokenSigner,
  publicUrl: () => string,
  invite: InviteRecord,
): Promise<InviteView> {
  const token = await tokens.signInvite(
    { jti: invite.id, cid: invite.caseId, role: invite.role },
    new Date(invite.expiresAt),
  );
  return {
    id: invite.id,
    caseId: invite.caseId,
    userId: invite.userId,
    role: invite.role,
    displayName: invite.displayName,
    url: `${publicUrl()}/join/${token}`,
    expiresAt: invite.expiresAt,
    revokedAt: invite.revokedAt,
  };
}
