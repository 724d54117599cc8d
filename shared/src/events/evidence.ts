import { z } from 'zod';
import { CaseId } from '../ids';

/**
 * `evidence:changed`: the case's evidence changed for this connection (an item added that it may see,
 * or one it could or can see shown to someone else): refetch `GET /api/cases/:caseId/evidence`. It
 * names no item: who may not see an item learns nothing of it, not even that one changed.
 */
export const EvidenceChanged = z.object({ caseId: CaseId });
export type EvidenceChanged = z.infer<typeof EvidenceChanged>;
