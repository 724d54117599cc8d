import { newId } from '../lib/ids';
import { AccordError, type InviteAcceptResult } from '@accord/shared';
import type { AttemptLimiter } from '../auth/attempts';
import type { Identity } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import type { Bus } from '../scale/bus';
import type { CaseStore, MemberStore, InviteStore, SessionStore } from '../store/types';
import type { CaseAccess } from './access';

/** The customer's tracking link: signing in with it and its PIN, and ending it. */
export class TrackingService {
  // Aggregates: cases, members, sessions, invites (a tracking link's sessions are revoked as an invite's).
  constructor(
    private readonly store: CaseStore & MemberStore & InviteStore & SessionStore,
    private readonly tokens: TokenSigner,
    private readonly access: CaseAccess,
    private readonly bus: Bus,
    private readonly attempts: AttemptLimiter,
  ) {}

  /** Signs the customer in from their tracking link and PIN: a session for this case only. */
  async trackSignIn(trackingId: string, pin: string): Promise<InviteAcceptResult> {
    const key = `track:${trackingId.slice(0, 32)}`;
    await this.attempts.consume(key);
    const c = await this.store.getCaseByTracking(trackingId);
    if (
      !c?.tracking ||
      !c.customerId ||
      c.tracking.revokedAt !== null ||
      !this.tokens.checkPin(trackingId, pin, c.tracking.pinHash)
    ) {
      throw AccordError.because('BAD_CREDENTIALS', 'tracking.mismatch', 'this tracking link and PIN do not match');
    }
    await this.attempts.reset(key);
    const member = await this.store.getMember(c.id, c.customerId);
    const expiresAt = new Date(Date.now() + 30 * 24 * 3600_000);
    const session = await this.store.createSession({
      id: newId(),
      userId: c.customerId,
      caseId: c.id,
      inviteId: `tracking:${trackingId}`,
      expiresAt: expiresAt.toISOString(),
    });
    const token = await this.tokens.signSession({ sub: c.customerId, sid: session.id }, expiresAt);
    return { token, userId: c.customerId, caseId: c.id, role: 'customer', displayName: member?.displayName ?? '' };
  }

  /** Ends a tracking link: it and every session opened with it stop working. */
  async revokeTracking(identity: Identity, caseId: string): Promise<void> {
    // The customer's own link: the centre may end it, the lender complained about may not.
    const { c } = await this.access.centreCaseFor(identity, caseId, ['customer', 'staff', 'admin']);
    if (!c.tracking) return;
    const at = new Date().toISOString();
    await this.store.updateCase(c.id, { tracking: { ...c.tracking, revokedAt: at } });
    const sessionIds = await this.store.revokeInvite(`tracking:${c.tracking.id}`, at);
    if (sessionIds.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds });
  }
}
