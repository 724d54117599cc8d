export * from './errors';
export * from './roles';
export * from './ids';
export * from './documents';
export * from './phases';
export * from './channels';
export * from './rest';
export * from './names';
export * from './validate';
export * from './events/index';
export * from './canonical';
export * from './audit';
export * from './agreement-schema';
export * from './agreement-text';
export * from './settlement-format';
export * from './outcome';
export * from './outcome-pdf';
export * from './lifecycle';
export * from './intake';
export * from './evidence';
export * from './doc-requests';
export * from './rights';
export * from './routes';
export * from './signoff-rules';
export * from './pages';
export * from './recovery';
export * from './repayment';
export * from './hardship';
export * from './surveys';
export * from './questions';
export * from './dashboard';
export * from './assistant/facts';
export * from './assistant/types';
export * from './assistant/proposal-types';
export * from './assistant/rest';
export * from './assistant/dispute-type';
export { MODEL as DISPUTE_MODEL } from './assistant/model';
export * from './court';
export { propose } from './assistant/proposal';
export { complaintLanguage } from './assistant/proposal-facts';
export {
  RULES as PROPOSAL_RULES,
  RULE_IDS as PROPOSAL_RULE_IDS,
  referenceRule,
  type RuleId as ProposalRuleId,
} from './assistant/proposal-rules';
export { TEMPLATES as PROPOSAL_TEMPLATES, type TemplateId as ProposalTemplateId } from './assistant/proposal-templates';
