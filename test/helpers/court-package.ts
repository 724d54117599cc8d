import { expect } from 'vitest';
import {
  canonicalJson,
  type CaseLanguage,
  type IntakeResult,
  type OutcomeRecord,
  type SealedOutcome,
} from '@accord/shared';
import { complaint, form, pdf, png } from './files';
import { httpClient } from './http';
import { hardshipPlanRecord, signRecord } from './sealed-records';
import type { TestServer } from './server';

export const PASSWORD = 'correct horse battery';
export const ORGANISATION = '北京市朝阳区金融纠纷人民调解委员会';
export type CourtWho = 'admin' | 'reviewer' | 'mediator' | 'lender' | 'otherLender';
export const USERNAMES: Record<CourtWho, string> = {
  admin: 'court.admin',
  reviewer: 'court.reviewer',
  mediator: 'court.mediator',
  lender: 'court.lender',
  otherLender: 'court.otherlender',
};

export interface CourtWorld {
  tokens: Record<CourtWho, string>;
  ids: Record<CourtWho, string>;
  lenderId: string;
  /** A complaint filed (with two evidence files), accepted with the lender's staff and given the mediator. */
  fileCase: () => Promise<{ caseId: string; customer: string; trackingUrl: string; pin: string }>;
  /**
   * The sealed-record helper's settlement made this case's (its id, number and signers), signed with the
   * server's key and stored as the case's sealed record; the case moved to its concluded status.
   */
  seal: (
    caseId: string,
    language?: CaseLanguage,
    kind?: 'settled' | 'not_settled',
  ) => Promise<{ sealed: SealedOutcome; publicKey: string }>;
}

/** Staff (an admin, a reviewer, a mediator of a named organisation, two lenders' staff) on a test server. */
export async function courtWorld(t: TestServer): Promise<CourtWorld> {
  const call = httpClient(() => t.url);
  const lenderId = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
  const other = (await t.server.accounts.createLender(null, '乙银行')).id;
  const roles: Record<CourtWho, ['admin' | 'reviewer' | 'mediator' | 'platform', string | undefined, string]> = {
    admin: ['admin', undefined, '管理员'],
    reviewer: ['reviewer', undefined, '审核员'],
    mediator: ['mediator', undefined, '张调解'],
    lender: ['platform', lenderId, '李华'],
    otherLender: ['platform', other, '赵乙'],
  };
  const tokens = {} as Record<CourtWho, string>;
  const ids = {} as Record<CourtWho, string>;
  for (const [who, [staffRole, lender, displayName]] of Object.entries(roles) as [
    CourtWho,
    (typeof roles)[CourtWho],
  ][]) {
    const user = await t.server.cases.createStaff(null, {
      username: USERNAMES[who],
      displayName,
      staffRole,
      password: PASSWORD,
      ...(lender ? { lenderId: lender } : {}),
    });
    ids[who] = user.id;
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      username: USERNAMES[who],
      password: PASSWORD,
    });
    tokens[who] = login.body.token;
  }
  const profile = { userId: ids.mediator, organisation: ORGANISATION, languages: ['zh-CN'], specialities: [] };
  expect((await call('PUT', '/api/mediators', tokens.admin, profile)).status).toBe(204);

  return {
    tokens,
    ids,
    lenderId,
    fileCase: async () => {
      const filed = await call<IntakeResult>(
        'POST',
        '/api/intake',
        undefined,
        form(complaint({ lenderId }), [
          { name: '借款合同.pdf', data: pdf('Loan contract HT-2025-0042') },
          { name: 'repayment, receipt.png', data: png },
        ]),
      );
      expect(filed.status).toBe(201);
      const caseId = filed.body.caseId;
      const signIn = await call<{ token: string }>(
        'POST',
        `/api/track/${filed.body.trackingUrl.split('/track/')[1]}/sign-in`,
        undefined,
        { pin: filed.body.pin },
      );
      const review = `/api/cases/${caseId}/review`;
      expect((await call('POST', review, tokens.reviewer, { decision: 'start' })).status).toBe(200);
      const accept = { decision: 'accept', platformUserId: ids.lender };
      expect((await call('POST', review, tokens.reviewer, accept)).status).toBe(200);
      const assign = { mediatorUserId: ids.mediator };
      expect((await call('POST', `/api/cases/${caseId}/assign`, tokens.admin, assign)).status).toBe(200);
      return { caseId, customer: signIn.body.token, trackingUrl: filed.body.trackingUrl, pin: filed.body.pin };
    },
    seal: async (caseId, language = 'zh-CN', kind = 'settled') => {
      const c = await t.server.store.getCase(caseId);
      const members = await t.server.store.listMembers(caseId);
      const userOf = (role: string) => members.find((m) => m.role === role)?.userId ?? '';
      const { sealed: base } = await hardshipPlanRecord(language, t.dataDir);
      const record: OutcomeRecord = {
        ...base.record,
        caseId,
        caseNumber: c?.number ?? '',
        parties: base.record.parties.map((p) => ({ ...p, userId: userOf(p.role) })),
        signatures: base.record.signatures.map((s) => ({ ...s, userId: userOf(s.role) })),
        outcome: kind === 'settled' ? base.record.outcome : { kind, reason: 'no agreement' },
        sealedBy: { userId: userOf('mediator'), role: 'mediator' },
      };
      const { sealed, publicKey } = signRecord(record, t.dataDir);
      await t.server.store.saveOutcome({
        caseId,
        record: canonicalJson(sealed.record),
        signature: sealed.signature,
        sealedAt: sealed.record.sealedAt,
      });
      // Where a room's seal leaves the case (no room was held here: the status is set as it would be).
      await t.server.store.updateCase(caseId, { status: kind });
      return { sealed, publicKey };
    },
  };
}
