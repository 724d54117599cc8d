import { z } from 'zod';
import { IsoDateTime, UserId } from '../ids';
import { CaseRole } from '../roles';
import { SealedOutcome } from '../outcome';
import { PersonName } from '../names';
import { SEAL_REASON_MIN } from '../signoff-rules';

/**
 * Signs the frozen text: the fingerprint the signer was shown, their name typed as a confirmation, and
 * their password or PIN. The signature is named from the signer's identity (their member record),
 * never from `fullName`: a `fullName` that is not that name (spacing, width and case aside) is refused.
 */
export const SignPayload = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  fullName: PersonName(1, 100),
  /** A staff member's password, or the PIN that came with a guest's invite. */
  secret: z.string().min(1).max(256),
});

/** The mediator ends the session without an agreement. */
export const SealPayload = z.strictObject({
  outcome: z.enum(['not_settled', 'withdrawn']),
  /** Sealed into the record as given (NFC, trimmed): what a court reads about why there is no agreement. */
  reason: z
    .string()
    .normalize('NFC')
    .trim()
    .min(SEAL_REASON_MIN, `give a reason of at least ${SEAL_REASON_MIN} characters`)
    .max(2000),
});

export const SignerView = z.object({
  userId: UserId,
  role: CaseRole,
  displayName: z.string(),
  signedAt: IsoDateTime.nullable(),
});

/** Where sign-off stands: the frozen text, who must sign and who has, and the sealed record once there. */
export const OutcomeStatus = z.object({
  freeze: z.object({ text: z.string(), fingerprint: z.string(), frozenAt: IsoDateTime }).nullable(),
  signers: z.array(SignerView),
  sealed: SealedOutcome.nullable(),
});
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;
