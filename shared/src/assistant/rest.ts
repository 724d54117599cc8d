import { z } from 'zod';
import { CaseLanguage, IsoDateTime } from '../ids';
import { FactSchema, Proposal } from './proposal-types';
import { DisputeType } from './types';

/**
 * The assistant where the mediator meets it (`/api/cases/:caseId/assistant…`): the complaint with
 * its facts and their spans, the classifier's reading, the first proposal and what the mediator did
 * with each of its clauses; and, for everyone in the room, which clauses of the agreement came from it.
 */

/** How many facts a corrected list may hold (a complaint reads far fewer). */
export const ASSISTANT_FACTS_MAX = 200;
/** The longest clause text the mediator may put into the agreement from the proposal. */
export const PROPOSAL_CLAUSE_MAX = 2000;

// eslint-disable-next-line no-control-regex -- rejecting control characters (but line ends and tabs) is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * `PUT /api/cases/:caseId/assistant/corrections`: the mediator's corrections as a whole (a later
 * one replaces it). `type: null` agrees with the model; `facts: null` takes the facts as read.
 * The server also checks each fact's span against the complaint's text.
 */
export const AssistantCorrectionsBody = z.strictObject({
  type: DisputeType.nullable(),
  facts: z.array(FactSchema).max(ASSISTANT_FACTS_MAX).nullable(),
});
export type AssistantCorrectionsBody = z.infer<typeof AssistantCorrectionsBody>;

export const ProposalAction = z.enum(['accepted', 'edited', 'dropped']);
export type ProposalAction = z.infer<typeof ProposalAction>;

/**
 * `POST /api/cases/:caseId/assistant/decisions`: the mediator accepts, edits or drops one clause of
 * the proposal. `text` is the edited clause, and only an edit carries one.
 */
export const ProposalDecisionBody = z
  .strictObject({
    itemId: z.string().min(1).max(100),
    action: ProposalAction,
    text: z
      .string()
      .normalize('NFC')
      .trim()
      .min(1, 'the clause is empty')
      .max(PROPOSAL_CLAUSE_MAX, `at most ${PROPOSAL_CLAUSE_MAX} characters`)
      .refine((s) => !CONTROL.test(s), 'no control characters')
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.action === 'edited' && b.text === undefined) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'an edited clause needs its text' });
    }
    if (b.action !== 'edited' && b.text !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'only an edited clause carries a text' });
    }
  });
export type ProposalDecisionBody = z.infer<typeof ProposalDecisionBody>;

/** One decision on a clause of the proposal, as the mediator's panel lists them. */
export const ProposalDecisionView = z.strictObject({
  seq: z.int().min(1),
  itemId: z.string(),
  action: ProposalAction,
  /** The agreement clause it became; null when dropped. */
  clauseId: z.string().nullable(),
  text: z.string(),
  by: z.string(),
  at: IsoDateTime,
});
export type ProposalDecisionView = z.infer<typeof ProposalDecisionView>;

/** Where in the complaint's text each part of the form begins and ends. */
export const ComplaintSection = z.strictObject({
  part: z.enum(['description', 'desiredOutcome']),
  start: z.int().min(0),
  end: z.int().min(0),
});

/** `GET /api/cases/:caseId/assistant`: the case's mediator and the centre's admins and reviewers only. */
export const AssistantView = z.strictObject({
  language: CaseLanguage,
  /** What the facts were read from (the description, a line end, the desired outcome): spans index into it. */
  complaint: z.strictObject({ text: z.string(), sections: z.array(ComplaintSection) }),
  /** Facts from the form's fields rather than the text (no span). */
  form: z.strictObject({ amountInDisputeCents: z.int().min(0) }),
  /** The facts the proposal uses: the mediator's list when corrected, each marked when it is not as read. */
  facts: z.array(z.strictObject({ fact: FactSchema, corrected: z.boolean() })),
  /** Whether the mediator replaced the list as read (a fact removed leaves no mark of its own). */
  factsCorrected: z.boolean(),
  /** How many facts were read from the text (before any correction). */
  factsRead: z.int().min(0),
  model: z.strictObject({
    type: DisputeType,
    probability: z.number().min(0).max(1),
    ranking: z.array(z.strictObject({ type: DisputeType, probability: z.number().min(0).max(1) })),
  }),
  correctedType: DisputeType.nullable(),
  /** The type the proposal is made for: the correction, else the model's. */
  type: DisputeType,
  corrections: z.strictObject({ by: z.string(), at: IsoDateTime }).nullable(),
  proposal: Proposal,
  decisions: z.array(ProposalDecisionView),
  /** Whether the viewer (the case's mediator) may correct and decide. */
  mayDecide: z.boolean(),
  /** Whether a clause can go into the agreement now (the session's phase, the lock, signing). */
  agreementOpen: z.boolean(),
});
export type AssistantView = z.infer<typeof AssistantView>;

/** What everyone in the room may know of a clause that came from the proposal. */
export const ClauseProvenance = z.strictObject({
  clauseId: z.string(),
  /** The proposal clause's heading, in the case's language. */
  heading: z.string(),
  action: z.enum(['accepted', 'edited']),
  /** The clause as it went in: a clause whose text now differs was changed in the agreement since. */
  text: z.string(),
  by: z.string(),
  at: IsoDateTime,
});
export type ClauseProvenance = z.infer<typeof ClauseProvenance>;

/** `GET /api/cases/:caseId/assistant/provenance`: any member of the case and staff who may see it. */
export const ProvenanceView = z.strictObject({ clauses: z.array(ClauseProvenance) });
export type ProvenanceView = z.infer<typeof ProvenanceView>;

/** `POST …/assistant/decisions` answers with the decision and, when it went into the agreement, the clause. */
export const ProposalDecisionResult = z.strictObject({ decision: ProposalDecisionView });
export type ProposalDecisionResult = z.infer<typeof ProposalDecisionResult>;
