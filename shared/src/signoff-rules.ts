import * as Y from 'yjs';
import type { SettlementTerms } from './documents';
import { PARTY_ROLES, type CaseRole, type PartyRole } from './roles';
import { termsPlan } from './repayment';

/**
 * The rules of a valid settlement, one function for the server (which enforces them when the room
 * enters signing, and again when it seals) and the mediator's page (which shows what is missing
 * before the mediator tries): a settlement is signed by every party role of the case (the customer
 * and the platform) and the mediator, over an agreement that says something, whose key terms are set
 * (the amount agreed, and for payment in instalments the first due date and the monthly amount) or
 * that says explicitly that nobody pays, and every clause of which both parties agreed to as it reads
 * now (see `negotiation.ts`). A proposed repayment plan stands in for the key terms once complete.
 */
export const SIGNING_ROLES = [...PARTY_ROLES, 'mediator'] as const satisfies readonly CaseRole[];
export type SigningRole = (typeof SIGNING_ROLES)[number];

export function isSigningRole(role: CaseRole): role is SigningRole {
  return (SIGNING_ROLES as readonly CaseRole[]).includes(role);
}

/** The key terms a settlement needs unless it says nobody pays. */
export const KEY_TERMS = ['amountAgreedCents', 'firstDueDate', 'monthlyAmountCents'] as const;
export type KeyTerm = (typeof KEY_TERMS)[number];

export type SignoffProblem =
  /** Nobody of this role would sign (removed, or never invited). */
  | { kind: 'missing_signer'; role: SigningRole }
  /** The agreement's text is empty (only spaces, or nothing). */
  | { kind: 'empty_text' }
  /** A key term is not set, and the agreement does not say that nobody pays. */
  | { kind: 'missing_term'; term: KeyTerm }
  /** A repayment plan is proposed but cannot be computed yet (an input is missing or out of range). */
  | { kind: 'plan_incomplete' }
  /** A clause that a party has not agreed to as it reads now (pending, or objected to). */
  | { kind: 'clause_not_agreed'; clause: number; roles: PartyRole[] };

export interface SignoffInput {
  /** The members who would sign (or did): their roles. */
  signers: readonly { role: CaseRole }[];
  /** Whether the agreement's body has any visible character. */
  bodyHasText: boolean;
  terms: SettlementTerms;
  /** Each clause with each party's consent to its current text (`clauseConsent` in negotiation.ts). */
  clauses: readonly { number: number; parties: Record<PartyRole, { state: string }> }[];
}

/** What stands between this agreement and a valid settlement; empty when nothing does. */
export function signoffProblems(input: SignoffInput): SignoffProblem[] {
  const problems: SignoffProblem[] = [];
  for (const role of SIGNING_ROLES) {
    if (!input.signers.some((s) => s.role === role)) problems.push({ kind: 'missing_signer', role });
  }
  if (!input.bodyHasText) problems.push({ kind: 'empty_text' });
  const t = input.terms;
  const plan = termsPlan(t);
  if (plan.state === 'incomplete') problems.push({ kind: 'plan_incomplete' });
  if (!t.noPayment && plan.state === 'none') {
    if (t.amountAgreedCents === null) problems.push({ kind: 'missing_term', term: 'amountAgreedCents' });
    if (t.instalments !== null && t.instalments > 1) {
      if (t.firstDueDate === null) problems.push({ kind: 'missing_term', term: 'firstDueDate' });
      if (t.monthlyAmountCents === null) problems.push({ kind: 'missing_term', term: 'monthlyAmountCents' });
    }
  }
  for (const c of input.clauses) {
    const roles = PARTY_ROLES.filter((r) => c.parties[r].state !== 'agreed');
    if (roles.length > 0) problems.push({ kind: 'clause_not_agreed', clause: c.number, roles });
  }
  return problems;
}

const TERM_WORDS: Record<KeyTerm, string> = {
  amountAgreedCents: 'the amount agreed',
  firstDueDate: 'the first due date',
  monthlyAmountCents: 'the monthly amount',
};

/** The problems in plain English, for an error message (pages show their own translation). */
export function describeSignoffProblems(problems: readonly SignoffProblem[]): string {
  return problems
    .map((p) =>
      p.kind === 'missing_signer'
        ? `no ${p.role} would sign`
        : p.kind === 'empty_text'
          ? 'the agreement has no text'
          : p.kind === 'plan_incomplete'
            ? 'the repayment plan is incomplete'
            : p.kind === 'clause_not_agreed'
              ? `clause ${p.clause} is not agreed by the ${p.roles.join(' and ')}`
              : `${TERM_WORDS[p.term]} is not set (or tick "no payment")`,
    )
    .join('; ');
}

/** Whether the agreement's body (the shared XML fragment) holds any character other than white space. */
export function bodyHasText(body: Y.XmlFragment | Y.XmlElement): boolean {
  for (const child of body.toArray()) {
    if (child instanceof Y.XmlText) {
      const delta = child.toDelta() as { insert: unknown }[];
      if (delta.some((d) => typeof d.insert === 'string' && /[^\s\p{Cf}]/u.test(d.insert))) return true;
    } else if (child instanceof Y.XmlElement && bodyHasText(child)) {
      return true;
    }
  }
  return false;
}

/** A name as compared for a signer's confirmation: NFKC, case-folded, without any white space. */
const comparable = (name: string) =>
  name
    .normalize('NFKC')
    .replace(/[\s\p{Z}]/gu, '')
    .toLowerCase();

/** Whether a typed confirmation names the same person as the identity's name (spacing and width aside). */
export function sameName(typed: string, identityName: string): boolean {
  const a = comparable(typed);
  return a.length > 0 && a === comparable(identityName);
}

/** The shortest reason a session ends without agreement with: a word or two says nothing a court can read. */
export const SEAL_REASON_MIN = 5;
