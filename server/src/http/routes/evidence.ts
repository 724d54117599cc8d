import type { RequestHandler } from 'express';
import { AccordError, type Actor, type CaseRole, type EvidenceViewer, type PartySide } from '@accord/shared';
import { viewerSide, type CaseAccess } from '../../cases/access';
import type { EvidenceService } from '../../evidence/service';
import type { CaseRequest, RegisterRoute } from '../route';

export interface EvidenceRouteDeps {
  access: CaseAccess;
  evidence: EvidenceService;
  upload: RequestHandler;
}

/** A case's documents: listed, added, shared, downloaded (decrypted, hash checked, audited). */
const MEMBERS = ['platform', 'mediator'] as const;
const READERS: Actor[] = ['customer', 'staff', 'admin', 'mediator'];

/**
 * Which caucus a new item may be shown in from the start: a party its own side only (shown to the
 * mediator, not the other side); the mediator either side; nobody else (the centre's staff add
 * evidence shown to both, and the mediator decides what is shown in caucus).
 */
function caucusAllowed(side: EvidenceViewer, isMediator: boolean, caucus: PartySide): boolean {
  return isMediator || side === caucus;
}

/** The role recorded beside an item: the lender's side is "platform", whether staff or its representative. */
function uploaderRole(side: EvidenceViewer, actor: Actor | null, memberRole: CaseRole | null): string {
  if (side === 'lender') return 'platform';
  return actor ?? memberRole ?? 'member';
}

export function evidenceRoutes(route: RegisterRoute, { access, evidence, upload }: EvidenceRouteDeps): void {
  // The lender's representative and the mediator read the case's documents as members of its room
  // too, also when they came in by invite (the room shows the hardship declaration's proofs).
  // Every read goes through the viewer's side: caucus-only items of the other side are not there.
  route('GET /api/cases/:caseId/evidence', async ({ identity, params }) => {
    const { actor, memberRole } = await access.caseForMember(identity, params.caseId, READERS, MEMBERS);
    return evidence.list(params.caseId, viewerSide(identity, actor, memberRole));
  });

  route(
    'POST /api/cases/:caseId/evidence',
    async ({ identity, params, files, body, access: { actor, memberRole } }) => {
      const side = viewerSide(identity, actor, memberRole);
      const isMediator = actor === 'mediator' || memberRole === 'mediator';
      if (body.caucus !== undefined && !caucusAllowed(side, isMediator, body.caucus)) {
        throw AccordError.because(
          'FORBIDDEN',
          'evidence.caucusNotYours',
          'a party may show evidence in its own caucus only; the mediator decides any other caucus',
        );
      }
      if (files.length === 0)
        throw AccordError.because('VALIDATION_FAILED', 'evidence.none', 'attach at least one file as "evidence"');
      const name = side === 'customer' ? null : identity.user.displayName;
      const by = { userId: identity.user.id, role: uploaderRole(side, actor, memberRole), name };
      return evidence.add(params.caseId, files, by, { caucus: body.caucus });
    },
    {
      upload,
      access: ({ identity, params }: CaseRequest) => access.caseForMember(identity, params.caseId, READERS, MEMBERS),
    },
  );

  route('GET /api/cases/:caseId/evidence/:evidenceId', async ({ identity, params }) => {
    const { actor, memberRole } = await access.caseForMember(identity, params.caseId, READERS, MEMBERS);
    // Recorded as who read it: the account's standing, else the role in the room.
    const by = { userId: identity.user.id, role: actor ?? memberRole ?? 'member' };
    const viewer = viewerSide(identity, actor, memberRole);
    const { record, data } = await evidence.read(params.caseId, params.evidenceId, by, viewer);
    return { contentType: record.type, filename: record.name, data };
  });

  // The case's mediator only: what is shown in caucus is a decision of the session, as opening a caucus is.
  route(
    'PUT /api/cases/:caseId/evidence/:evidenceId/sharing',
    // The mediator is neutral and sees every item; NOT_FOUND only for one of another case.
    ({ identity, params, body }) =>
      evidence.share(params.caseId, params.evidenceId, body, { userId: identity.user.id, role: 'mediator' }),
    {
      access: async ({ identity, params }: CaseRequest) => {
        const { actor, memberRole } = await access.caseForMember(identity, params.caseId, READERS, MEMBERS);
        if (actor !== 'mediator' && memberRole !== 'mediator') {
          throw AccordError.because(
            'FORBIDDEN',
            'evidence.mediatorOnly',
            "the case's mediator decides who is shown evidence",
          );
        }
        return null;
      },
    },
  );
}
