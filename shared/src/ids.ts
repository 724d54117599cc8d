import { z } from 'zod';

export const CaseId = z.uuid();
export type CaseId = z.infer<typeof CaseId>;

export const UserId = z.uuid();
export type UserId = z.infer<typeof UserId>;

/** A human-readable case number, e.g. `AC-2026-000042`. */
export const CaseNumber = z.string().regex(/^AC-\d{4}-\d{6}$/);
export type CaseNumber = z.infer<typeof CaseNumber>;

/** Money is always integer cents (fen), never floating point. */
export const Cents = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
export type Cents = z.infer<typeof Cents>;

export const IsoDateTime = z.iso.datetime({ offset: true });
