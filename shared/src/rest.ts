import { z } from 'zod';
import { CASE_CATEGORIES } from './constants';
import { CaseRole, StaffRole } from './roles';
import { CaseLifecycle } from './lifecycle';
import { CaseId, CaseLanguage, CaseNumber, Cents, IsoDateTime, UserId } from './ids';
import { PersonName } from './names';
import { LenderPlanPolicy } from './repayment';

export const Username = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, . _ and - only');
export const Password = z.string().min(12, 'at least 12 characters').max(256);
/** NFC; no control, zero-width or bidi characters (`names.ts`). */
export const DisplayName = PersonName(1, 80);

// ---- auth -------------------------------------------------------------------

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const UserView = z.object({
  id: UserId,
  displayName: z.string(),
  username: z.string().nullable(),
  staffRole: StaffRole.nullable(),
  /** The lender of a lender-staff account. */
  lenderId: z.uuid().nullable().default(null),
  /** The account's e-mail address, shown to admins only (the staff list, the account just created). */
  email: z.string().nullable().optional(),
});
export type UserView = z.infer<typeof UserView>;

export const LoginResult = z.object({
  token: z.string(),
  user: UserView,
  /** True for a generated one-time password: the user must set their own. */
  mustChangePassword: z.boolean(),
});
export type LoginResult = z.infer<typeof LoginResult>;

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: Password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const InviteAcceptResult = z.object({
  token: z.string(),
  /**
   * The six-digit PIN that confirms this person's signature, given once: to
   * whoever opens the link first (never to the one who created it).
   */
  pin: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  userId: UserId,
  caseId: CaseId,
  role: CaseRole,
  displayName: z.string(),
});
export type InviteAcceptResult = z.infer<typeof InviteAcceptResult>;

// ---- cases ------------------------------------------------------------------

export { CASE_CATEGORIES };
export const CaseCategory = z.enum(CASE_CATEGORIES);
export type CaseCategory = z.infer<typeof CaseCategory>;

/** A case's status is its place in the lifecycle (`lifecycle.ts`). */
export const CaseStatus = CaseLifecycle;
export type CaseStatus = CaseLifecycle;

export const CreateCaseBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  summary: z.string().max(10_000).default(''),
  category: CaseCategory,
  amountInDisputeCents: Cents,
  language: CaseLanguage.default('zh-CN'),
});
export type CreateCaseBody = z.input<typeof CreateCaseBody>;

export const CaseView = z.object({
  id: CaseId,
  number: CaseNumber,
  title: z.string(),
  summary: z.string(),
  category: CaseCategory,
  status: CaseStatus,
  amountInDisputeCents: Cents,
  language: CaseLanguage,
  createdAt: IsoDateTime,
});
export type CaseView = z.infer<typeof CaseView>;

export const MembershipView = z.object({
  case: CaseView,
  role: CaseRole,
});
export type MembershipView = z.infer<typeof MembershipView>;

export const MeResult = z.object({
  user: UserView,
  memberships: z.array(MembershipView),
});
export type MeResult = z.infer<typeof MeResult>;

export const AddMemberBody = z.strictObject({
  userId: UserId,
  role: CaseRole,
});
export type AddMemberBody = z.infer<typeof AddMemberBody>;

// ---- invites ----------------------------------------------------------------

export const CreateInviteBody = z.strictObject({
  role: CaseRole,
  displayName: DisplayName,
  /** Lifetime of the link; a week by default, at most 30 days. */
  expiresInHours: z
    .int()
    .min(1)
    .max(24 * 30)
    .default(24 * 7),
});
export type CreateInviteBody = z.input<typeof CreateInviteBody>;

export const InviteView = z.object({
  id: z.uuid(),
  caseId: CaseId,
  /** The participant the link lets in (a reissued link is theirs again). */
  userId: UserId,
  role: CaseRole,
  displayName: z.string(),
  url: z.string(),
  expiresAt: IsoDateTime,
  revokedAt: IsoDateTime.nullable(),
});
export type InviteView = z.infer<typeof InviteView>;

// ---- staff ------------------------------------------------------------------

export const LenderId = z.uuid();

export const CreateStaffBody = z.strictObject({
  username: Username,
  displayName: DisplayName,
  staffRole: StaffRole,
  password: Password,
  /** The lender a lender-staff (`platform`) account belongs to. */
  lenderId: LenderId.optional(),
  /** Where this account's notices go (invitations, schedules, reminders, outcomes); optional. */
  email: z.email('an e-mail address').max(254).optional(),
});
export type CreateStaffBody = z.infer<typeof CreateStaffBody>;

/** Lender staff belong to exactly one lender; nobody else belongs to one. */
function lenderMatchesRole(v: { staffRole?: StaffRole | undefined; lenderId?: string | null | undefined }): boolean {
  if (v.staffRole === undefined) return true;
  return v.staffRole === 'platform' ? typeof v.lenderId === 'string' : !v.lenderId;
}
const lenderRule = {
  message: 'lender staff need a lender, and only lender staff have one',
  path: ['lenderId'],
};

/** `POST /api/admin/accounts`: the password is generated and shown once. */
export const CreateAccountBody = z
  .strictObject({
    username: Username,
    displayName: DisplayName,
    staffRole: StaffRole,
    lenderId: LenderId.nullable().optional(),
  })
  .refine(lenderMatchesRole, lenderRule);
export type CreateAccountBody = z.infer<typeof CreateAccountBody>;

/** `PUT /api/admin/accounts/:userId`: the whole editable account (the username never changes). */
export const UpdateAccountBody = z
  .strictObject({
    displayName: DisplayName,
    staffRole: StaffRole,
    lenderId: LenderId.nullable(),
  })
  .refine(lenderMatchesRole, lenderRule);
export type UpdateAccountBody = z.infer<typeof UpdateAccountBody>;

export const AccountStatusBody = z.strictObject({ active: z.boolean() });
export type AccountStatusBody = z.infer<typeof AccountStatusBody>;

/** A staff account as the admin's accounts page shows it. */
export const AccountView = z.object({
  id: UserId,
  username: z.string(),
  displayName: z.string(),
  staffRole: StaffRole,
  lenderId: LenderId.nullable(),
  /** False once deactivated: cannot sign in, no session works. */
  active: z.boolean(),
  /** Still on a one-time password. */
  mustChangePassword: z.boolean(),
  createdAt: IsoDateTime,
});
export type AccountView = z.infer<typeof AccountView>;

/** A created or reset account with its one-time password: shown once, never stored in clear. */
export const OneTimePasswordResult = z.object({ account: AccountView, password: z.string() });
export type OneTimePasswordResult = z.infer<typeof OneTimePasswordResult>;

// ---- lenders ------------------------------------------------------------------

export const LenderName = PersonName(2, 120);
export const LenderBody = z.strictObject({ name: LenderName });
export type LenderBody = z.infer<typeof LenderBody>;
export const LenderView = z.object({ id: LenderId, name: z.string() });
export type LenderView = z.infer<typeof LenderView>;
/** A lender as the admin's lenders page shows it: with its repayment-plan limits (null: none set). */
export const LenderAdminView = LenderView.extend({
  planPolicy: LenderPlanPolicy.nullable(),
  /** Working days its staff have to answer a document request (null: the default, 5). */
  documentDueDays: z.int().min(1).nullable(),
});
export type LenderAdminView = z.infer<typeof LenderAdminView>;
/** `PUT /api/lenders/:lenderId/plan-policy`: the lender's limits on the plans its representative agrees, or none. */
export const PlanPolicyBody = z.strictObject({ policy: z.strictObject(LenderPlanPolicy.shape).nullable() });
export type PlanPolicyBody = z.infer<typeof PlanPolicyBody>;

export const HealthResult = z.object({ status: z.literal('ok'), version: z.string() });
