import { z } from 'zod';
import { SettlementTerms } from '../documents';
import { type HardshipKind } from '../hardship';
import { CaseLanguage } from '../ids';
import { type LenderPlanPolicy } from '../repayment';
import { FEE_KINDS, type Fact } from './facts';
import { DisputeType } from './types';

/**
 * The contract of the assistant's first proposal: what `propose()` takes and gives, and the schema of
 * a fact as the mediator corrects it. The server, the room and `accord assist` share it.
 */

export const FactSpan = z.strictObject({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  text: z.string().max(500),
});

/** A fact as stored and as the mediator corrects it (the same shape `extractFacts` gives). */
export const FactSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('amount'),
    cents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    span: FactSpan,
  }),
  z.strictObject({ kind: z.literal('date'), date: z.iso.date(), span: FactSpan }),
  z.strictObject({
    kind: z.literal('rate'),
    period: z.enum(['annual', 'monthly', 'daily']),
    percent: z.number().min(0).max(10_000),
    span: FactSpan,
  }),
  z.strictObject({ kind: z.literal('fee'), fee: z.enum(FEE_KINDS), span: FactSpan }),
  z.strictObject({
    kind: z.literal('reference'),
    of: z.enum(['loan', 'contract']),
    value: z.string().min(1).max(100),
    span: FactSpan,
  }),
]);
// The schema and the extractor's type must stay one shape.
export type FactFromSchema = z.infer<typeof FactSchema>;
const sameShape: (f: Fact) => FactFromSchema = (f) => f;
void sameShape;

/** Where a reference rule comes from: the instrument, its issuer and the article, as a citation. */
export const RuleSource = z.strictObject({
  title: z.string(),
  issuer: z.string(),
  /** The article or section, as the instrument numbers it; null when the rule is the instrument's gist. */
  article: z.string().nullable(),
  year: z.number().int().nullable(),
  url: z.string().nullable(),
});
export type RuleSource = z.infer<typeof RuleSource>;

/** A rule the mediator may want to know applies, worded as reference, never as legal advice. */
export const ReferenceRule = z.strictObject({
  id: z.string(),
  summary: z.string(),
  source: RuleSource,
});
export type ReferenceRule = z.infer<typeof ReferenceRule>;

/** An amount the proposal computed, with how (in words) and the facts it came from. */
export const ProposedAmount = z.strictObject({
  label: z.string(),
  cents: z.number().int(),
  basis: z.string(),
  from: z.array(FactSpan),
});
export type ProposedAmount = z.infer<typeof ProposedAmount>;

/** One clause the mediator can accept, edit or drop. */
export const ProposalItem = z.strictObject({
  /** The template's id (stable across cases, e.g. `fees.refund`): what provenance names. */
  id: z.string(),
  templateVersion: z.number().int().min(1),
  heading: z.string(),
  /** The clause as it would enter the agreement, in the case's language. */
  text: z.string(),
  amounts: z.array(ProposedAmount),
  ruleIds: z.array(z.string()),
  /** Settlement terms it proposes (e.g. a repayment plan's keys); accepting it writes them too. */
  terms: SettlementTerms.partial().nullable(),
});
export type ProposalItem = z.infer<typeof ProposalItem>;

export const Proposal = z.strictObject({
  language: CaseLanguage,
  type: DisputeType,
  items: z.array(ProposalItem),
  rules: z.array(ReferenceRule),
  /** That this is a draft for the mediator, not legal advice, in the case's language. */
  disclaimer: z.string(),
});
export type Proposal = z.infer<typeof Proposal>;

export interface ProposalInput {
  language: CaseLanguage;
  type: DisputeType;
  facts: readonly Fact[];
  /** What the customer said is in dispute on the form. */
  amountInDisputeCents: number;
  hardship: { kind: HardshipKind; since: string | null } | null;
  /** The lender's repayment-plan limits, when set: a proposed plan stays inside them. */
  planPolicy: LenderPlanPolicy | null;
  /** The day the proposal is made (YYYY-MM-DD): dates it computes (a plan's start) count from it. */
  today: string;
}
