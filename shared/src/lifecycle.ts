import { z } from 'zod';

/**
 * The life of a case, from complaint to closing. Who may move it along each
 * arrow is in `CASE_TRANSITIONS`; the customer may withdraw from any open state.
 */
export const CaseLifecycle = z.enum([
  'submitted',
  'under_review',
  'info_requested',
  'accepted',
  'rejected',
  'mediator_assigned',
  'scheduled',
  'in_mediation',
  'settled',
  'not_settled',
  'withdrawn',
  'closed',
]);
export type CaseLifecycle = z.infer<typeof CaseLifecycle>;

export type Actor = 'customer' | 'staff' | 'admin' | 'mediator' | 'system';

export const CASE_TRANSITIONS: Readonly<Record<CaseLifecycle, Partial<Record<CaseLifecycle, readonly Actor[]>>>> = {
  submitted: { under_review: ['staff', 'admin'], withdrawn: ['customer'] },
  under_review: {
    info_requested: ['staff', 'admin'],
    accepted: ['staff', 'admin'],
    rejected: ['staff', 'admin'],
    withdrawn: ['customer'],
  },
  info_requested: { under_review: ['customer', 'staff', 'admin'], withdrawn: ['customer'] },
  // 'staff' here is a centre reviewer (a lender's staff never assign: CaseAccess.centreCaseFor).
  accepted: { mediator_assigned: ['staff', 'admin'], withdrawn: ['customer'] },
  // Once, with a reason (RecoveryService.appeal): the complaint is reviewed again.
  rejected: { closed: ['staff', 'admin', 'system'], under_review: ['customer'] },
  mediator_assigned: { scheduled: ['mediator', 'staff', 'admin'], withdrawn: ['customer'] },
  scheduled: { scheduled: ['mediator', 'staff', 'admin'], in_mediation: ['system'], withdrawn: ['customer'] },
  in_mediation: { settled: ['system'], not_settled: ['system'], withdrawn: ['customer', 'system'] },
  settled: { closed: ['staff', 'admin', 'system'] },
  not_settled: { closed: ['staff', 'admin', 'system'] },
  withdrawn: { closed: ['staff', 'admin', 'system'] },
  closed: {},
};

export function mayMoveCase(from: CaseLifecycle, to: CaseLifecycle, actor: Actor): boolean {
  return CASE_TRANSITIONS[from][to]?.includes(actor) ?? false;
}

/** Open states: the case is still being handled (a customer can withdraw). */
export const OPEN_STATES: readonly CaseLifecycle[] = [
  'submitted',
  'under_review',
  'info_requested',
  'accepted',
  'mediator_assigned',
  'scheduled',
  'in_mediation',
];
