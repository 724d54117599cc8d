import type { CaseLanguage } from '../ids';
import type { ReferenceRule } from './proposal-types';

/**
 * The reference rules a first proposal may cite: a small curated list, each with its source. Articles
 * are given only where the article's text was checked; otherwise the instrument is cited as a whole
 * (`article: null`). Worded as reference for the mediator, never as legal advice: whether a rule applies
 * to a given lender (a licensed bank or consumer-finance company, a platform, a private lender) is for
 * the parties and, in the end, a court to say.
 */

type Text = Record<CaseLanguage, string>;

interface RuleData {
  summary: Text;
  title: Text;
  issuer: Text;
  article: Text | null;
  year: number | null;
  url: string | null;
}

const NPC_SC: Text = {
  'zh-CN': '全国人民代表大会常务委员会',
  en: 'Standing Committee of the National People’s Congress',
};

export const RULES = {
  'mediation.binding': {
    summary: {
      'zh-CN':
        '经人民调解委员会调解达成的调解协议具有法律约束力，当事人应当按照约定履行；调解协议书可以载明当事人的基本情况、纠纷的主要事实和争议事项、协议内容及履行的方式和期限。',
      en: 'A mediation agreement reached through a people’s mediation committee is legally binding and the parties must perform it as agreed; the written agreement may state the parties, the facts and matters in dispute, what was agreed, and how and by when it is performed.',
    },
    title: { 'zh-CN': '中华人民共和国人民调解法', en: 'People’s Mediation Law of the PRC (人民调解法)' },
    issuer: NPC_SC,
    article: { 'zh-CN': '第二十九条、第三十一条', en: 'Articles 29 and 31' },
    year: 2010,
    url: null,
  },
  'mediation.judicial_confirmation': {
    summary: {
      'zh-CN':
        '调解协议生效后，双方当事人认为有必要的，可以自协议生效之日起三十日内共同向人民法院申请司法确认；经确认有效的，一方不履行时对方可以申请强制执行。',
      en: 'Once the mediation agreement takes effect, the parties may, if they see the need, jointly apply to a people’s court within 30 days for judicial confirmation; a confirmed agreement can be enforced by the court if a party does not perform it.',
    },
    title: { 'zh-CN': '中华人民共和国人民调解法', en: 'People’s Mediation Law of the PRC (人民调解法)' },
    issuer: NPC_SC,
    article: { 'zh-CN': '第三十三条', en: 'Article 33' },
    year: 2010,
    url: null,
  },
  'consumer.right_to_know': {
    summary: {
      'zh-CN':
        '消费者有权知悉其接受的服务的真实情况，有权要求经营者说明服务的内容、规格和费用等有关情况；有权获得价格合理等公平交易条件。',
      en: 'Consumers have the right to know the true facts of a service, including its content and fees, and to fair trading terms such as reasonable prices.',
    },
    title: {
      'zh-CN': '中华人民共和国消费者权益保护法',
      en: 'Law of the PRC on the Protection of Consumer Rights and Interests (消费者权益保护法)',
    },
    issuer: NPC_SC,
    article: { 'zh-CN': '第八条、第十条', en: 'Articles 8 and 10' },
    year: 2013,
    url: null,
  },
  'consumer.free_choice': {
    summary: {
      'zh-CN':
        '消费者有权自主决定购买或者不购买任何一种商品、接受或者不接受任何一项服务，有权拒绝经营者的强制交易行为。',
      en: 'Consumers decide for themselves whether to buy a product or accept a service, and may refuse any compelled transaction.',
    },
    title: {
      'zh-CN': '中华人民共和国消费者权益保护法',
      en: 'Law of the PRC on the Protection of Consumer Rights and Interests (消费者权益保护法)',
    },
    issuer: NPC_SC,
    article: { 'zh-CN': '第九条、第十条', en: 'Articles 9 and 10' },
    year: 2013,
    url: null,
  },
  'consumer.dignity_privacy': {
    summary: {
      'zh-CN': '消费者接受服务时，享有人格尊严得到尊重、个人信息依法得到保护的权利。',
      en: 'Consumers have the right to have their personal dignity respected and their personal information protected by law.',
    },
    title: {
      'zh-CN': '中华人民共和国消费者权益保护法',
      en: 'Law of the PRC on the Protection of Consumer Rights and Interests (消费者权益保护法)',
    },
    issuer: NPC_SC,
    article: { 'zh-CN': '第十四条', en: 'Article 14' },
    year: 2013,
    url: null,
  },
  'privacy.pipl': {
    summary: {
      'zh-CN':
        '任何组织、个人不得非法收集、使用、加工、传输他人个人信息，不得非法提供或者公开他人个人信息；向借款人以外的第三方透露其债务情况，需有法律依据。',
      en: 'No organisation or person may unlawfully collect, use, process or transmit another’s personal information, or unlawfully provide or disclose it; telling third parties about a borrower’s debt needs a legal basis.',
    },
    title: {
      'zh-CN': '中华人民共和国个人信息保护法',
      en: 'Personal Information Protection Law of the PRC (个人信息保护法)',
    },
    issuer: NPC_SC,
    article: { 'zh-CN': '第十条', en: 'Article 10' },
    year: 2021,
    url: null,
  },
  'collection.conduct': {
    summary: {
      'zh-CN':
        '互联网金融行业的催收自律规范要求催收不得使用暴力、威胁、侮辱等手段，不得骚扰与债务无关的第三人，并对催收的时间、频率和方式作出约束。',
      en: 'The internet-finance industry’s self-regulatory rules on collection forbid violence, threats and insults, forbid harassing third parties unconnected with the debt, and restrain the times, frequency and means of contact.',
    },
    title: {
      'zh-CN': '互联网金融逾期债务催收自律公约（试行）',
      en: 'Self-Regulatory Convention on the Collection of Overdue Internet-Finance Debts (Trial) (互联网金融逾期债务催收自律公约（试行）)',
    },
    issuer: { 'zh-CN': '中国互联网金融协会', en: 'National Internet Finance Association of China' },
    article: null,
    year: 2018,
    url: null,
  },
  'credit.objection': {
    summary: {
      'zh-CN':
        '信息主体认为征信信息存在错误、遗漏的，有权向征信机构或者信息提供者提出异议、要求更正；收到异议后应作出异议标注，自收到之日起20日内核查处理并书面答复；确有错误、遗漏的，应当予以更正。',
      en: 'A person who believes credit information about them is wrong or incomplete may object to the credit bureau or to the lender that supplied it and ask for a correction; the objection is marked, checked and answered in writing within 20 days of receipt, and wrong or missing information is corrected.',
    },
    title: {
      'zh-CN': '征信业管理条例',
      en: 'Regulation on the Administration of the Credit Reporting Industry (征信业管理条例)',
    },
    issuer: { 'zh-CN': '国务院', en: 'State Council' },
    article: { 'zh-CN': '第二十五条', en: 'Article 25' },
    year: 2013,
    url: null,
  },
  'lending.court_cap': {
    summary: {
      'zh-CN':
        '民间借贷中，约定的利率超过合同成立时一年期贷款市场报价利率（LPR）四倍的部分，人民法院不予支持；逾期利率亦以该四倍为限。该规定适用于民间借贷，经金融监管部门批准设立的金融机构发放贷款引发的纠纷不适用，可作参照。',
      en: 'In private lending, courts do not uphold interest above four times the one-year Loan Prime Rate (LPR) at the time the contract was made; overdue interest is capped at the same level. The provisions govern private lending; loans by licensed financial institutions are outside them, though they are often taken as a point of comparison.',
    },
    title: {
      'zh-CN': '最高人民法院关于审理民间借贷案件适用法律若干问题的规定（2020年第二次修正）',
      en: 'Provisions of the Supreme People’s Court on Several Issues concerning the Application of Law in the Trial of Private Lending Cases (2020 second revision) (最高人民法院关于审理民间借贷案件适用法律若干问题的规定)',
    },
    issuer: { 'zh-CN': '最高人民法院', en: 'Supreme People’s Court' },
    article: { 'zh-CN': '第二十五条、第二十八条', en: 'Articles 25 and 28' },
    year: 2020,
    url: null,
  },
  'cost.comprehensive': {
    summary: {
      'zh-CN':
        '金融监管部门要求放贷机构以年化形式明示借款的综合成本（利息与各项费用合计，按借款人实际占用资金计算），并期望消费贷款的综合年化成本不超过24%；超过36%的属于高成本借贷。此为对机构的监管要求，不直接决定合同条款的效力。',
      en: 'Financial regulators require lenders to state the comprehensive cost of a loan (interest and all fees together, on the funds the borrower actually uses) as an annual rate, and expect the comprehensive annualised cost of consumer loans not to exceed 24 %; above 36 % counts as high-cost lending. These are supervisory expectations of lenders; they do not by themselves decide whether a contract term is valid.',
    },
    title: {
      'zh-CN': '金融监管部门关于消费信贷综合年化成本的监管要求（窗口指导，未以单一规章公开发布）',
      en: 'Financial regulators’ supervisory guidance on the comprehensive annualised cost of consumer credit (window guidance, not published as a single regulation)',
    },
    issuer: { 'zh-CN': '金融监管部门', en: 'Financial regulators' },
    article: null,
    year: null,
    url: null,
  },
  'cost.cash_loan_notice': {
    summary: {
      'zh-CN':
        '以利率和各种费用形式对借款人收取的综合资金成本应当统一折算为年化形式；不得从借贷本金中先行扣除利息、手续费、管理费、保证金等（“砍头息”），不得以暴力、恐吓、侮辱、骚扰等方式催收。',
      en: 'The comprehensive cost charged as interest and fees is to be stated as an annual rate; interest, handling, management fees or deposits may not be deducted from the principal up front, and debts may not be collected by violence, intimidation, insult or harassment.',
    },
    title: {
      'zh-CN': '关于规范整顿“现金贷”业务的通知（整治办函〔2017〕141号）',
      en: 'Notice on Regulating and Rectifying “Cash Loan” Business (Zhengzhiban Han [2017] No. 141) (关于规范整顿“现金贷”业务的通知)',
    },
    issuer: {
      'zh-CN': '互联网金融风险专项整治工作领导小组办公室、P2P网络借贷风险专项整治工作领导小组办公室',
      en: 'Offices of the Leading Groups for the Special Rectification of Internet-Finance Risks and of P2P Lending Risks',
    },
    article: null,
    year: 2017,
    url: null,
  },
  'contract.unauthorised': {
    summary: {
      'zh-CN':
        '行为人没有代理权而以他人名义订立合同，未经被代理人追认的，对被代理人不发生效力；冒用他人身份申请的借款，经查实后通常不应由被冒用人承担还款责任。',
      en: 'A contract made in another person’s name without their authority does not bind them unless they ratify it; a loan taken out with a stolen identity, once established as such, is generally not the victim’s to repay.',
    },
    title: { 'zh-CN': '中华人民共和国民法典', en: 'Civil Code of the PRC (民法典)' },
    issuer: { 'zh-CN': '全国人民代表大会', en: 'National People’s Congress' },
    article: { 'zh-CN': '第一百七十一条', en: 'Article 171' },
    year: 2020,
    url: null,
  },
  'fraud.telecom': {
    summary: {
      'zh-CN':
        '电信网络诈骗的受害人可以向公安机关报案；银行、支付机构等应当配合公安机关调查，依法采取止付、冻结等措施。',
      en: 'Victims of telecom and online fraud may report it to the police; banks and payment institutions must assist the police investigation and take measures such as stopping or freezing payments as the law provides.',
    },
    title: {
      'zh-CN': '中华人民共和国反电信网络诈骗法',
      en: 'Anti-Telecom and Online Fraud Law of the PRC (反电信网络诈骗法)',
    },
    issuer: NPC_SC,
    article: null,
    year: 2022,
    url: null,
  },
  'hardship.personalised_plan': {
    summary: {
      'zh-CN':
        '对因失业、疾病等原因暂时无力还款的借款人，放贷机构可以与其协商个性化的分期还款或延期安排（信用卡业务的监管规定明确允许此类协商，其他消费贷款常参照执行）；是否同意及具体条件由双方协商确定。',
      en: 'For a borrower who temporarily cannot repay after job loss, illness or the like, a lender may agree a personalised instalment or deferral plan (the credit-card rules expressly allow such arrangements, and other consumer lending often follows them); whether to agree, and on what terms, is for the parties.',
    },
    title: {
      'zh-CN': '商业银行信用卡业务监督管理办法',
      en: 'Measures for the Supervision and Administration of the Credit Card Business of Commercial Banks (商业银行信用卡业务监督管理办法)',
    },
    issuer: { 'zh-CN': '中国银行业监督管理委员会', en: 'China Banking Regulatory Commission' },
    article: null,
    year: 2011,
    url: null,
  },
  'disclosure.annual_rate': {
    summary: {
      'zh-CN':
        '所有贷款产品均应明示贷款年化利率，年化利率应以对借款人收取的所有贷款成本与其实际占用的贷款本金的比例计算。',
      en: 'Every loan product must state its annualised interest rate, computed as all the costs charged to the borrower relative to the principal actually used.',
    },
    title: {
      'zh-CN': '中国人民银行公告〔2021〕第3号',
      en: 'People’s Bank of China Announcement [2021] No. 3 (中国人民银行公告〔2021〕第3号)',
    },
    issuer: { 'zh-CN': '中国人民银行', en: 'People’s Bank of China' },
    article: null,
    year: 2021,
    url: null,
  },
} as const satisfies Record<string, RuleData>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** A rule in the case's language. */
export function referenceRule(id: RuleId, language: CaseLanguage): ReferenceRule {
  const r: RuleData = RULES[id];
  return {
    id,
    summary: r.summary[language],
    source: {
      title: r.title[language],
      issuer: r.issuer[language],
      article: r.article ? r.article[language] : null,
      year: r.year,
      url: r.url,
    },
  };
}

export const DISCLAIMER: Record<CaseLanguage, string> = {
  'zh-CN':
    '本方案由调解助手根据投诉内容自动生成，仅为供调解员参考的初稿，不构成法律意见；所列规定仅供参考，是否适用及如何适用以有权机关的认定为准。各项条款须经双方协商一致并由调解员审核后方可写入协议。',
  en: 'This is a first draft generated by the mediation assistant from the complaint, for the mediator’s reference only; it is not legal advice. The rules listed are for reference; whether and how they apply is for the competent authorities to decide. Each clause enters the agreement only once both parties agree to it and the mediator has reviewed it.',
};
