import { z } from 'zod';
import { IsoDateTime, UserId } from './ids';
import { CaseRole } from './roles';
import { APPEAL_REASON_MIN } from './constants';

/**
 * Recovery paths (docs/PROTOCOL.md, "Recovery"): a removed party invited again, a lost invite
 * reissued, a signing PIN reset, a rejected complaint appealed. Each is recorded in the case's audit log.
 */

/** A participant the mediator removed from the room, who may be invited again. */
export const RemovedMember = z.object({
  userId: UserId,
  displayName: z.string(),
  role: CaseRole,
  removedAt: IsoDateTime,
});
export type RemovedMember = z.infer<typeof RemovedMember>;

/** `POST /api/cases/:caseId/members/:userId/reinvite` and `…/invites/:inviteId/reissue`: the new link's lifetime. */
export const NewLinkBody = z.strictObject({
  /** A week by default, at most 30 days. */
  expiresInHours: z
    .int()
    .min(1)
    .max(24 * 30)
    .default(24 * 7),
});
export type NewLinkBody = z.input<typeof NewLinkBody>;

/** The signing PIN a reset made, handed once to the party themselves. */
export const SigningPinResult = z.object({ pin: z.string().regex(/^\d{6}$/) });
export type SigningPinResult = z.infer<typeof SigningPinResult>;

export { APPEAL_REASON_MIN };

/** `POST /api/cases/:caseId/appeal`: the customer asks for a rejected complaint to be reviewed again, once. */
export const AppealBody = z.strictObject({
  reason: z.string().trim().min(APPEAL_REASON_MIN).max(2000),
});
export type AppealBody = z.infer<typeof AppealBody>;

/** A case's one appeal: when, and why (shown to the reviewer and on the customer's timeline). */
export const CaseAppeal = z.object({ at: IsoDateTime, reason: z.string() });
export type CaseAppeal = z.infer<typeof CaseAppeal>;
