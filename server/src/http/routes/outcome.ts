import { AccordError, type PublicKeyDocument } from '@accord/shared';
import type { AuthService } from '../../auth/service';
import type { SigningKey } from '../../outcome/keys';
import type { OutcomePdf } from '../../outcome/pdf';
import type { OutcomeService } from '../../outcome/service';
import type { RegisterRoute } from '../route';

/** The published verification key of outcome records (also at /.well-known/accord-outcome-key.json). */
export function publicKeyDocument(key: SigningKey): PublicKeyDocument {
  return { alg: 'Ed25519' as const, publicKey: key.publicKey, id: key.id, format: 'raw, base64url' };
}

export interface OutcomeRouteDeps {
  auth: AuthService;
  signingKey: SigningKey;
  outcome: OutcomeService;
  outcomePdf: OutcomePdf;
}

/** A case's sealed outcome record and the key that verifies it. */
export function outcomeRoutes(route: RegisterRoute, { auth, signingKey, outcome, outcomePdf }: OutcomeRouteDeps): void {
  route('GET /api/outcome/public-key', async () => publicKeyDocument(signingKey));

  route('GET /api/cases/:caseId/outcome', async ({ identity, params }) => {
    const principal = await auth.principalFor(identity, params.caseId, 'case.read');
    const sealed = await outcome.record(principal.caseId);
    if (!sealed)
      throw AccordError.because('NOT_FOUND', 'outcome.notSealed', 'no outcome has been sealed for this case');
    return sealed;
  });

  // The same record as a PDF, for the same people.
  route('GET /api/cases/:caseId/outcome/pdf', async ({ identity, params }) => {
    const principal = await auth.principalFor(identity, params.caseId, 'case.read');
    const sealed = await outcome.record(principal.caseId);
    if (!sealed)
      throw AccordError.because('NOT_FOUND', 'outcome.notSealed', 'no outcome has been sealed for this case');
    return {
      contentType: 'application/pdf',
      filename: outcomePdf.filename(sealed),
      data: await outcomePdf.render(sealed),
    };
  });
}
