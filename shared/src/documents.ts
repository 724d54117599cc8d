import { z } from 'zod';
import { CaseId, Cents } from './ids';
import { PlanKind } from './plan-kind';

/**
 * Names of Yjs documents. The agreement of a case is named by the case id
 * alone. The notes shared in a caucus are `<caseId>/caucus-<party user id>`:
 * the mediator and that party read them always and write them while that
 * caucus is open. The mediator's own notebook is `<caseId>/mediator-notes`:
 * the case's mediator alone reads and writes it; no party ever receives it.
 */
export type DocumentRef =
  | { kind: 'agreement'; caseId: CaseId; name: string }
  | { kind: 'caucus-notes'; caseId: CaseId; partyUserId: string; name: string }
  | { kind: 'mediator-notes'; caseId: CaseId; name: string };

const MEDIATOR_NOTES = 'mediator-notes';

const CAUCUS_NOTES = /^caucus-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Parses a document name; returns null for anything that is not a known document. */
export function parseDocumentName(name: string): DocumentRef | null {
  const [head, suffix, ...rest] = name.split('/');
  if (rest.length > 0 || head === undefined || !CaseId.safeParse(head).success) return null;
  if (suffix === undefined) return { kind: 'agreement', caseId: head, name };
  if (suffix === MEDIATOR_NOTES) return { kind: 'mediator-notes', caseId: head, name };
  const party = CAUCUS_NOTES.exec(suffix)?.[1];
  return party ? { kind: 'caucus-notes', caseId: head, partyUserId: party, name } : null;
}

export function caucusNotesName(caseId: string, partyUserId: string): string {
  return `${caseId}/caucus-${partyUserId}`;
}

/** The mediator's private notebook of a case. */
export function mediatorNotesName(caseId: string): string {
  return `${caseId}/${MEDIATOR_NOTES}`;
}

/**
 * Shared types inside the agreement document. Clients and the server's
 * canonical-text renderer read these names; never rename them.
 */
export const AgreementDoc = {
  /** Y.XmlFragment holding the rich text (ProseMirror/TipTap schema). */
  body: 'body',
  /** Y.Map holding the structured settlement terms (see `SettlementTerms`). */
  terms: 'terms',
} as const;

/**
 * Keys of the `terms` Y.Map. Each value is stored as a plain JSON value under
 * its key, so concurrent edits of different fields merge field by field.
 */
export const SettlementTerms = z.object({
  amountInDisputeCents: Cents.nullable(),
  amountAgreedCents: Cents.nullable(),
  feesWaivedCents: Cents.nullable(),
  instalments: z.int().min(1).max(120).nullable(),
  firstDueDate: z.iso.date().nullable(),
  monthlyAmountCents: Cents.nullable(),
  /** An explicit clause that nobody pays anything (e.g. a fee explained and the complaint withdrawn). */
  noPayment: z.boolean(),
  conditions: z.string().max(4000),
  /**
   * A repayment plan (see `repayment.ts`), one key per input so that concurrent edits merge field by
   * field: the plan is proposed when `planKind` is set, and uses `instalments` and `firstDueDate` above.
   * Optional so that records sealed before plans existed still read (their terms lack these keys).
   */
  planKind: PlanKind.nullable().optional(),
  planPrincipalCents: Cents.nullable().optional(),
  planInterestCents: Cents.nullable().optional(),
  planFeesCents: Cents.nullable().optional(),
  /** The plan's nominal annual rate in basis points (1 200 = 12 %). */
  planRateBp: z.int().min(0).max(10_000).nullable().optional(),
  planHolidayMonths: z.int().min(0).max(36).nullable().optional(),
  /** When the plan starts: interest for its first month runs from it. */
  planStartDate: z.iso.date().nullable().optional(),
  planWaiveInterestCents: Cents.nullable().optional(),
  planWaiveFeesCents: Cents.nullable().optional(),
});
export type SettlementTerms = z.infer<typeof SettlementTerms>;
