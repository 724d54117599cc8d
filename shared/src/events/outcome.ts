import { z } from 'zod';
import { IsoDateTime, UserId } from '../ids';
import { CaseRole } from '../roles';
import { SealedOutcome } from '../outcome';
import { PersonName } from '../names';

/** Signs the frozen text: the fingerprint the signer was shown, their full name, and their password or PIN. */
export const SignPayload = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** Sealed (masked to its first character) into the record: no bidi or invisible characters, like every name. */
  fullName: PersonName(2, 100),
  /** A staff member's password, or the PIN that came with a guest's invite. */
  secret: z.string().min(1).max(256),
});

/** The mediator ends the session without an agreement. */
export const SealPayload = z.strictObject({
  outcome: z.enum(['not_settled', 'withdrawn']),
  reason: z
    .string()
    .max(2000)
    .refine((s) => s.trim().length > 0, 'give a reason'),
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
