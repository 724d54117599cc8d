import { randomUUID } from 'node:crypto';
import { newId } from '../lib/ids';
import {
  AccordError,
  can,
  type CaseAction,
  type CaseRole,
  type ChangePasswordBody,
  type InviteAcceptResult,
  type LoginBody,
  type LoginResult,
  type StaffAction,
  type UserView,
  staffCan,
} from '@accord/shared';
import type { Bus } from '../scale/bus';
import type {
  SessionRecord,
  UserRecord,
  UserStore,
  CaseStore,
  MemberStore,
  InviteStore,
  SessionStore,
} from '../store/types';
import type { AttemptLimiter } from './attempts';
import { hashPassword, verifyPassword } from './passwords';
import type { TokenSigner } from './tokens';

/** Who is acting, after the token was checked against the store. */
export interface Identity {
  user: UserRecord;
  session: SessionRecord;
}

/** An identity inside one case, with the role it holds there. */
export interface Principal {
  userId: string;
  displayName: string;
  role: CaseRole;
  caseId: string;
  sessionId: string;
}

export function toUserView(u: UserRecord): UserView {
  return { id: u.id, displayName: u.displayName, username: u.username, staffRole: u.staffRole, lenderId: u.lenderId };
}

/**
 * Account-level actions (not tied to a case): a staff role that may do `action`, signed in with a
 * password of its own. A session opened through an invite reaches its case only, never staff functions.
 */
export function requireStaffAction(identity: Identity, action: StaffAction): void {
  const role = identity.user.staffRole;
  if (identity.session.caseId !== null || !role || !staffCan(role, action)) {
    throw new AccordError('FORBIDDEN', `you may not ${action}`);
  }
  requirePasswordChanged(identity);
}

/** A generated one-time password opens nothing but the form to replace it. */
export function requirePasswordChanged(identity: Identity): void {
  if (identity.user.mustChangePassword && identity.session.caseId === null) {
    throw AccordError.because(
      'FORBIDDEN',
      'auth.mustChangePassword',
      'set your own password first (POST /api/auth/password)',
    );
  }
}

// Verifying against a throw-away hash keeps "no such user" as slow as "wrong password".
let decoyHash: Promise<string> | null = null;

export class AuthService {
  constructor(
    private readonly store: UserStore & CaseStore & MemberStore & InviteStore & SessionStore,
    private readonly tokens: TokenSigner,
    private readonly bus: Bus,
    private readonly attempts: { byUser: AttemptLimiter; byAddress: AttemptLimiter },
    private readonly sessionHours: number,
  ) {}

  /** Signs a staff member in. Failures are counted per username and per address. */
  async login(body: LoginBody, address: string): Promise<LoginResult> {
    const userKey = body.username.toLowerCase();
    // Counted before the hash, so concurrent guesses cannot all pass a limit none has reached yet.
    await this.attempts.byUser.consume(userKey);
    await this.attempts.byAddress.consume(address);
    const user = await this.store.getUserByUsername(body.username);
    const ok = await this.check(body.password, user?.passwordHash ?? null).catch(async (err: unknown) => {
      // Refused by the full hash queue: nothing was checked, so nothing counts against the limits.
      if (err instanceof AccordError && err.code === 'BUSY') {
        await this.attempts.byUser.refund(userKey);
        await this.attempts.byAddress.refund(address);
      }
      throw err;
    });
    if (!user || !ok) throw AccordError.because('BAD_CREDENTIALS', 'auth.wrongPassword', 'wrong username or password');
    await this.attempts.byUser.reset(userKey);
    // Said only to whoever knows the password, so it tells a guesser nothing.
    if (user.deactivatedAt !== null) {
      throw AccordError.because('FORBIDDEN', 'auth.deactivated', 'this account has been deactivated');
    }
    // Many staff behind one office address: their successful sign-ins spend nothing of its budget.
    await this.attempts.byAddress.refund(address);
    const expiresAt = new Date(Date.now() + this.sessionHours * 3600_000);
    const token = await this.openSession(user.id, null, null, expiresAt);
    return { token, user: toUserView(user), mustChangePassword: user.mustChangePassword };
  }

  /** Whether the password matches; against a throw-away hash (false) when there is no user or no password. */
  private async check(password: string, hash: string | null): Promise<boolean> {
    if (hash) return verifyPassword(password, hash);
    // A decoy refused as BUSY must not stay cached as a refusal.
    decoyHash ??= hashPassword(randomUUID()).catch((err: unknown) => {
      decoyHash = null;
      throw err;
    });
    await verifyPassword(password, await decoyHash);
    return false;
  }

  /** Sets a new password; every other session of the user is ended. */
  async changePassword(identity: Identity, body: ChangePasswordBody): Promise<void> {
    const hash = identity.user.passwordHash;
    if (identity.session.caseId !== null || !hash)
      throw AccordError.because('FORBIDDEN', 'auth.passwordSignInOnly', 'sign in with your password');
    if (!(await verifyPassword(body.currentPassword, hash))) {
      throw AccordError.because('BAD_CREDENTIALS', 'auth.wrongCurrentPassword', 'the current password is wrong');
    }
    await this.store.setPassword(identity.user.id, await hashPassword(body.newPassword), false);
    const others = await this.store.revokeUserSessions(identity.user.id, identity.session.id, new Date().toISOString());
    if (others.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds: others });
  }

  /** Ends this session and closes its live connections. */
  async logout(identity: Identity): Promise<void> {
    await this.store.revokeSession(identity.session.id, new Date().toISOString());
    await this.bus.publish({ type: 'sessions.revoked', sessionIds: [identity.session.id] });
  }

  /** Exchanges an invite link's token for a session token bound to that case. */
  async acceptInvite(inviteToken: string): Promise<InviteAcceptResult> {
    const claims = await this.tokens.verifyInvite(inviteToken);
    const invite = await this.store.getInvite(claims.jti);
    if (!invite || invite.caseId !== claims.cid || invite.role !== claims.role) {
      throw new AccordError('INVITE_INVALID', 'not a valid invite');
    }
    if (invite.revokedAt !== null) throw new AccordError('INVITE_REVOKED', 'this invite has been revoked');
    const expiresAt = new Date(invite.expiresAt);
    if (expiresAt.getTime() <= Date.now()) throw new AccordError('INVITE_EXPIRED', 'this invite has expired');
    const member = await this.store.getMember(invite.caseId, invite.userId);
    if (!member || member.removedAt !== null) {
      throw new AccordError('INVITE_REVOKED', 'this invite no longer grants access to the case');
    }
    const token = await this.openSession(invite.userId, invite.caseId, invite.id, expiresAt);
    const { pin, hash } = this.tokens.newPin(invite.id);
    // A PIN reset later is handed only to the party's own session (RecoveryService.claimPin), never
    // to whoever opens the link next: the mediator who made the link could.
    const claimed = invite.pinResetAt === null && (await this.store.claimInvitePin(invite.id, hash));
    return {
      token,
      ...(claimed ? { pin } : {}),
      userId: invite.userId,
      caseId: invite.caseId,
      role: member.role,
      displayName: member.displayName,
    };
  }

  /** Checks a session token: signature, expiry, and that the session was not revoked. */
  async authenticate(token: string): Promise<Identity> {
    const claims = await this.tokens.verifySession(token);
    const session = await this.store.getSession(claims.sid);
    if (!session || session.userId !== claims.sub) throw new AccordError('TOKEN_INVALID', 'not a valid token');
    if (session.revokedAt !== null) throw new AccordError('TOKEN_REVOKED', 'this session has been revoked');
    if (new Date(session.expiresAt).getTime() <= Date.now()) {
      throw new AccordError('TOKEN_EXPIRED', 'the token has expired');
    }
    const user = await this.store.getUser(session.userId);
    if (!user) throw new AccordError('TOKEN_INVALID', 'not a valid token');
    // Its sessions were revoked on deactivation; this also covers one opened in the same instant.
    if (user.deactivatedAt !== null) {
      throw AccordError.because('TOKEN_REVOKED', 'auth.deactivated', 'this account has been deactivated');
    }
    return { user, session };
  }

  /** The identity's role in a case, or NOT_A_MEMBER / FORBIDDEN. */
  async principalFor(identity: Identity, caseId: string, action: CaseAction = 'room.join'): Promise<Principal> {
    if (identity.session.caseId !== null && identity.session.caseId !== caseId) {
      throw new AccordError('FORBIDDEN', 'this token is for another case');
    }
    requirePasswordChanged(identity);
    const member = await this.store.getMember(caseId, identity.user.id);
    if (!member || member.removedAt !== null)
      throw new AccordError('NOT_A_MEMBER', 'you are not a member of this case');
    if (!can(member.role, action)) throw new AccordError('FORBIDDEN', `a ${member.role} may not ${action}`);
    return {
      userId: identity.user.id,
      displayName: member.displayName,
      role: member.role,
      caseId,
      sessionId: identity.session.id,
    };
  }

  /**
   * Who may manage a case's members and invites: a member whose role allows
   * it, or any staff admin (admins assign mediators to cases they are not in).
   * Managing grants no access to the room itself.
   */
  async managerFor(
    identity: Identity,
    caseId: string,
    action: 'invite.create' | 'invite.revoke' | 'member.add',
  ): Promise<{ userId: string; role: CaseRole; caseId: string }> {
    requirePasswordChanged(identity);
    if (identity.session.caseId === null && identity.user.staffRole === 'admin') {
      if (!(await this.store.getCase(caseId))) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
      return { userId: identity.user.id, role: 'admin', caseId };
    }
    const p = await this.principalFor(identity, caseId, action);
    return { userId: p.userId, role: p.role, caseId };
  }

  private async openSession(
    userId: string,
    caseId: string | null,
    inviteId: string | null,
    expiresAt: Date,
  ): Promise<string> {
    const session = await this.store.createSession({
      id: newId(),
      userId,
      caseId,
      inviteId,
      expiresAt: expiresAt.toISOString(),
    });
    return this.tokens.signSession({ sub: userId, sid: session.id }, expiresAt);
  }
}
