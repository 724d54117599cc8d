import { z } from 'zod';

/** What a complaint is mainly about; the classifier picks exactly one. */
export const DisputeType = z.enum([
  'fees_charges',
  'interest_cost',
  'collection_conduct',
  'credit_report',
  'fraud_identity',
  'hardship_repayment',
  'bundled_products',
  'other',
]);
export type DisputeType = z.infer<typeof DisputeType>;

export const DISPUTE_TYPE_DESCRIPTIONS: Record<DisputeType, string> = {
  fees_charges: 'Fees charged or deducted: service, handling, management, late or prepayment fees.',
  interest_cost: 'The interest rate or total cost of credit: APR, daily rates, penalty interest, compounding.',
  collection_conduct: 'How a debt is collected: harassing calls, threats, contacting family, employer or contacts.',
  credit_report:
    'What was reported to a credit bureau: wrong overdue records, unauthorised inquiries, unremoved marks.',
  fraud_identity: 'A loan or payment the complainant did not make: stolen identity, account takeover, scams.',
  hardship_repayment: 'Cannot repay as agreed (job loss, illness) and asks for deferral, reduction or a new plan.',
  bundled_products: 'Insurance, memberships or other products sold with the loan, often pre-selected or required.',
  other: 'Anything else: app faults, service access, refunds of overpayment, documents, account changes.',
};
