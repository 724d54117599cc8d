import { useEffect, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import {
  AgreementDoc,
  bodyHasText,
  readTermsMap,
  signoffProblems,
  type KeyTerm,
  type Participant,
  type SigningRole,
  type SignoffProblem,
} from '@accord/shared';

/**
 * What stands between the agreement on this device and a valid settlement, by the same rule the server
 * enforces when the room enters signing (shared/signoff-rules): kept current as the document changes.
 * Null until the document is there.
 */
export function useSignoffProblems(doc: Y.Doc | null, participants: readonly Participant[]): SignoffProblem[] | null {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!doc) return;
    const bump = () => setVersion((v) => v + 1);
    doc.on('update', bump);
    return () => doc.off('update', bump);
  }, [doc]);
  return useMemo(() => {
    if (!doc) return null;
    void version; // recomputed on every change of the document
    return signoffProblems({
      signers: participants,
      bodyHasText: bodyHasText(doc.getXmlFragment(AgreementDoc.body)),
      terms: readTermsMap(doc.getMap(AgreementDoc.terms)),
    });
  }, [doc, participants, version]);
}

/** The translation key of a problem (`signoff.*` in the locales). */
export function problemKey(
  p: SignoffProblem,
): 'signoff.empty_text' | `signoff.missing_signer_${SigningRole}` | `signoff.missing_term_${KeyTerm}` {
  if (p.kind === 'missing_signer') return `signoff.missing_signer_${p.role}`;
  if (p.kind === 'missing_term') return `signoff.missing_term_${p.term}`;
  return 'signoff.empty_text';
}
