import { z } from 'zod';
import { HARDSHIP_DESCRIPTION_MAX, HARDSHIP_DESCRIPTION_MIN, HARDSHIP_KINDS, HARDSHIP_PROOFS_MAX } from './constants';
import { EvidenceKind } from './evidence-kind';
import { IsoDateTime } from './ids';
import { CaseRole } from './roles';

export { HARDSHIP_DESCRIPTION_MAX, HARDSHIP_DESCRIPTION_MIN, HARDSHIP_KINDS, HARDSHIP_PROOFS_MAX };

/**
 * The customer's hardship: what befell them (a job lost, an illness…), since when, in their words,
 * proven by files of the case's evidence. Declared before or during the session, seen by the
 * mediator and the lender's representative, part of the export and (kind and proofs' hashes) of the
 * sealed record.
 */

export const HardshipKind = z.enum(HARDSHIP_KINDS);
export type HardshipKind = z.infer<typeof HardshipKind>;

// eslint-disable-next-line no-control-regex -- rejecting control characters (but line ends and tabs) is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Today's date (UTC) and tomorrow's: a date "since" may be today wherever the customer is, never later. */
function latestSince(): string {
  return new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
}

/** `PUT /api/cases/:caseId/hardship`: the whole declaration (a later one replaces it). */
export const HardshipBody = z.strictObject({
  kind: HardshipKind,
  /** When it began (a calendar date), if the customer says. */
  since: z.iso
    .date()
    .refine((d) => d >= '1900-01-01', 'not before 1900')
    .refine((d) => d <= latestSince(), 'not in the future')
    .nullable(),
  description: z
    .string()
    .normalize('NFC')
    .trim()
    .min(HARDSHIP_DESCRIPTION_MIN, `at least ${HARDSHIP_DESCRIPTION_MIN} characters`)
    .max(HARDSHIP_DESCRIPTION_MAX, `at most ${HARDSHIP_DESCRIPTION_MAX} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters'),
  /** Files of this case's evidence (uploaded with `POST /api/cases/:caseId/evidence`) that prove it. */
  evidenceIds: z
    .array(z.uuid('an evidence id'))
    .min(1, 'attach at least one proof file')
    .max(HARDSHIP_PROOFS_MAX, `at most ${HARDSHIP_PROOFS_MAX} proof files`)
    .refine((ids) => new Set(ids).size === ids.length, 'each proof file once'),
});
export type HardshipBody = z.infer<typeof HardshipBody>;

/** One proof file as the declaration shows it; it opens through the evidence download. */
export const HardshipProof = z.object({
  id: z.uuid(),
  name: z.string(),
  type: EvidenceKind,
  size: z.int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type HardshipProof = z.infer<typeof HardshipProof>;

/** `GET`/`PUT /api/cases/:caseId/hardship`: the declaration as the case's people see it. */
export const HardshipView = z.object({
  kind: HardshipKind,
  since: z.iso.date().nullable(),
  description: z.string(),
  proofs: z.array(HardshipProof),
  declaredAt: IsoDateTime,
  /** When it was last changed (the declaration's time if never). */
  updatedAt: IsoDateTime,
  /** Who declared it, as the room names them. */
  declaredBy: z.object({ role: CaseRole, displayName: z.string() }),
});
export type HardshipView = z.infer<typeof HardshipView>;
