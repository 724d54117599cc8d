import type { PlanPolicyView } from '@accord/shared';
import type { Identity } from '../auth/service';
import type { LenderStore } from '../store/types';
import type { CaseAccess } from './access';

/**
 * The repayment-plan limits of a case's lender, for the room's terms panel: the case's members
 * (whatever their role) and staff who may see the case.
 */
export class PlanPolicies {
  // Aggregates: cases, members (through CaseAccess), lenders.
  constructor(
    private readonly store: LenderStore,
    private readonly access: CaseAccess,
  ) {}

  async forCase(identity: Identity, caseId: string): Promise<PlanPolicyView> {
    const { c } = await this.access.caseForMember(
      identity,
      caseId,
      ['customer', 'mediator', 'staff', 'admin'],
      ['customer', 'platform', 'mediator', 'observer', 'admin'],
    );
    const lender = c.lenderId === null ? null : await this.store.getLender(c.lenderId);
    return { lenderName: lender?.name ?? null, policy: lender?.planPolicy ?? null };
  }
}
