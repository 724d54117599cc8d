import type { AccountService } from '../auth/accounts';
import type { CaseService } from './service';

export interface DemoCase {
  caseId: string;
  caseNumber: string;
  invites: { customer: string; platform: string; mediator: string };
}

/**
 * A fee dispute as it typically reaches a mediation centre: a borrower repaid
 * early and contests the early-repayment fee and a "service fee" she says was
 * never explained. Written in Chinese, as the parties would, and conducted in Chinese.
 */
const DEMO = {
  title: '消费贷款提前还款违约金及服务费争议',
  summary:
    '申请人王女士于2025年3月通过某消费金融平台借款人民币30,000元，分12期还款。' +
    '2026年6月她提前结清全部欠款，平台收取提前还款违约金人民币800元，并在每期还款中收取“综合服务费”合计人民币480元。' +
    '王女士认为借款时平台未明确告知上述费用，要求退还违约金和服务费共计人民币1,280元。' +
    '平台认为费用已在电子合同第7条中约定。双方同意在调解中心组织下进行在线调解。',
  category: 'fees_and_charges' as const,
  amountInDisputeCents: 128_000,
  language: 'zh-CN' as const,
};

/** The lender the demo complaint is against: created the first time, found by its name after. */
export const DEMO_LENDER = '示例消费金融有限公司';

/** Creates the demo case (against the demo lender) with its three parties and returns their invite links. */
export async function createDemoCase(cases: CaseService, accounts: AccountService): Promise<DemoCase> {
  const lender =
    (await accounts.lenders()).find((l) => l.name === DEMO_LENDER) ?? (await accounts.createLender(null, DEMO_LENDER));
  const c = await cases.createCaseAsSystem(DEMO, lender.id);
  const invite = (role: 'customer' | 'platform' | 'mediator', displayName: string) =>
    cases.createInviteAsSystem(c.id, { role, displayName, expiresInHours: 24 * 30 });
  const customer = await invite('customer', '王女士');
  const platform = await invite('platform', '李华（平台客服）');
  const mediator = await invite('mediator', '张律师（调解员）');
  const invites = { customer: customer.url, platform: platform.url, mediator: mediator.url };

  return { caseId: c.id, caseNumber: c.number, invites };
}
