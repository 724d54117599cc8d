import type { SealedOutcome } from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { AttemptLimiter } from '../auth/attempts';
import type { TokenSigner } from '../auth/tokens';
import type { DataCipher } from '../evidence/cipher';
import type { EvidenceService } from '../evidence/service';
import type { Bus } from '../scale/bus';
import type { AuditRecord, Store } from '../store/types';
import { CaseAccess } from './access';
import { HardshipService } from './hardship';
import { IntakeService } from './intake';
import { PiiVault } from './pii';
import { PlanPolicies } from './plan-policy';
import { RecordsService } from './records';
import { ReviewService } from './review';
import { SchedulingService } from './scheduling';
import { TrackingService } from './tracking';
import { CaseTransitions, type LifecycleEffects } from './transitions';

/** A case from complaint to closing, one service per job; each takes only what it uses. */
export interface CaseFlow {
  access: CaseAccess;
  transitions: CaseTransitions;
  intake: IntakeService;
  tracking: TrackingService;
  review: ReviewService;
  scheduling: SchedulingService;
  records: RecordsService;
  /** The customer's hardship declaration. */
  hardship: HardshipService;
  /** The repayment-plan limits of a case's lender. */
  planPolicies: PlanPolicies;
}

export interface CaseFlowDeps {
  store: Store;
  tokens: TokenSigner;
  cipher: DataCipher;
  evidence: EvidenceService;
  audit: AuditLog;
  bus: Bus;
  /** Wrong tracking PINs. */
  pinAttempts: AttemptLimiter;
  publicUrl: () => string;
  effects: LifecycleEffects;
  /** The case's sealed record, checked against the seal (OutcomeService.record): the export never carries an edited one. */
  sealedRecord: (caseId: string) => Promise<SealedOutcome | null>;
  /** A hardship was declared or changed (its audit entry): the room's activity feed shows it. */
  hardshipRecorded: (entry: AuditRecord) => void;
}

export function createCaseFlow(d: CaseFlowDeps): CaseFlow {
  const access = new CaseAccess(d.store);
  const pii = new PiiVault(d.store, d.cipher);
  const transitions = new CaseTransitions(d.store, access, d.audit, d.effects);
  const hardship = new HardshipService(d.store, access, d.audit, {
    recorded: (entry) => {
      d.hardshipRecorded(entry);
      // Staff watching the case read its history, and the declaration with it, again.
      transitions.historyChanged(entry.caseId);
    },
  });
  return {
    access,
    transitions,
    intake: new IntakeService(d.store, d.tokens, pii, d.evidence, transitions, d.publicUrl),
    tracking: new TrackingService(d.store, d.tokens, access, d.bus, d.pinAttempts),
    review: new ReviewService(d.store, access, pii, d.evidence, transitions, d.audit),
    scheduling: new SchedulingService(d.store, access, transitions, d.tokens, d.bus, d.audit, d.publicUrl),
    records: new RecordsService(d.store, access, pii, d.evidence, transitions, d.audit, d.sealedRecord, hardship),
    hardship,
    planPolicies: new PlanPolicies(d.store, access),
  };
}
