import type { CaseLanguage } from '../ids';
import type { RuleId } from './proposal-rules';

/**
 * The clauses a first proposal starts from, as data: per template a heading and one or more wordings
 * (variants: with a computed amount, or without one when the complaint gives none), in both case
 * languages. `{slot}` marks what `propose()` fills in from the facts; a slot it cannot fill from the
 * facts is filled with a visible blank (〔金额〕, [amount]) for the mediator, never left as a brace.
 *
 * A template's version goes up whenever its wording changes, so that an accepted clause's provenance
 * names the wording it came from.
 */

export type Wording = Record<CaseLanguage, string>;

export interface ClauseTemplate {
  version: number;
  heading: Wording;
  variants: Record<string, Wording>;
  ruleIds: readonly RuleId[];
}

/** How many working days each obligation gets: proposals, for the mediator to change. */
export const WORKING_DAYS = { explain: 5, refund: 10, correction: 10, investigate: 15, answer: 10 } as const;

/** The plan's defaults: the mediator and the lender's policy change them. */
export const PLAN_DEFAULTS = {
  instalments: 12,
  holidayMonths: 1,
  /** The plan's rate never exceeds the comprehensive cost cap, in basis points. */
  maxRateBp: 2400,
} as const;

/** Visible blanks for what the facts do not say. */
export const BLANK = {
  amount: { 'zh-CN': '〔金额〕', en: '[amount]' },
  product: { 'zh-CN': '〔产品名称〕', en: '[product]' },
  period: { 'zh-CN': '〔保障期间起止日期〕', en: '[cover period]' },
} as const satisfies Record<string, Wording>;

export const TEMPLATES = {
  // ---- fees and charges
  'fees.explain': {
    version: 1,
    heading: { 'zh-CN': '逐项说明费用', en: 'Each fee explained' },
    variants: {
      default: {
        'zh-CN':
          '贷款方应于本协议签订之日起{days}个工作日内，就{contract}项下向借款人收取的{fees}，逐项书面说明其名称、金额、计算方式及所依据的合同条款，并提供借款人签署合同时展示的费用说明。',
        en: 'Within {days} working days of signing this agreement, the lender shall explain to the borrower in writing, item by item, the {fees} charged under {contract}: the name, amount and method of calculation of each, the contract clause it rests on, and the fee disclosure shown to the borrower when the contract was signed.',
      },
    },
    ruleIds: ['consumer.right_to_know', 'disclosure.annual_rate'],
  },
  'fees.refund': {
    version: 1,
    heading: { 'zh-CN': '退还未披露或超标准收取的费用', en: 'Refund of fees not disclosed or over the agreed rate' },
    variants: {
      computed: {
        'zh-CN':
          '借款人所投诉的{fees}合计{amount}。其中凡未在借款合同中明确约定并向借款人披露，或超出合同约定标准收取的，贷款方同意予以退还；经核对全部属于上述情形的，退还金额为{amount}。贷款方应于本协议签订之日起{days}个工作日内将退还款项支付至借款人的原还款账户。',
        en: 'The lender agrees to refund those of the {fees} complained of ({amount} in total) that were not clearly agreed in the loan agreement and disclosed to the borrower, or that exceeded the rate the contract sets; if all of them are such fees, the refund is {amount}. The lender shall pay the refund into the borrower’s usual repayment account within {days} working days of signing this agreement.',
      },
      blank: {
        'zh-CN':
          '对借款人所投诉的{fees}，凡未在借款合同中明确约定并向借款人披露，或超出合同约定标准收取的，贷款方同意予以退还，退还金额经双方核对为{amount}，于本协议签订之日起{days}个工作日内支付至借款人的原还款账户。',
        en: 'The lender agrees to refund those of the {fees} complained of that were not clearly agreed in the loan agreement and disclosed to the borrower, or that exceeded the rate the contract sets; the amount, as checked by both parties, is {amount}, paid into the borrower’s usual repayment account within {days} working days of signing this agreement.',
      },
    },
    ruleIds: ['consumer.right_to_know', 'cost.cash_loan_notice', 'cost.comprehensive'],
  },
  'fees.waive_penalty': {
    version: 1,
    heading: { 'zh-CN': '减免逾期罚息及违约金', en: 'Late penalty waived' },
    variants: {
      computed: {
        'zh-CN':
          '贷款方同意减免借款人在{contract}项下已产生的逾期罚息及违约金共计{amount}，并相应调整借款人的欠款余额。',
        en: 'The lender waives the late-payment penalty interest and charges of {amount} incurred under {contract}, and adjusts the balance the borrower owes accordingly.',
      },
      whole: {
        'zh-CN': '贷款方同意减免借款人在{contract}项下已产生的全部逾期罚息及违约金，并相应调整借款人的欠款余额。',
        en: 'The lender waives all late-payment penalty interest and charges incurred under {contract}, and adjusts the balance the borrower owes accordingly.',
      },
    },
    ruleIds: ['lending.court_cap'],
  },
  'fees.withdraw': {
    version: 1,
    heading: { 'zh-CN': '履行后撤回投诉', en: 'Complaint withdrawn upon performance' },
    variants: {
      default: {
        'zh-CN': '贷款方履行本协议约定的各项义务后，借款人撤回就本纠纷提出的投诉，双方就本协议所涉争议再无其他争议。',
        en: 'Once the lender has performed its obligations under this agreement, the borrower withdraws the complaint about this dispute, and neither party has any further claim concerning the matters it settles.',
      },
    },
    ruleIds: ['mediation.binding'],
  },

  // ---- interest rate and cost
  'interest.disclose': {
    version: 1,
    heading: { 'zh-CN': '提供综合成本计算明细', en: 'The cost of credit set out' },
    variants: {
      default: {
        'zh-CN':
          '贷款方应于本协议签订之日起{days}个工作日内，向借款人书面提供{contract}的利息及全部费用明细，以及按借款人实际占用资金计算的综合年化成本。',
        en: 'Within {days} working days of signing this agreement, the lender shall give the borrower in writing the interest and every fee charged under {contract}, and the comprehensive annualised cost computed on the funds the borrower actually used.',
      },
    },
    ruleIds: ['disclosure.annual_rate', 'consumer.right_to_know'],
  },
  'interest.recompute': {
    version: 1,
    heading: { 'zh-CN': '按24%重新核算并退还超出部分', en: 'Cost recomputed at 24 % and the excess refunded' },
    variants: {
      computed: {
        'zh-CN':
          '借款人投诉所述借款的年化成本为{rate}，超过综合年化成本24%的标准。贷款方同意以本金{principal}为基数、按借款人实际占用资金的期间，将已收取的利息及各项费用按综合年化成本不超过24%重新核算，超出部分退还借款人或冲抵剩余欠款，并向借款人提供核算明细。按本金全额占用一年计，超出部分最多为{excess}。',
        en: 'The annualised cost the borrower complains of is {rate}, above the 24 % comprehensive annualised cost. The lender agrees to recompute the interest and fees charged, on the principal of {principal} and for the time the borrower actually used the funds, at a comprehensive annualised cost of no more than 24 %, to refund the excess to the borrower or set it against what remains owed, and to give the borrower the calculation. For a full year on the whole principal, the excess is at most {excess}.',
      },
      uncapped: {
        'zh-CN':
          '借款人投诉所述借款的年化成本为{rate}，超过综合年化成本24%的标准。贷款方同意按借款人实际占用资金的期间，将已收取的利息及各项费用按综合年化成本不超过24%重新核算，超出部分退还借款人或冲抵剩余欠款，并向借款人提供核算明细；核算所需的本金及用款期间以借款合同和还款记录为准。',
        en: 'The annualised cost the borrower complains of is {rate}, above the 24 % comprehensive annualised cost. The lender agrees to recompute the interest and fees charged, for the time the borrower actually used the funds, at a comprehensive annualised cost of no more than 24 %, to refund the excess to the borrower or set it against what remains owed, and to give the borrower the calculation; the principal and the periods of use are those of the loan agreement and the repayment records.',
      },
      unknown: {
        'zh-CN':
          '如按前款核算的综合年化成本超过24%，贷款方同意将超出部分退还借款人或冲抵剩余欠款，并向借款人提供核算明细；核算所需的本金、利率、费用及用款期间以借款合同和还款记录为准。',
        en: 'If the comprehensive annualised cost so computed exceeds 24 %, the lender agrees to refund the excess to the borrower or set it against what remains owed, and to give the borrower the calculation; the principal, rate, fees and periods of use are those of the loan agreement and the repayment records.',
      },
      within: {
        'zh-CN':
          '借款人投诉所述借款的年化成本为{rate}，未超过综合年化成本24%的标准。贷款方应核对实际收取的利息及各项费用是否与上述年化成本一致；如实际综合年化成本超过24%，超出部分退还借款人或冲抵剩余欠款。',
        en: 'The annualised cost the borrower complains of is {rate}, within the 24 % comprehensive annualised cost. The lender shall check that the interest and fees actually charged match that cost; if the actual comprehensive annualised cost exceeds 24 %, the excess is refunded to the borrower or set against what remains owed.',
      },
    },
    ruleIds: ['cost.comprehensive', 'cost.cash_loan_notice', 'lending.court_cap'],
  },
  'interest.withdraw': {
    version: 1,
    heading: { 'zh-CN': '履行后撤回投诉', en: 'Complaint withdrawn upon performance' },
    variants: {
      default: {
        'zh-CN': '贷款方完成上述核算并履行退还或冲抵义务后，借款人撤回就本纠纷提出的投诉，双方就借款成本再无其他争议。',
        en: 'Once the lender has made the calculation and refunded or set off any excess, the borrower withdraws the complaint about this dispute, and neither party has any further claim concerning the cost of the loan.',
      },
    },
    ruleIds: ['mediation.binding'],
  },

  // ---- collection conduct
  'collection.stop_third_parties': {
    version: 1,
    heading: { 'zh-CN': '停止联系第三方', en: 'No more contact with third parties' },
    variants: {
      default: {
        'zh-CN':
          '自本协议签订之日起，贷款方及其委托的催收机构停止联系借款人的亲属、朋友、同事及通讯录中的其他人，不得向任何第三方透露借款人的借款及欠款信息。',
        en: 'From the signing of this agreement, the lender and any collection agency acting for it stop contacting the borrower’s relatives, friends, colleagues or anyone else in the borrower’s contacts, and disclose nothing of the borrower’s loan or debt to any third party.',
      },
    },
    ruleIds: ['privacy.pipl', 'collection.conduct', 'consumer.dignity_privacy'],
  },
  'collection.channel': {
    version: 1,
    heading: { 'zh-CN': '约定联系方式和时间', en: 'One channel, at agreed times' },
    variants: {
      default: {
        'zh-CN':
          '就{contract}的还款事宜，贷款方仅通过借款人在借款时登记的本人手机号码，以电话或短信方式联系借款人本人，联系时间为每日{from}至{to}，每日通话不超过{calls}次，且不得使用威胁、侮辱或其他骚扰性的言语。',
        en: 'About repayment under {contract}, the lender contacts only the borrower, only by phone call or text message to the borrower’s own mobile number registered with the loan, only between {from} and {to}, at most {calls} calls a day, and never with threatening, insulting or otherwise harassing language.',
      },
    },
    ruleIds: ['collection.conduct', 'cost.cash_loan_notice'],
  },
  'collection.apology': {
    version: 1,
    heading: { 'zh-CN': '书面致歉', en: 'Apology in writing' },
    variants: {
      default: {
        'zh-CN':
          '贷款方就其本人或其委托的催收机构在催收过程中的不当行为，于本协议签订之日起{days}个工作日内向借款人书面致歉，并告知借款人已对相关催收人员或机构采取的措施。',
        en: 'Within {days} working days of signing this agreement, the lender apologises to the borrower in writing for the improper conduct of its own staff or of the collection agency acting for it, and tells the borrower what it has done about the staff or agency concerned.',
      },
    },
    ruleIds: ['collection.conduct', 'consumer.dignity_privacy'],
  },
  'collection.withdraw': {
    version: 1,
    heading: { 'zh-CN': '履行后撤回投诉', en: 'Complaint withdrawn upon performance' },
    variants: {
      default: {
        'zh-CN':
          '贷款方履行本协议约定的各项义务后，借款人撤回就催收行为提出的投诉；借款人仍应按{contract}的约定履行还款义务。',
        en: 'Once the lender has performed its obligations under this agreement, the borrower withdraws the complaint about the collection; the borrower still repays as {contract} provides.',
      },
    },
    ruleIds: ['mediation.binding'],
  },

  // ---- credit report
  'credit.correction': {
    version: 1,
    heading: { 'zh-CN': '更正征信记录', en: 'Credit record corrected' },
    variants: {
      default: {
        'zh-CN':
          '贷款方应于本协议签订之日起{days}个工作日内，向其报送信息的征信机构（如中国人民银行征信中心）提交更正申请，更正{contract}项下借款人的不实逾期记录，并向借款人提供征信机构受理或更正完成的证明。',
        en: 'Within {days} working days of signing this agreement, the lender files a correction with the credit bureau it reports to (such as the Credit Reference Center of the People’s Bank of China), correcting the inaccurate overdue record of the borrower under {contract}, and gives the borrower proof that the bureau has accepted or completed the correction.',
      },
    },
    ruleIds: ['credit.objection'],
  },
  'credit.mark_objection': {
    version: 1,
    heading: { 'zh-CN': '更正完成前标注异议', en: 'Objection marked until corrected' },
    variants: {
      default: {
        'zh-CN':
          '在更正完成前，贷款方应当对相关信息作出存在异议的标注；更正完成后，借款人可查询本人信用报告核实，如仍有错误，贷款方应于借款人告知之日起{days}个工作日内再次处理。',
        en: 'Until the correction is made, the lender has the information marked as under objection; once it is made, the borrower may check their own credit report, and if an error remains the lender deals with it again within {days} working days of being told.',
      },
    },
    ruleIds: ['credit.objection'],
  },
  'credit.withdraw': {
    version: 1,
    heading: { 'zh-CN': '更正后撤回投诉', en: 'Complaint withdrawn once corrected' },
    variants: {
      default: {
        'zh-CN': '征信记录更正完成且贷款方提供证明后，借款人撤回就本纠纷提出的投诉。',
        en: 'Once the credit record is corrected and the lender has given proof of it, the borrower withdraws the complaint about this dispute.',
      },
    },
    ruleIds: ['mediation.binding'],
  },

  // ---- fraud or identity theft
  'fraud.freeze': {
    version: 1,
    heading: { 'zh-CN': '暂停催收和扣款', en: 'Collection and debits suspended' },
    variants: {
      default: {
        'zh-CN':
          '借款人称{contract}项下涉及金额{amount}的借款或交易并非本人办理或授权。自本协议签订之日起至核查结束，贷款方暂停就该笔借款对借款人的催收及自动扣款，不再计收罚息，并对已报送的相关征信信息作出存在异议的标注。',
        en: 'The borrower says the borrowing or transaction of {amount} under {contract} was not made or authorised by them. From the signing of this agreement until the investigation ends, the lender suspends collection and automatic debits from the borrower for it, charges no penalty interest, and has the credit information already reported marked as under objection.',
      },
    },
    ruleIds: ['credit.objection'],
  },
  'fraud.investigate': {
    version: 1,
    heading: { 'zh-CN': '调查并书面告知结果', en: 'Investigation, with the result in writing' },
    variants: {
      default: {
        'zh-CN':
          '贷款方应于本协议签订之日起{days}个工作日内，调取该笔借款的申请、身份核验、签约、放款及资金流向记录进行核查，并将核查结果及所依据的记录书面告知借款人。',
        en: 'Within {days} working days of signing this agreement, the lender examines the records of the loan’s application, identity checks, signing, disbursement and where the money went, and tells the borrower the result in writing with the records it rests on.',
      },
    },
    ruleIds: ['consumer.right_to_know'],
  },
  'fraud.no_liability': {
    version: 1,
    heading: { 'zh-CN': '未经授权的交易不由借款人承担', en: 'No liability for unauthorised transactions' },
    variants: {
      default: {
        'zh-CN':
          '经核查或经公安机关认定，该笔借款或交易并非借款人本人办理或授权的，借款人不承担还款责任；贷款方应注销相关借款记录、更正征信记录，并将已向借款人扣收的款项全额退还。',
        en: 'If the investigation or the police find that the loan or transaction was not made or authorised by the borrower, the borrower owes nothing for it; the lender cancels the loan record, corrects the credit record and refunds in full anything it has already collected from the borrower.',
      },
    },
    ruleIds: ['contract.unauthorised', 'credit.objection'],
  },
  'fraud.police': {
    version: 1,
    heading: { 'zh-CN': '报案与配合调查', en: 'Reported to the police' },
    variants: {
      default: {
        'zh-CN':
          '借款人应向公安机关报案，并将报案回执提供给贷款方；贷款方应配合公安机关的调查，依法提供相关申请、放款及交易记录。',
        en: 'The borrower reports the matter to the police and gives the lender the police receipt; the lender assists the police investigation and provides the application, disbursement and transaction records as the law requires.',
      },
    },
    ruleIds: ['fraud.telecom'],
  },

  // ---- bundled products
  'bundled.cancel_refund': {
    version: 1,
    heading: { 'zh-CN': '取消搭售产品并按比例退费', en: 'Bundled product cancelled, refunded pro rata' },
    variants: {
      default: {
        'zh-CN':
          '贷款方确认借款人未主动选择{product}，同意自本协议签订之日起取消该产品，并按未使用期间占保障（服务）期间的比例退还已收取的费用，即：退还金额 = 已收取费用{amount} × 未使用天数 ÷ 保障（服务）期间总天数，保障（服务）期间为{period}；退还款项于本协议签订之日起{days}个工作日内支付至借款人的原还款账户。',
        en: 'The lender accepts that the borrower did not choose the {product}, cancels it from the signing of this agreement, and refunds the charge pro rata for the unused part of its term: refund = charge paid {amount} × days unused ÷ days in the term, the term being {period}; the refund is paid into the borrower’s usual repayment account within {days} working days of signing this agreement.',
      },
    },
    ruleIds: ['consumer.free_choice', 'consumer.right_to_know'],
  },
  'bundled.loan_unaffected': {
    version: 1,
    heading: { 'zh-CN': '取消不影响借款', en: 'The loan is unaffected' },
    variants: {
      default: {
        'zh-CN':
          '贷款方确认{product}不是发放借款的条件，取消该产品不影响{contract}的效力，也不改变借款人的借款利率、额度和还款安排。',
        en: 'The lender confirms that the {product} was not a condition of the loan, and that cancelling it does not affect {contract} or change the borrower’s rate, limit or repayment schedule.',
      },
    },
    ruleIds: ['consumer.free_choice'],
  },
  'bundled.withdraw': {
    version: 1,
    heading: { 'zh-CN': '退费后撤回投诉', en: 'Complaint withdrawn once refunded' },
    variants: {
      default: {
        'zh-CN': '贷款方取消该产品并支付退还款项后，借款人撤回就本纠纷提出的投诉。',
        en: 'Once the lender has cancelled the product and paid the refund, the borrower withdraws the complaint about this dispute.',
      },
    },
    ruleIds: ['mediation.binding'],
  },

  // ---- hardship repayment (also proposed for any type when hardship is declared)
  'hardship.plan': {
    version: 1,
    heading: { 'zh-CN': '调整还款计划', en: 'Repayment plan' },
    variants: {
      default: {
        'zh-CN':
          '借款人{reason}，暂时无法按原约定还款。双方同意将{contract}项下借款人尚欠的本金{principal}调整为{kind}，分{n}期按月偿还：{holiday}{spread}首期还款日为{firstDue}，首期应还{first}；此后每月同日还款，末期（第{n}期）还款日为{lastDue}，应还{last}；合计应还{total}。每期金额以本协议所附还款计划表为准。',
        en: 'The borrower cannot for now repay as originally agreed because of {reason}. The parties agree that the principal of {principal} the borrower still owes under {contract} is repaid {kind} in {n} monthly instalments: {holiday}{spread}the first falls due on {firstDue} and is {first}; later ones fall due on the same day of each month, the last (instalment {n}) on {lastDue} being {last}; {total} in all. Each instalment is as the repayment schedule attached to this agreement states.',
      },
      blank: {
        'zh-CN':
          '借款人{reason}，暂时无法按原约定还款。双方同意将{contract}项下借款人尚欠的本金{principal}调整为{kind}，分{n}期按月偿还：{holiday}{spread}首期还款日为{firstDue}，此后每月同日还款；每期金额按本协议所附还款计划表计算。',
        en: 'The borrower cannot for now repay as originally agreed because of {reason}. The parties agree that the principal of {principal} the borrower still owes under {contract} is repaid {kind} in {n} monthly instalments: {holiday}{spread}the first falls due on {firstDue}, later ones on the same day of each month; each instalment is as the repayment schedule attached to this agreement computes it.',
      },
    },
    ruleIds: ['hardship.personalised_plan', 'mediation.binding'],
  },
  'hardship.waiver': {
    version: 1,
    heading: { 'zh-CN': '停止计收并减免罚息', en: 'Penalty interest stopped and waived' },
    variants: {
      computed: {
        'zh-CN':
          '自本协议签订之日起，贷款方停止对{contract}计收逾期罚息、复利及违约金，并减免借款人已产生的逾期罚息及违约金{amount}；借款人按上述还款计划按期还款期间，贷款方不再催收原合同项下的逾期款项。',
        en: 'From the signing of this agreement, the lender stops charging penalty interest, compound interest and late charges under {contract}, and waives the {amount} of penalty interest and charges already incurred; while the borrower pays the plan’s instalments on time, the lender does not collect the overdue sums of the original contract.',
      },
      whole: {
        'zh-CN':
          '自本协议签订之日起，贷款方停止对{contract}计收逾期罚息、复利及违约金；借款人按上述还款计划按期还款期间，贷款方不再催收原合同项下的逾期款项。',
        en: 'From the signing of this agreement, the lender stops charging penalty interest, compound interest and late charges under {contract}; while the borrower pays the plan’s instalments on time, the lender does not collect the overdue sums of the original contract.',
      },
    },
    ruleIds: ['hardship.personalised_plan', 'lending.court_cap'],
  },
  'hardship.default': {
    version: 1,
    heading: { 'zh-CN': '未按计划还款的处理', en: 'If an instalment is missed' },
    variants: {
      default: {
        'zh-CN':
          '借款人连续两期未按上述还款计划还款的，贷款方有权书面通知借款人后，就剩余未还款项按原借款合同的约定主张权利；已按计划支付的款项不予退还，已减免的部分不再恢复。',
        en: 'If the borrower misses two instalments of the plan in a row, the lender may, after notifying the borrower in writing, pursue what remains unpaid under the original loan agreement; what was paid under the plan stays paid, and what was waived stays waived.',
      },
    },
    ruleIds: ['mediation.binding', 'mediation.judicial_confirmation'],
  },

  // ---- other
  'other.handle': {
    version: 1,
    heading: { 'zh-CN': '核实并处理所反映的问题', en: 'The matter looked into and dealt with' },
    variants: {
      default: {
        'zh-CN':
          '贷款方应于本协议签订之日起{days}个工作日内，就借款人在投诉中反映的与{contract}有关的问题进行核实和处理，并将处理结果及依据书面告知借款人。',
        en: 'Within {days} working days of signing this agreement, the lender looks into and deals with the matter concerning {contract} that the borrower raised in the complaint, and tells the borrower in writing what it did and why.',
      },
    },
    ruleIds: ['consumer.right_to_know'],
  },
  'other.refund': {
    version: 1,
    heading: { 'zh-CN': '退还多收款项', en: 'Overpayment refunded' },
    variants: {
      default: {
        'zh-CN':
          '经核实借款人确有多付或被多扣款项的，贷款方应将核实的款项（投诉所涉争议金额为{amount}）于核实之日起{days}个工作日内退还至借款人的原还款账户。',
        en: 'If it is found that the borrower overpaid or was debited too much, the lender refunds the sum found (the amount in dispute in the complaint being {amount}) into the borrower’s usual repayment account within {days} working days of the finding.',
      },
    },
    ruleIds: ['consumer.right_to_know'],
  },
  'other.withdraw': {
    version: 1,
    heading: { 'zh-CN': '处理完毕后撤回投诉', en: 'Complaint withdrawn once dealt with' },
    variants: {
      default: {
        'zh-CN': '贷款方按上述约定处理完毕后，借款人撤回就本纠纷提出的投诉，双方就本纠纷再无其他争议。',
        en: 'Once the lender has dealt with the matter as above, the borrower withdraws the complaint about this dispute, and neither party has any further claim concerning it.',
      },
    },
    ruleIds: ['mediation.binding'],
  },
} as const satisfies Record<string, ClauseTemplate>;

export type TemplateId = keyof typeof TEMPLATES;

/** `{slot}` filled from `slots`; a slot the template names but `slots` lacks is a programming error. */
export function fill(text: string, slots: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`proposal template: no value for {${name}}`);
    return value;
  });
}
