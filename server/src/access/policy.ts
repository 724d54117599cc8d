import {
  AccordError,
  JOINT,
  can,
  caucusParty,
  isParty,
  mayEditAgreement,
  partiesMayPost,
  type CaseRole,
  type Channel,
} from '@accord/shared';
import type { Principal } from '../auth/service';
import type { MemberRecord, RoomStateRecord } from '../store/types';

// The rules of the room in one place, as pure functions of who asks, their
// membership and the room's state; the gateway and the Yjs endpoint both ask here.

/** Whether this person waits in the lobby instead of entering. The mediator never waits. */
export function mustWait(p: Principal, member: MemberRecord, state: RoomStateRecord): boolean {
  return state.lobby && p.role !== 'mediator' && !member.admitted;
}

/** Whether someone may read a channel: everyone the joint room; a caucus, its party and the mediator. */
export function mayReadChannel(p: Principal, channel: Channel): boolean {
  if (channel === JOINT) return can(p.role, 'chat.read');
  const party = caucusParty(channel);
  return party !== null && mayReadCaucus(p, party);
}

/**
 * Whether someone may read what was said and noted in the caucus with this party, open or over:
 * the mediator and that party, nobody else (not the other party, an observer or an admin).
 */
export function mayReadCaucus(p: Principal, partyUserId: string): boolean {
  return p.role === 'mediator' || (isParty(p.role) && partyUserId === p.userId);
}

/** Whether the caucus with this party is open now (its chat and shared notes take changes only then). */
export function caucusIsOpen(state: RoomStateRecord, partyUserId: string): boolean {
  return state.phase === 'caucus' && state.caucusUserId === partyUserId;
}

/** Whether a change to the notes shared in the caucus with this party is accepted now. */
export function mayWriteCaucusNotes(
  p: Principal,
  member: MemberRecord,
  state: RoomStateRecord,
  partyUserId: string,
): boolean {
  return (
    can(p.role, 'doc.write') &&
    member.removedAt === null &&
    mayReadCaucus(p, partyUserId) &&
    caucusIsOpen(state, partyUserId)
  );
}

/** Whether someone may open the mediator's own notebook: the case's mediator alone. */
export function mayReadMediatorNotes(p: Principal): boolean {
  return p.role === 'mediator';
}

/** Whether a change to the mediator's notebook is accepted now: theirs until the session concludes. */
export function mayWriteMediatorNotes(p: Principal, member: MemberRecord, state: RoomStateRecord): boolean {
  return mayReadMediatorNotes(p) && member.removedAt === null && state.phase !== 'concluded';
}

/** Throws the error that explains why this message may not be posted now, if it may not. */
export function assertMayPost(p: Principal, member: MemberRecord, state: RoomStateRecord, channel: Channel): void {
  if (!can(p.role, 'chat.send')) throw new AccordError('FORBIDDEN', `a ${p.role} may not send chat messages`);
  if (!mayReadChannel(p, channel))
    throw AccordError.because('FORBIDDEN', 'chat.notInConversation', 'you are not part of this conversation');
  if (member.muted) throw new AccordError('MUTED', 'the mediator has muted you; you cannot post for now');
  if (state.phase === 'concluded')
    throw AccordError.because('PHASE_RULES', 'chat.concluded', 'the session has concluded');
  if (channel === JOINT) {
    if (p.role !== 'mediator' && !partiesMayPost(state.phase, state.quietOpening)) {
      throw AccordError.because('PHASE_RULES', 'chat.quietOpening', 'parties cannot post during the opening statement');
    }
    return;
  }
  const party = caucusParty(channel);
  if (party === null || !caucusIsOpen(state, party)) {
    throw new AccordError('CAUCUS_CLOSED', 'this private session is not open');
  }
}

/** Whether a change to the agreement from this person is accepted now. */
export function mayWriteAgreement(p: Principal, member: MemberRecord, state: RoomStateRecord): boolean {
  if (!can(p.role, 'doc.write') || member.removedAt !== null || mustWait(p, member, state)) return false;
  const isMediator = p.role === 'mediator';
  if (state.agreementLocked && !isMediator) return false;
  return mayEditAgreement(state.phase, isMediator);
}

/**
 * Which side of the call a person is on: everyone together, or while the mediator holds a private
 * session, the mediator and that party on one side and everyone else apart from them.
 */
export function callGroup(userId: string, role: CaseRole, state: RoomStateRecord): 'joint' | 'caucus' | 'apart' {
  if (state.phase !== 'caucus' || state.caucusUserId === null) return 'joint';
  return role === 'mediator' || userId === state.caucusUserId ? 'caucus' : 'apart';
}

/** Whether two people in the call may hear and see each other now (the server forwards their signals only then). */
export function mayReachInCall(
  a: { userId: string; role: CaseRole },
  b: { userId: string; role: CaseRole },
  state: RoomStateRecord,
): boolean {
  return callGroup(a.userId, a.role, state) === callGroup(b.userId, b.role, state);
}
