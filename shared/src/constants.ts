/**
 * Plain values of the contract, kept apart from the schemas that use them: the pages a borrower opens
 * first (the complaint form, the tracking page) need these, not zod and every schema, and a bundler
 * splits by module. Each is re-exported by the module of its domain, which builds its schemas from it.
 */

export const CASE_ROLES = ['customer', 'platform', 'mediator', 'observer', 'admin'] as const;

export const CASE_CATEGORIES = [
  'fees_and_charges',
  'contract_terms',
  'repayment_hardship',
  'unauthorized_or_fraud',
  'collection_conduct',
  'other',
] as const;

/**
 * The privacy notice the complaint form shows and the customer consents to (intake.ts).
 * A changed notice gets a new version, and a consent names the one it was given to.
 */
export const PRIVACY_NOTICE_VERSION = '2026-12-03-2';

/** Shortest appeal reason: one word is not a reason a reviewer can weigh. */
export const APPEAL_REASON_MIN = 20;

export const HARDSHIP_KINDS = ['job_loss', 'illness', 'accident', 'disaster', 'other'] as const;
export const HARDSHIP_DESCRIPTION_MIN = 10;
export const HARDSHIP_DESCRIPTION_MAX = 2000;
export const HARDSHIP_PROOFS_MAX = 10;

/** The longest survey comment. */
export const SURVEY_COMMENT_MAX = 1000;

export const QUESTION_MIN = 5;
export const QUESTION_MAX = 2000;
export const ANSWER_MIN = 1;
export const ANSWER_MAX = 2000;
