import type { LenderPlanPolicy } from '@accord/shared';

/** Lenders and the account-level audit trail (`auth/accounts.ts`): not tied to a case. */

/** An organisation complaints are filed against; its staff see its cases only. */
export interface LenderRecord {
  id: string;
  name: string;
  createdAt: string;
  /** The lender's limits on the repayment plans its representative agrees to (null: none set). */
  planPolicy: LenderPlanPolicy | null;
  /** Working days its staff have to answer a document request (null: the default). */
  documentDueDays: number | null;
}

/** One account-level action (created, changed, deactivated, password reset; lenders): not tied to a case. */
export interface AccountEventRecord {
  id: string;
  at: string;
  /** Who did it (null: the system, e.g. the first-start admin). */
  actorId: string | null;
  kind: string;
  /** The account or lender it was done to. */
  targetId: string;
  data: Record<string, unknown>;
}

export interface LenderStore {
  /** A new lender has no plan policy. */
  createLender(lender: Omit<LenderRecord, 'createdAt' | 'planPolicy' | 'documentDueDays'>): Promise<LenderRecord>;
  getLender(id: string): Promise<LenderRecord | null>;
  /** By name. */
  listLenders(): Promise<LenderRecord[]>;
  renameLender(id: string, name: string): Promise<LenderRecord | null>;
  /** Sets (or, with null, clears) the lender's plan policy; the lender as it now is, or null if there is none. */
  setLenderPlanPolicy(id: string, policy: LenderPlanPolicy | null): Promise<LenderRecord | null>;
  /** Sets (or, with null, clears) the working days to answer a document request; as `setLenderPlanPolicy`. */
  setLenderDocumentDueDays(id: string, days: number | null): Promise<LenderRecord | null>;
}

/** The account-level audit trail (a case's own actions are in its hash-chained audit log). */
export interface AccountEventStore {
  appendAccountEvent(event: AccountEventRecord): Promise<void>;
  /** Oldest first; of one account or lender, or all. */
  listAccountEvents(targetId?: string): Promise<AccountEventRecord[]>;
}
