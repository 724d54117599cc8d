import { z } from 'zod';

/**
 * The kinds of repayment plan (see `repayment.ts`): its own module because the settlement terms
 * (`documents.ts`) name it and the calculator imports the terms' formatting helpers.
 */
export const PlanKind = z.enum(['equal_instalment', 'equal_principal', 'interest_free']);
export type PlanKind = z.infer<typeof PlanKind>;
