import { AccordError, reviewsComplaints, type Actor, type CaseRole, type EvidenceViewer } from '@accord/shared';
import type { Identity } from '../auth/service';
import type { CaseRecord, CaseStore, MemberStore } from '../store/types';

/**
 * How an identity acts on a case: the case's own customer (through their
 * case-bound session), staff (the centre's reviewers; a lender's staff on that lender's cases only),
 * an admin, or the case's mediator.
 * Without a case (`memberRole` null, no `c`) it answers for the staff-wide pages.
 */
export function actorOf(identity: Identity, memberRole: string | null, c?: CaseRecord): Actor | null {
  if (identity.session.caseId !== null) {
    return c && identity.session.caseId === c.id && memberRole === 'customer' ? 'customer' : null;
  }
  if (identity.user.mustChangePassword) return null;
  switch (identity.user.staffRole) {
    case 'admin':
      return 'admin';
    case 'reviewer':
      return 'staff';
    case 'platform':
      // A lender's staff act on their own lender's complaints only; a case of no lender is nobody's.
      if (!c) return identity.user.lenderId === null ? null : 'staff';
      return c.lenderId !== null && c.lenderId === identity.user.lenderId ? 'staff' : null;
    case 'mediator':
      return memberRole === 'mediator' ? 'mediator' : null;
    default:
      return null;
  }
}

/**
 * Which side of the case someone reading it is on, for what is shown to one side only (caucus-only
 * evidence): the customer; the lender (its staff, and its representative in the room, also a guest);
 * or neutral (the mediator, the centre's reviewers and admins).
 */
export function viewerSide(identity: Identity, actor: Actor | null, memberRole: CaseRole | null): EvidenceViewer {
  if (actor === 'customer' || memberRole === 'customer') return 'customer';
  if (memberRole === 'platform' || identity.user.staffRole === 'platform') return 'lender';
  return 'neutral';
}

/** Who may do what on a case: the one access check every case service and route goes through. */
export class CaseAccess {
  // Aggregates: cases, members.
  constructor(private readonly store: CaseStore & MemberStore) {}

  async getCase(caseId: string): Promise<CaseRecord> {
    const c = await this.store.getCase(caseId);
    if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    return c;
  }

  /** The case and how the viewer acts on it; NOT_FOUND/FORBIDDEN unless they are one of `allowed`. */
  async caseFor(identity: Identity, caseId: string, allowed: Actor[]): Promise<{ c: CaseRecord; actor: Actor }> {
    const c = await this.getCase(caseId);
    const member = await this.store.getMember(c.id, identity.user.id);
    const actor = actorOf(identity, member && member.removedAt === null ? member.role : null, c);
    if (!actor || !allowed.includes(actor)) throw new AccordError('FORBIDDEN', 'you may not do this on this case');
    return { c, actor };
  }

  /**
   * As `caseFor`, also letting in a current member of the case in one of `roles` (the room's people:
   * a lender's representative may be a guest of the case, through an invite, rather than a staff
   * account), through a session of this case or a staff session. The member's actor is null.
   */
  async caseForMember(
    identity: Identity,
    caseId: string,
    allowed: Actor[],
    roles: readonly CaseRole[],
  ): Promise<{ c: CaseRecord; actor: Actor | null; memberRole: CaseRole | null }> {
    const c = await this.getCase(caseId);
    const member = await this.store.getMember(c.id, identity.user.id);
    const current = member && member.removedAt === null ? member : null;
    const memberRole = current?.role ?? null;
    const actor = actorOf(identity, memberRole, c);
    if (actor && allowed.includes(actor)) return { c, actor, memberRole };
    const sessionReaches = identity.session.caseId === null || identity.session.caseId === c.id;
    if (current && sessionReaches && roles.includes(current.role)) return { c, actor: null, memberRole };
    throw new AccordError('FORBIDDEN', 'you may not do this on this case');
  }

  /** As `caseFor`, for the centre's own decisions (review, reveal, assign): never a lender's staff. */
  async centreCaseFor(identity: Identity, caseId: string, allowed: Actor[]): Promise<{ c: CaseRecord; actor: Actor }> {
    const found = await this.caseFor(identity, caseId, allowed);
    if (found.actor === 'staff' && !reviewsComplaints(identity.user.staffRole)) {
      throw AccordError.because('FORBIDDEN', 'review.reviewersOnly', "the mediation centre's reviewers decide this");
    }
    return found;
  }
}
