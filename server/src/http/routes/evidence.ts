import type { RequestHandler } from 'express';
import { AccordError } from '@accord/shared';
import type { CaseAccess } from '../../cases/access';
import type { EvidenceService } from '../../evidence/service';
import type { RegisterRoute } from '../route';

export interface EvidenceRouteDeps {
  access: CaseAccess;
  evidence: EvidenceService;
  upload: RequestHandler;
}

/** A case's documents: listed, added, downloaded (decrypted, hash checked, audited). */
export function evidenceRoutes(route: RegisterRoute, { access, evidence, upload }: EvidenceRouteDeps): void {
  route('GET /api/cases/:caseId/evidence', async ({ identity, params }) => {
    await access.caseFor(identity, params.caseId, ['customer', 'staff', 'admin', 'mediator']);
    return evidence.list(params.caseId);
  });

  route(
    'POST /api/cases/:caseId/evidence',
    async ({ identity, params, files }) => {
      const { actor } = await access.caseFor(identity, params.caseId, ['customer', 'staff', 'admin']);
      if (files.length === 0)
        throw AccordError.because('VALIDATION_FAILED', 'evidence.none', 'attach at least one file as "evidence"');
      return evidence.add(params.caseId, files, { userId: identity.user.id, role: actor });
    },
    { upload },
  );

  route('GET /api/cases/:caseId/evidence/:evidenceId', async ({ identity, params }) => {
    const { actor } = await access.caseFor(identity, params.caseId, ['customer', 'staff', 'admin', 'mediator']);
    const by = { userId: identity.user.id, role: actor };
    const { record, data } = await evidence.read(params.caseId, params.evidenceId, by);
    return { contentType: record.type, filename: record.name, data };
  });
}
