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
const MEMBERS = ['platform', 'mediator'] as const;

export function evidenceRoutes(route: RegisterRoute, { access, evidence, upload }: EvidenceRouteDeps): void {
  // The lender's representative and the mediator read the case's documents as members of its room
  // too, also when they came in by invite (the room shows the hardship declaration's proofs).
  route('GET /api/cases/:caseId/evidence', async ({ identity, params }) => {
    await access.caseForMember(identity, params.caseId, ['customer', 'staff', 'admin', 'mediator'], MEMBERS);
    return evidence.list(params.caseId);
  });

  route(
    'POST /api/cases/:caseId/evidence',
    async ({ identity, params, files }) => {
      const { actor } = await access.caseFor(identity, params.caseId, ['customer', 'staff', 'admin']);
      if (files.length === 0)
        throw AccordError.because('VALIDATION_FAILED', 'evidence.none', 'attach at least one file as "evidence"');
      const name = actor === 'customer' ? null : identity.user.displayName;
      return evidence.add(params.caseId, files, { userId: identity.user.id, role: actor, name });
    },
    { upload },
  );

  route('GET /api/cases/:caseId/evidence/:evidenceId', async ({ identity, params }) => {
    const allowed = ['customer', 'staff', 'admin', 'mediator'] as const;
    const { actor, memberRole } = await access.caseForMember(identity, params.caseId, [...allowed], MEMBERS);
    // Recorded as who read it: the account's standing, else the role in the room.
    const by = { userId: identity.user.id, role: actor ?? memberRole ?? 'member' };
    const { record, data } = await evidence.read(params.caseId, params.evidenceId, by);
    return { contentType: record.type, filename: record.name, data };
  });
}
