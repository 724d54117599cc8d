import type { RequestHandler } from 'express';
import type { DocumentRequestService } from '../../documents/service';
import type { CaseRequest, RegisterRoute } from '../route';

/** Document requests: the customer asks, the lender's staff and the centre answer with files or a reason. */
export function documentRoutes(
  route: RegisterRoute,
  { documents, upload }: { documents: DocumentRequestService; upload: RequestHandler },
): void {
  route('GET /api/cases/:caseId/document-requests', ({ identity, params }) => documents.list(identity, params.caseId));
  route(
    'POST /api/cases/:caseId/document-requests',
    ({ identity, access, body }) => documents.request(identity, access, body),
    // Someone who may not ask is refused before being told what a valid request is.
    { access: ({ identity, params }: CaseRequest) => documents.assertMayRequest(identity, params.caseId) },
  );
  route(
    'POST /api/cases/:caseId/document-requests/:requestId/documents',
    ({ identity, access, params, files }) => documents.provide(identity, access, params.requestId, files),
    {
      upload,
      access: ({ identity, params }: CaseRequest) => documents.assertMayAnswer(identity, params.caseId),
    },
  );
  route(
    'POST /api/cases/:caseId/document-requests/:requestId/decline',
    ({ identity, access, params, body }) => documents.decline(identity, access, params.requestId, body),
    { access: ({ identity, params }: CaseRequest) => documents.assertMayAnswer(identity, params.caseId) },
  );
  route('GET /api/document-requests/open', ({ identity }) => documents.openRequests(identity));
}
