import { z } from 'zod';
import { CaseLanguage, IsoDateTime, UserId } from './ids';

/**
 * Rights and duties: before a party first enters a room it is told, in its language, what this
 * mediation is, its principles and effect, and its rights and duties, and acknowledges it. The text
 * is content (`content/rights/<language>.md`, which a mediation centre edits), not code: what is
 * acknowledged is named by the file's version line and the SHA-256 of its text.
 */

/** One section of the text: a heading, its paragraphs and its points (a list). */
export const RightsSection = z.object({
  heading: z.string(),
  paragraphs: z.array(z.string()),
  points: z.array(z.string()),
});
export type RightsSection = z.infer<typeof RightsSection>;

/** `GET /api/cases/:caseId/rights`: the text in the viewer's language, and whether they acknowledged it. */
export const RightsView = z.object({
  language: CaseLanguage,
  /** As the file names it (e.g. `2026-12-05`). */
  version: z.string().min(1).max(64),
  /** SHA-256 (hex) of the file's text as served. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  title: z.string(),
  sections: z.array(RightsSection),
  /** This viewer's acknowledgement on this case, if any (of this or an earlier version). */
  acknowledged: z.object({ version: z.string(), sha256: z.string(), at: IsoDateTime }).nullable(),
  /** Whether this viewer is asked to acknowledge (the case's parties: customer and lender's representative). */
  required: z.boolean(),
});
export type RightsView = z.infer<typeof RightsView>;

/**
 * The query of `GET /api/cases/:caseId/rights`: the language to read the text in (the page's language,
 * so that each party reads it in theirs); without it, the case's language.
 */
export const RightsQuery = z.object({ lang: CaseLanguage.optional() });
export type RightsQuery = z.infer<typeof RightsQuery>;

/**
 * `POST /api/cases/:caseId/rights/acknowledgement`: the party acknowledges the text it was shown, named
 * by its language, version and hash (a text changed since it was shown is refused, to be read again).
 */
export const RightsAckBody = z.strictObject({
  language: CaseLanguage,
  version: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 (hex) of the text acknowledged'),
});
export type RightsAckBody = z.infer<typeof RightsAckBody>;

/** One party's acknowledgement, as the sealed record lists it (name masked there). */
export const RightsAcknowledgement = z.strictObject({
  /** As the record's parties name them, so that a party without an acknowledgement can be told. */
  userId: UserId,
  role: z.string(),
  name: z.string(),
  language: CaseLanguage,
  version: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  at: IsoDateTime,
});
export type RightsAcknowledgement = z.infer<typeof RightsAcknowledgement>;
