import { z } from 'zod';

export const CaseId = z.uuid();
export type CaseId = z.infer<typeof CaseId>;

export const UserId = z.uuid();
export type UserId = z.infer<typeof UserId>;

/** A human-readable case number, e.g. `AC-2026-000042`. */
export const CaseNumber = z.string().regex(/^AC-\d{4}-\d{6}$/);
export type CaseNumber = z.infer<typeof CaseNumber>;

/** Money is always integer cents (fen), never floating point. */
export const Cents = z
  .int({ error: 'integer cents (fen), e.g. 128000 for ¥1,280.00' })
  .min(0, 'integer cents (fen), not negative')
  .max(Number.MAX_SAFE_INTEGER, 'integer cents (fen), at most 2^53 - 1')
  // JSON's -0 passes as an integer ≥ 0, but it is no amount anyone typed.
  .refine((v) => !Object.is(v, -0), 'integer cents (fen), not -0');
export type Cents = z.infer<typeof Cents>;

/**
 * The language a case is conducted in: chosen with the complaint (the form's language) or by staff.
 * The settlement text, the sealed record and its PDF are written in it.
 */
export const CaseLanguage = z.enum(['zh-CN', 'en']);
export type CaseLanguage = z.infer<typeof CaseLanguage>;

export const IsoDateTime = z.iso.datetime({ offset: true });
