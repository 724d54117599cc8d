import * as Y from 'yjs';
import {
  AgreementDoc,
  OUTCOME_FORMAT,
  agreementFingerprint,
  canonicalAgreementText,
  canonicalJson,
  hashedClauses,
  readTermsMap,
  type CaseLanguage,
  type OutcomeRecord,
  type SealedOutcome,
} from '@accord/shared';
import { loadSigningKey } from '../../server/src/outcome/keys';
import { makeTempDir } from './server';

/**
 * Sealed records made directly, without a room: a settlement on a hardship repayment plan with the
 * format 3 fields (clause consent history, rounds, hardship), signed with a throwaway key exactly as
 * the server signs (Ed25519 over the record's canonical JSON). For rendering and verifying records
 * whatever the state of the negotiation services.
 */

const ids = {
  caseId: '00000000-0000-4000-8000-00000000c018',
  customer: '00000000-0000-4000-8000-0000000000a1',
  platform: '00000000-0000-4000-8000-0000000000a2',
  mediator: '00000000-0000-4000-8000-0000000000a3',
};

/** A borrower who lost her job: 等额本息 at 7.2 % over 6 months after 2 months' holiday, waivers. */
export const HARDSHIP_PLAN_TERMS = {
  amountInDisputeCents: 1_290_000,
  planKind: 'equal_instalment',
  planPrincipalCents: 1_200_000,
  planInterestCents: 60_000,
  planFeesCents: 30_000,
  planRateBp: 720,
  planHolidayMonths: 2,
  planStartDate: '2027-01-15',
  instalments: 6,
  firstDueDate: '2027-04-15',
  planWaiveInterestCents: 20_000,
  planWaiveFeesCents: 30_000,
} as const;

const BODY = {
  'zh-CN': ['因失业，申请人申请延期分期还款，平台方同意。', '平台方减免全部费用及部分利息。'],
  en: [
    'The customer lost her job; the platform agrees to a new repayment plan.',
    'The platform waives every fee and part of the interest.',
  ],
};

export interface SignedRecord {
  sealed: SealedOutcome;
  publicKey: string;
}

/** Signs with the key of a data dir (a test server's, so that its published key verifies), or a throwaway one. */
export function signRecord(record: OutcomeRecord, keyDir?: string): SignedRecord {
  const key = loadSigningKey(keyDir ?? makeTempDir('accord-record-key-'));
  const signed: OutcomeRecord = { ...record, key: { alg: 'Ed25519', publicKey: key.publicKey, id: key.id } };
  return { sealed: { record: signed, signature: key.sign(canonicalJson(signed)) }, publicKey: key.publicKey };
}

/** A settled format 3 record on the hardship plan, in the language given, signed. */
export async function hardshipPlanRecord(language: CaseLanguage, keyDir?: string): Promise<SignedRecord> {
  const doc = new Y.Doc();
  doc.getXmlFragment(AgreementDoc.body).insert(
    0,
    BODY[language].map((text) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      return p;
    }),
  );
  const terms = doc.getMap(AgreementDoc.terms);
  for (const [k, v] of Object.entries(HARDSHIP_PLAN_TERMS)) terms.set(k, v);
  const caseNumber = 'AC-2027-000018';
  const text = canonicalAgreementText(doc, caseNumber, language);
  const fingerprint = await agreementFingerprint(text);
  const clauses = await hashedClauses(doc, language);
  const [first, second, last] = clauses as [(typeof clauses)[0], (typeof clauses)[0], (typeof clauses)[0]];
  const earlier = 'e'.repeat(64);
  const names = { customer: '王**', platform: '李*', mediator: '张**' };
  // Minutes past 09:00 Beijing time on the day of the session.
  const at = (minute: number) => `2027-01-15T01:${String(minute).padStart(2, '0')}:00.000Z`;
  const record: OutcomeRecord = {
    format: OUTCOME_FORMAT,
    caseId: ids.caseId,
    caseNumber,
    title: language === 'en' ? 'Repayment after job loss' : '失业后的还款安排',
    language,
    parties: (['customer', 'platform', 'mediator'] as const).map((role) => ({
      userId: ids[role],
      role,
      name: names[role],
    })),
    outcome: { kind: 'settled', reason: null },
    agreement: { text, fingerprint, frozenAt: at(50) },
    terms: readTermsMap(terms),
    signatures: (['customer', 'platform', 'mediator'] as const).map((role, i) => ({
      userId: ids[role],
      role,
      name: names[role],
      signedAt: at(52 + i),
      fingerprint,
    })),
    transcript: { hash: 'c'.repeat(64), messages: 12 },
    audit: { headSeq: 40, headHash: 'd'.repeat(64) },
    clauses: [
      {
        number: first.number,
        id: first.id,
        hash: first.hash,
        proposedBy: { role: 'mediator', name: names.mediator },
        history: [
          { role: 'customer', name: names.customer, state: 'agreed', reason: '', at: at(10), hash: first.hash },
          { role: 'platform', name: names.platform, state: 'agreed', reason: '', at: at(11), hash: first.hash },
        ],
      },
      {
        number: second.number,
        id: second.id,
        hash: second.hash,
        proposedBy: { role: 'customer', name: names.customer },
        history: [
          {
            role: 'platform',
            name: names.platform,
            state: 'objected',
            reason: language === 'en' ? 'only half the interest' : '利息只能减免一半',
            at: at(20),
            hash: earlier,
          },
          { role: 'customer', name: names.customer, state: 'agreed', reason: '', at: at(25), hash: second.hash },
          { role: 'platform', name: names.platform, state: 'agreed', reason: '', at: at(26), hash: second.hash },
        ],
      },
      {
        number: last.number,
        id: last.id,
        hash: last.hash,
        proposedBy: null,
        history: [
          { role: 'customer', name: names.customer, state: 'agreed', reason: '', at: at(40), hash: last.hash },
          { role: 'platform', name: names.platform, state: 'agreed', reason: '', at: at(41), hash: last.hash },
        ],
      },
    ],
    rounds: [
      { n: 1, closedAt: at(21), fingerprint: '1'.repeat(64) },
      { n: 2, closedAt: at(45), fingerprint },
    ],
    hardship: {
      kind: 'job_loss',
      declaredAt: '2027-01-10T02:30:00.000Z',
      proofs: [
        { name: '解除劳动合同证明.pdf', sha256: 'f'.repeat(64) },
        { name: 'bank-statement.png', sha256: '0'.repeat(63) + '1' },
      ],
    },
    sealedAt: at(55),
    sealedBy: { userId: ids.mediator, role: 'mediator' },
    key: { alg: 'Ed25519', publicKey: '', id: '0'.repeat(64) },
  };
  return signRecord(record, keyDir);
}
