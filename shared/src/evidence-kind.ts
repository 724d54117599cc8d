import { z } from 'zod';

/**
 * The file types evidence may be (checked by content on upload): its own module because both the
 * case's evidence (`intake.ts`) and the hardship declaration's proofs (`hardship.ts`) name it, and
 * the case export (in `intake.ts`) carries the declaration.
 */
export const EvidenceKind = z.enum(['application/pdf', 'image/jpeg', 'image/png']);
export type EvidenceKind = z.infer<typeof EvidenceKind>;
