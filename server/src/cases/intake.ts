import { createHash } from 'node:crypto';
import { createGuest } from './guest';
import { newId, urlSecret } from '../lib/ids';
import {
  AccordError,
  DISPUTE_MODEL,
  classifyComplaint,
  type CaseCategory,
  type CaseLanguage,
  type IntakeBody,
  type IntakeResult,
} from '@accord/shared';
import type { TokenSigner } from '../auth/tokens';
import type { EvidenceService, Upload } from '../evidence/service';
import type { AssistantStore, UserStore, CaseStore, LenderStore, MemberStore } from '../store/types';
import type { PiiVault } from './pii';
import type { CaseTransitions } from './transitions';

/** A case's title names its kind in the case's language: it is printed on the sealed record. */
const CATEGORY_TITLE: Record<CaseLanguage, Record<CaseCategory, string>> = {
  'zh-CN': {
    fees_and_charges: '费用争议',
    contract_terms: '合同条款争议',
    repayment_hardship: '还款困难',
    unauthorized_or_fraud: '未授权交易或欺诈',
    collection_conduct: '催收行为',
    other: '投诉',
  },
  en: {
    fees_and_charges: 'Fees and charges',
    contract_terms: 'Contract terms',
    repayment_hardship: 'Repayment hardship',
    unauthorized_or_fraud: 'Unauthorized transaction or fraud',
    collection_conduct: 'Collection conduct',
    other: 'Complaint',
  },
};

/** The committed model's fingerprint: a case read by an earlier model says so. */
export const MODEL_VERSION = createHash('sha256').update(JSON.stringify(DISPUTE_MODEL)).digest('hex').slice(0, 12);

/** The public complaint form: a guest customer, their case, encrypted personal data, evidence. */
export class IntakeService {
  // Aggregates: users, cases, members, the assistant's reading (and the PII blob, evidence, audit through their services).
  constructor(
    private readonly store: UserStore & CaseStore & MemberStore & LenderStore & AssistantStore,
    private readonly tokens: TokenSigner,
    private readonly pii: PiiVault,
    private readonly evidence: EvidenceService,
    private readonly transitions: CaseTransitions,
    private readonly publicUrl: () => string,
  ) {}

  /** Files a complaint; the answer holds the tracking link and its PIN, shown once. */
  async intake(body: IntakeBody, files: readonly Upload[]): Promise<IntakeResult> {
    this.evidence.check(files, 0);
    if (!(await this.store.getLender(body.lenderId))) {
      throw AccordError.because('VALIDATION_FAILED', 'accounts.noSuchLender', 'no such lender');
    }
    const customerId = await createGuest(this.store, body.name);
    const trackingId = urlSecret(24);
    const { pin, hash } = this.tokens.newPin(trackingId);
    const c = await this.store.createCase({
      id: newId(),
      title: `${CATEGORY_TITLE[body.language][body.category]} — ${body.contractNumber}`,
      summary: body.description,
      category: body.category,
      amountInDisputeCents: body.amountInDisputeCents,
      desiredOutcome: body.desiredOutcome,
      language: body.language,
      status: 'submitted',
      lenderId: body.lenderId,
      customerId,
      tracking: { id: trackingId, pinHash: hash, revokedAt: null },
    });
    await this.store.putMember({ caseId: c.id, userId: customerId, role: 'customer', displayName: body.name });
    // The consent is the case's first audit entry: recorded before anything sensitive is kept.
    await this.transitions.consent(c.id, customerId, {
      privacyNotice: body.privacyNotice,
      sensitiveConsent: body.sensitiveConsent,
    });
    await this.pii.write(c.id, {
      name: body.name,
      phone: body.phone,
      nationalId: body.nationalId,
      contractNumber: body.contractNumber,
      email: body.email ?? null,
    });
    if (files.length > 0) await this.evidence.add(c.id, files, { userId: customerId, role: 'customer', name: null });
    // The dispute type is read once, from what the customer wrote, by the same shared code as `accord assist`;
    // the mediator can correct it later.
    const kind = classifyComplaint(`${body.description}\n${body.desiredOutcome}`);
    await this.store.putClassification({
      caseId: c.id,
      modelType: kind.type,
      modelProbability: kind.probability,
      modelVersion: MODEL_VERSION,
      at: new Date().toISOString(),
    });
    await this.transitions.record(c.id, customerId, 'submitted', 'submitted', 'customer', null);
    return { caseId: c.id, caseNumber: c.number, trackingUrl: `${this.publicUrl()}/track/${trackingId}`, pin };
  }
}
