import { useEffect, useMemo, useState } from 'react';
import type { TFunction } from 'i18next';
import type * as Y from 'yjs';
import {
  AgreementDoc,
  bodyHasText,
  readTermsMap,
  signoffProblems,
  type ClauseConsent,
  type Participant,
  type SignoffProblem,
} from '@accord/shared';

/**
 * What stands between the agreement on this device and a valid settlement, by the same rule the server
 * enforces when the room enters signing (shared/signoff-rules): kept current as the document and the
 * clauses' consent change. Null until the document and its clauses are there.
 */
export function useSignoffProblems(
  doc: Y.Doc | null,
  participants: readonly Participant[],
  clauses: readonly ClauseConsent[] | null,
): SignoffProblem[] | null {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!doc) return;
    const bump = () => setVersion((v) => v + 1);
    doc.on('update', bump);
    return () => doc.off('update', bump);
  }, [doc]);
  return useMemo(() => {
    if (!doc || !clauses) return null;
    void version; // recomputed on every change of the document
    return signoffProblems({
      signers: participants,
      bodyHasText: bodyHasText(doc.getXmlFragment(AgreementDoc.body)),
      terms: readTermsMap(doc.getMap(AgreementDoc.terms)),
      clauses,
    });
  }, [doc, participants, clauses, version]);
}

/** A stable key for a problem in a list. */
export function problemId(p: SignoffProblem): string {
  switch (p.kind) {
    case 'missing_signer':
      return `${p.kind}-${p.role}`;
    case 'missing_term':
      return `${p.kind}-${p.term}`;
    case 'clause_not_agreed':
      return `${p.kind}-${p.clause}`;
    default:
      return p.kind;
  }
}

/**
 * A problem in words (`signoff.*` in the locales). `termsClause` is the number of the clause holding
 * the settlement terms, which is named as such rather than by its number alone.
 */
export function problemText(t: TFunction, p: SignoffProblem, termsClause?: number): string {
  switch (p.kind) {
    case 'missing_signer':
      return t(`signoff.missing_signer_${p.role}`);
    case 'missing_term':
      return t(`signoff.missing_term_${p.term}`);
    case 'empty_text':
      return t('signoff.empty_text');
    case 'plan_incomplete':
      return t('signoff.plan_incomplete');
    case 'clause_not_agreed': {
      const who = p.roles.map((r) => t(`roles.${r}`)).join(t('signoff.and'));
      return p.clause === termsClause
        ? t('signoff.clause_not_agreed_terms', { clause: p.clause, who })
        : t('signoff.clause_not_agreed', { clause: p.clause, who });
    }
  }
}
