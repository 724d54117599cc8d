import {
  PARTY_ROLES,
  TERMS_CLAUSE_ID,
  clauseAuthor,
  clauseConsent,
  type AgreementClause,
  type ClauseConsent,
  type ConsentEntry,
  type ConsentState,
  type DocAuthor,
  type PartyConsent,
  type PartyRole,
} from '@accord/shared';

/** A clause as `hashedClauses` gives it. */
export type HashedClause = AgreementClause & { hash: string };

/** One clause as the consent panel shows it. */
export interface ClauseRow {
  id: string;
  number: number;
  kind: 'text' | 'terms';
  hash: string;
  /** The start of the clause's text, on one line. */
  excerpt: string;
  /** Who wrote the clause's block (null for the terms, or when the server does not know the writer). */
  author: Pick<DocAuthor, 'role' | 'displayName'> | null;
  parties: Record<PartyRole, PartyConsent>;
  agreed: boolean;
  /** The parties whose consent an edit has reset, with what they had said to the earlier text. */
  reset: { role: PartyRole; was: ConsentState }[];
}

const EXCERPT_MAX = 120;

/**
 * A clause's text shortened for the list: whitespace collapsed to single spaces, at most `max`
 * characters (by code point, so no emoji or CJK character is cut in half), an ellipsis when cut.
 */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const chars = [...flat];
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * The consent panel's rows: the clauses of the draft on this device, each with who proposed it and
 * each party's state by `clauseConsent` (a consent counts for the text it named, so an edit makes the
 * clause pending again and says whose consent it reset). With no state from the server yet, every
 * clause is pending.
 */
export function consentRows(
  clauses: readonly HashedClause[],
  entries: readonly ConsentEntry[],
  authors: readonly DocAuthor[],
): ClauseRow[] {
  const consent = clauseConsent(clauses, entries);
  return clauses.map((c, i) => {
    const state = consent[i] as ClauseConsent;
    const author = c.id === TERMS_CLAUSE_ID ? null : clauseAuthor(c.client, authors);
    // The terms clause's first line is its heading ("2. Settlement terms"): the panel names it itself.
    const body = c.kind === 'terms' ? c.text.split('\n').slice(1).join(' ') : c.text;
    return {
      id: c.id,
      number: c.number,
      kind: c.kind,
      hash: c.hash,
      excerpt: excerpt(body),
      author: author ? { role: author.role, displayName: author.displayName } : null,
      parties: state.parties,
      agreed: state.agreed,
      reset: PARTY_ROLES.flatMap((role) => {
        const p = state.parties[role];
        if (p.state !== 'pending' || !p.reset) return [];
        const last = entries
          .filter((e) => e.clauseId === c.id && e.role === role)
          .reduce<ConsentEntry | null>((a, e) => (a === null || e.seq > a.seq ? e : a), null);
        return last ? [{ role, was: last.state }] : [];
      }),
    };
  });
}

/** How many clauses still wait for both parties' agreement. */
export function clausesLeft(rows: readonly Pick<ClauseRow, 'agreed'>[]): number {
  return rows.filter((r) => !r.agreed).length;
}
