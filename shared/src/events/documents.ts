import { z } from 'zod';
import { CaseId } from '../ids';

/**
 * `documents:changed` in the room: a document request of the case was made or answered. Content-free
 * (each viewer sees the documents their side may see), so the client fetches
 * `GET /api/cases/:caseId/document-requests` again.
 */
export const DocumentsChanged = z.object({ caseId: CaseId });
export type DocumentsChanged = z.infer<typeof DocumentsChanged>;
