import { z } from 'zod';

/** The role a person has in one case. */
import { CASE_ROLES } from './constants';

export { CASE_ROLES };
export const CaseRole = z.enum(CASE_ROLES);
export type CaseRole = z.infer<typeof CaseRole>;

/** The two sides of the dispute: the borrower and the lender's representative. */
export const PARTY_ROLES = ['customer', 'platform'] as const satisfies readonly CaseRole[];
export const PartyRole = z.enum(PARTY_ROLES);
export type PartyRole = (typeof PARTY_ROLES)[number];

/** Whether a role is a party's (a caucus is held with one; a settlement needs each one's signature). */
export function isParty(role: CaseRole): role is PartyRole {
  return role === 'customer' || role === 'platform';
}

/**
 * The account-level role of a staff member who signs in with a password: `platform` is a lender's
 * staff (bound to one lender, sees only its cases), `reviewer` the mediation centre's intake staff
 * (reviews complaints, assigns mediators), `mediator`, and `admin` (all of that, and the accounts).
 */
export const StaffRole = z.enum(['platform', 'reviewer', 'mediator', 'admin']);
export type StaffRole = z.infer<typeof StaffRole>;

/** What can be done inside one case. */
export const CaseAction = z.enum([
  'room.join',
  'chat.read',
  'chat.send',
  'chat.typing',
  'doc.read',
  'doc.write',
  'case.read',
  'invite.create',
  'invite.revoke',
  'member.add',
  'room.moderate',
  'hand.raise',
  'call.join',
  'call.send',
  'negotiation.consent',
  'negotiation.offer',
  'negotiation.round',
]);
export type CaseAction = z.infer<typeof CaseAction>;

/** What can be done at account level, independent of any case. */
export const StaffAction = z.enum(['case.create', 'staff.create', 'staff.list', 'staff.manage', 'lender.manage']);
export type StaffAction = z.infer<typeof StaffAction>;

const PARTIES = ['customer', 'platform', 'mediator'] as const satisfies readonly CaseRole[];
const EVERYONE = CaseRole.options;

/**
 * The permission matrix: which case role may do what. Least privilege: observers
 * and admins read but never write into the room; only the mediator (who runs the
 * session) and admins manage who is invited.
 */
export const permissions: Readonly<Record<CaseAction, readonly CaseRole[]>> = {
  'room.join': EVERYONE,
  'chat.read': EVERYONE,
  'chat.send': PARTIES,
  'chat.typing': PARTIES,
  'doc.read': EVERYONE,
  'doc.write': PARTIES,
  'case.read': EVERYONE,
  'invite.create': ['mediator', 'admin'],
  'invite.revoke': ['mediator', 'admin'],
  'member.add': ['mediator', 'admin'],
  // Phases, lobby, caucus, mute, remove, lock, pin: the mediator runs the session.
  'room.moderate': ['mediator'],
  'hand.raise': ['customer', 'platform'],
  // The call: an observer listens and watches; an admin reads the case but is not in the room's call.
  'call.join': ['customer', 'platform', 'mediator', 'observer'],
  'call.send': PARTIES,
  // Negotiation: the parties consent and make blind offers; the mediator closes rounds.
  'negotiation.consent': ['customer', 'platform'],
  'negotiation.offer': ['customer', 'platform'],
  'negotiation.round': ['mediator'],
};

export const staffPermissions: Readonly<Record<StaffAction, readonly StaffRole[]>> = {
  'case.create': ['admin', 'reviewer', 'platform'],
  'staff.create': ['admin'],
  'staff.list': ['admin'],
  // Edit, deactivate, reset a password.
  'staff.manage': ['admin'],
  'lender.manage': ['admin'],
};

/** The mediation centre's own staff, who review complaints and assign mediators (never a lender's). */
export function reviewsComplaints(role: StaffRole | null): boolean {
  return role === 'admin' || role === 'reviewer';
}

export function can(role: CaseRole, action: CaseAction): boolean {
  return permissions[action].includes(role);
}

export function staffCan(role: StaffRole, action: StaffAction): boolean {
  return staffPermissions[action].includes(role);
}

/** Roles whose connections may change the agreement document. */
export function isWriter(role: CaseRole): boolean {
  return can(role, 'doc.write');
}

/**
 * Which roles a member may hand out by invite or membership. A mediator brings
 * in the parties and observers; only an admin appoints mediators or admins.
 */
export const grantableRoles: Readonly<Record<CaseRole, readonly CaseRole[]>> = {
  admin: EVERYONE,
  mediator: ['customer', 'platform', 'observer'],
  platform: [],
  customer: [],
  observer: [],
};

export function canGrant(granter: CaseRole, role: CaseRole): boolean {
  return grantableRoles[granter].includes(role);
}

/**
 * The caret colour of each role in the shared agreement. The server sets it in every awareness
 * state (a party cannot take the mediator's colour), and the browser uses it for its own caret.
 */
export const ROLE_COLOURS: Record<CaseRole, string> = {
  customer: '#c2410c',
  platform: '#1d4ed8',
  mediator: '#15803d',
  observer: '#6b7280',
  admin: '#7c3aed',
};
