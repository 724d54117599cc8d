import type { SettlementTerms } from '../documents';
import type { CaseLanguage } from '../ids';
import type { PlanKind } from '../plan-kind';
import { computePlan, PlanInput, type Plan } from '../repayment';
import { addMonths, dateText, moneyShort, moneyText, percentText } from '../settlement-format';
import {
  contractText,
  COST_CAP_PCT,
  FEE_NAMES,
  feesWithAmounts,
  HARDSHIP_REASONS,
  highestAnnualRate,
  listText,
  principalBasisWords,
  principalOf,
  PRODUCT_NAMES,
  rateText,
  soleUnpairedAmount,
  spansOf,
  sumCents,
  type AmountFact,
  type FeeFact,
} from './proposal-facts';
import type { Proposal, ProposalInput, ProposalItem, ProposedAmount } from './proposal-types';
import { DISCLAIMER, referenceRule, RULE_IDS, type RuleId } from './proposal-rules';
import {
  BLANK,
  fill,
  PLAN_DEFAULTS,
  TEMPLATES,
  WORKING_DAYS,
  type ClauseTemplate,
  type TemplateId,
} from './proposal-templates';

/**
 * The assistant's first proposal for the mediator: from the dispute type and the facts of the
 * complaint, the clauses a mediator would start from (templates in `proposal-templates.ts`), the amounts
 * they compute (each with its basis in words and the spans of text it came from) and the reference
 * rules they rest on (`proposal-rules.ts`). Pure and deterministic: the server, the room and
 * `accord assist` propose alike. It is a draft: every clause is for the mediator to accept, edit or drop.
 */

// ---- building items

function item(
  id: TemplateId,
  variant: string,
  language: CaseLanguage,
  slots: Readonly<Record<string, string>>,
  amounts: ProposedAmount[] = [],
  terms: Partial<SettlementTerms> | null = null,
): ProposalItem {
  const template: ClauseTemplate = TEMPLATES[id];
  const wording = template.variants[variant];
  if (!wording) throw new Error(`proposal template ${id}: no variant ${variant}`);
  return {
    id,
    templateVersion: template.version,
    heading: template.heading[language],
    text: fill(wording[language], slots),
    amounts,
    ruleIds: [...template.ruleIds],
    terms,
  };
}

interface Context {
  input: ProposalInput;
  language: CaseLanguage;
  contract: string;
  money: (cents: number) => string;
  /** Without the words, for the bases beside the clauses. */
  short: (cents: number) => string;
  days: (key: keyof typeof WORKING_DAYS) => string;
}

function feeItems(ctx: Context, withPenalty: boolean): ProposalItem[] {
  const { language, contract, money } = ctx;
  const pairs = feesWithAmounts(ctx.input.facts);
  const names = pairs.map((p) => FEE_NAMES[language][p.fee.fee]);
  const chargeable = pairs.filter((p) => p.fee.fee !== 'late_penalty');
  const feeList = listText(names.length > 0 ? names : [language === 'zh-CN' ? '各项费用' : 'fees'], language);
  const out = [item('fees.explain', 'default', language, { days: ctx.days('explain'), contract, fees: feeList })];

  const refundable = chargeable.filter((p): p is { fee: FeeFact; amount: AmountFact } => p.amount !== null);
  const refundNames = listText(
    chargeable.length > 0
      ? chargeable.map((p) => FEE_NAMES[language][p.fee.fee])
      : [language === 'zh-CN' ? '各项费用' : 'fees'],
    language,
  );
  const refundCents = sumCents(refundable);
  const sole = refundCents === null ? soleUnpairedAmount(ctx.input.facts, pairs) : null;
  if (refundCents !== null || sole !== null) {
    const cents = refundCents ?? sole?.cents ?? 0;
    const parts = refundable.map((p) => `${FEE_NAMES[language][p.fee.fee]} ${ctx.short(p.amount.cents)}`);
    const zh = language === 'zh-CN';
    const amount: ProposedAmount = {
      label: zh ? '退还金额' : 'Refund',
      cents,
      basis: sole
        ? zh
          ? `投诉中唯一的金额（“${sole.span.text}”），视为所投诉的费用`
          : `The only amount in the complaint (“${sole.span.text}”), taken as the fee complained of`
        : zh
          ? `投诉中各项费用的金额之和：${parts.join(' + ')}`
          : `The sum of the fee amounts in the complaint: ${parts.join(' + ')}`,
      from: sole ? spansOf(sole) : refundable.flatMap((p) => spansOf(p.fee, p.amount)),
    };
    out.push(
      item(
        'fees.refund',
        'computed',
        language,
        { fees: refundNames, amount: money(cents), days: ctx.days('refund') },
        [amount],
        // The amount the lender pays (同意支付金额), as the blind offers settle it too.
        { amountAgreedCents: cents },
      ),
    );
  } else {
    out.push(
      item('fees.refund', 'blank', language, {
        fees: refundNames,
        amount: BLANK.amount[language],
        days: ctx.days('refund'),
      }),
    );
  }

  const penalties = pairs.filter((p) => p.fee.fee === 'late_penalty');
  if (withPenalty && penalties.length > 0) {
    const stated = penalties.filter((p): p is { fee: FeeFact; amount: AmountFact } => p.amount !== null);
    const statedCents = sumCents(stated);
    if (statedCents !== null) {
      const cents = statedCents;
      out.push(
        item(
          'fees.waive_penalty',
          'computed',
          language,
          { contract, amount: money(cents) },
          [
            {
              label: language === 'zh-CN' ? '减免罚息及违约金' : 'Penalty waived',
              cents,
              basis:
                language === 'zh-CN'
                  ? '投诉中所述逾期罚息、违约金的金额之和'
                  : 'The sum of the late-penalty amounts in the complaint',
              from: stated.flatMap((p) => spansOf(p.fee, p.amount)),
            },
          ],
          { feesWaivedCents: cents },
        ),
      );
    } else {
      out.push(item('fees.waive_penalty', 'whole', language, { contract }));
    }
  }
  out.push(item('fees.withdraw', 'default', language, {}));
  return out;
}

function interestItems(ctx: Context): ProposalItem[] {
  const { language, contract, money } = ctx;
  const out = [item('interest.disclose', 'default', language, { days: ctx.days('explain'), contract })];
  const rate = highestAnnualRate(ctx.input.facts);
  const principal = principalOf(ctx.input);
  if (!rate) {
    out.push(item('interest.recompute', 'unknown', language, {}));
  } else if (rate.pct <= COST_CAP_PCT) {
    out.push(item('interest.recompute', 'within', language, { rate: rateText(rate, language) }));
  } else if (!principal || !Number.isSafeInteger(Math.round((principal.cents * (rate.pct - COST_CAP_PCT)) / 100))) {
    out.push(item('interest.recompute', 'uncapped', language, { rate: rateText(rate, language) }));
  } else {
    // An upper bound for one year: an amortising loan's outstanding principal falls, so its excess is less.
    const excess = Math.round((principal.cents * (rate.pct - COST_CAP_PCT)) / 100);
    const amounts: ProposedAmount[] = [
      {
        label: language === 'zh-CN' ? '本金' : 'Principal',
        cents: principal.cents,
        basis: principalBasisWords(principal, language),
        from: spansOf(principal.fact),
      },
      {
        label:
          language === 'zh-CN'
            ? '超出24%的部分（本金全额占用一年的上限）'
            : 'Excess over 24 % (upper bound for a full year on the whole principal)',
        cents: excess,
        basis:
          language === 'zh-CN'
            ? `本金 ${ctx.short(principal.cents)} ×（年化 ${percentText(rate.pct)}% − 24%）；实际金额按用款期间和还款记录重新核算`
            : `Principal ${ctx.short(principal.cents)} × (${percentText(rate.pct)} % − 24 %) a year; the actual excess is recomputed from the periods of use and the repayment records`,
        from: spansOf(principal.fact, rate.fact),
      },
    ];
    out.push(
      item(
        'interest.recompute',
        'computed',
        language,
        { rate: rateText(rate, language), principal: money(principal.cents), excess: money(excess) },
        amounts,
      ),
    );
  }
  out.push(item('interest.withdraw', 'default', language, {}));
  return out;
}

function collectionItems(ctx: Context): ProposalItem[] {
  const { language, contract } = ctx;
  return [
    item('collection.stop_third_parties', 'default', language, {}),
    item('collection.channel', 'default', language, { contract, from: '9:00', to: '20:00', calls: '3' }),
    item('collection.apology', 'default', language, { days: ctx.days('explain') }),
    item('collection.withdraw', 'default', language, { contract }),
  ];
}

function creditItems(ctx: Context): ProposalItem[] {
  const { language, contract } = ctx;
  return [
    item('credit.correction', 'default', language, { days: ctx.days('correction'), contract }),
    item('credit.mark_objection', 'default', language, { days: ctx.days('correction') }),
    item('credit.withdraw', 'default', language, {}),
  ];
}

function fraudItems(ctx: Context): ProposalItem[] {
  const { language, contract, money } = ctx;
  const disputed = principalOf(ctx.input, 'form');
  const amounts: ProposedAmount[] = disputed
    ? [
        {
          label: language === 'zh-CN' ? '涉及金额' : 'Amount in question',
          cents: disputed.cents,
          basis: principalBasisWords(disputed, language),
          from: spansOf(disputed.fact),
        },
      ]
    : [];
  return [
    item(
      'fraud.freeze',
      'default',
      language,
      { contract, amount: disputed ? money(disputed.cents) : BLANK.amount[language] },
      amounts,
    ),
    item('fraud.investigate', 'default', language, { days: ctx.days('investigate') }),
    item('fraud.no_liability', 'default', language, {}),
    item('fraud.police', 'default', language, {}),
  ];
}

function bundledItems(ctx: Context): ProposalItem[] {
  const { language, contract, money } = ctx;
  const products = feesWithAmounts(ctx.input.facts).filter(
    (p) => p.fee.fee === 'insurance' || p.fee.fee === 'membership',
  );
  const names = products.map((p) => PRODUCT_NAMES[language][p.fee.fee] ?? '');
  const product = names.length > 0 ? listText(names, language) : BLANK.product[language];
  const stated = products.filter((p): p is { fee: FeeFact; amount: AmountFact } => p.amount !== null);
  const paidCents = sumCents(stated);
  const sole = paidCents === null ? soleUnpairedAmount(ctx.input.facts, feesWithAmounts(ctx.input.facts)) : null;
  const priced = paidCents === null ? [] : stated;
  const paid = paidCents ?? sole?.cents ?? 0;
  const amounts: ProposedAmount[] =
    priced.length > 0 || sole
      ? [
          {
            label:
              language === 'zh-CN'
                ? '已收取的产品费用（按比例退还的上限）'
                : 'Charge paid (the most a pro-rata refund can be)',
            cents: paid,
            basis: sole
              ? language === 'zh-CN'
                ? `投诉中唯一的金额（“${sole.span.text}”），视为该产品的费用；实际退还金额按未使用期间比例计算`
                : `The only amount in the complaint (“${sole.span.text}”), taken as the product’s charge; the refund is this times the unused share of the term`
              : language === 'zh-CN'
                ? '投诉中所述搭售产品费用的金额之和；实际退还金额按未使用期间比例计算'
                : 'The sum of the bundled products’ charges in the complaint; the refund is this times the unused share of the term',
            from: sole ? spansOf(sole) : priced.flatMap((p) => spansOf(p.fee, p.amount)),
          },
        ]
      : [];
  return [
    item(
      'bundled.cancel_refund',
      'default',
      language,
      {
        product,
        amount: priced.length > 0 || sole ? money(paid) : BLANK.amount[language],
        period: BLANK.period[language],
        days: ctx.days('refund'),
      },
      amounts,
    ),
    item('bundled.loan_unaffected', 'default', language, { product, contract }),
    item('bundled.withdraw', 'default', language, {}),
  ];
}

function otherItems(ctx: Context): ProposalItem[] {
  const { language, contract, money } = ctx;
  const out = [item('other.handle', 'default', language, { days: ctx.days('answer'), contract })];
  // The amount in dispute, not the complaint's largest amount (often the loan itself): what the refund is about.
  const cents = ctx.input.amountInDisputeCents;
  if (cents > 0) {
    const fact = ctx.input.facts.find((f): f is AmountFact => f.kind === 'amount' && f.cents === cents) ?? null;
    out.push(
      item('other.refund', 'default', language, { amount: money(cents), days: ctx.days('refund') }, [
        {
          label: language === 'zh-CN' ? '争议金额' : 'Amount in dispute',
          cents,
          basis:
            language === 'zh-CN'
              ? `投诉所涉争议金额${fact ? `（投诉中的“${fact.span.text}”）` : ''}；退还金额以核实为准`
              : `The amount in dispute${fact ? ` (“${fact.span.text}” in the complaint)` : ''}; the refund is the sum found`,
          from: spansOf(fact),
        },
      ]),
    );
  }
  out.push(item('other.withdraw', 'default', language, {}));
  return out;
}

/** The plan's inputs from the facts, inside the lender's policy when one is set. */
function planInput(input: ProposalInput, principalCents: number | null) {
  const policy = input.planPolicy;
  const instalments = Math.max(1, Math.min(PLAN_DEFAULTS.instalments, policy?.maxInstalments ?? Infinity));
  const holidayMonths = Math.min(PLAN_DEFAULTS.holidayMonths, policy?.maxHolidayMonths ?? Infinity);
  const rate = highestAnnualRate(input.facts);
  const rateBp = rate ? Math.min(Math.round(rate.pct * 100), PLAN_DEFAULTS.maxRateBp) : 0;
  const stated = feesWithAmounts(input.facts).filter(
    (p): p is { fee: FeeFact; amount: AmountFact } => p.fee.fee === 'late_penalty' && p.amount !== null,
  );
  const summed = sumCents(stated);
  const penalties = summed === null ? [] : stated;
  const penaltyCents = summed ?? 0;
  const waiveCents = Math.min(penaltyCents, policy?.maxWaiverCents ?? Infinity);
  const kind: PlanKind = rateBp > 0 ? 'equal_instalment' : 'interest_free';
  return {
    kind,
    principalCents,
    interestCents: 0,
    feesCents: penaltyCents,
    annualRateBp: rateBp,
    instalments,
    holidayMonths,
    startDate: input.today,
    firstDueDate: addMonths(input.today, 1 + holidayMonths),
    waiveInterestCents: 0,
    waiveFeesCents: waiveCents,
    rate,
    penalties,
  };
}

const monthsEn = (n: number) => `${n} month${n === 1 ? '' : 's'}`;

function hardshipItems(ctx: Context): ProposalItem[] {
  const { input, language, contract, money } = ctx;
  const principal = principalOf(input, 'form');
  const p = planInput(input, principal?.cents ?? null);
  let plan: Plan | null = null;
  let lowered = false;
  if (principal) {
    // The plan's own cost stays within the cap: what is left of the penalty after the waiver counts as
    // cost, so the rate comes down (in steps of half a point, deterministically) until it fits.
    for (;;) {
      const parsed = PlanInput.safeParse({ ...p, principalCents: principal.cents });
      plan = parsed.success ? computePlan(parsed.data) : null;
      if (!plan || p.annualRateBp === 0 || !plan.exceedsCapsPct.includes(COST_CAP_PCT)) break;
      p.annualRateBp = Math.max(0, p.annualRateBp - 50);
      if (p.annualRateBp === 0) p.kind = 'interest_free';
      lowered = true;
    }
  }
  const zh = language === 'zh-CN';
  const rateWords = `${percentText(p.annualRateBp / 100)}${zh ? '%' : ' %'}`;
  const kind =
    p.kind === 'interest_free'
      ? zh
        ? '免息还款'
        : 'interest-free'
      : zh
        ? `按年利率${rateWords}等额本息还款`
        : `with interest at ${rateWords} a year`;
  let holiday = '';
  if (p.holidayMonths > 0) {
    const start = dateText(p.startDate, language);
    if (zh) {
      const accrual = p.annualRateBp > 0 ? `，按年利率${rateWords}计息并计入本金` : '，不计利息';
      holiday = `自${start}起给予${p.holidayMonths}个月还款宽限期，宽限期内无须还款${accrual}；`;
    } else {
      const accrual =
        p.annualRateBp > 0 ? `, interest at ${rateWords} a year being added to the principal` : ', with no interest';
      holiday = `after a payment holiday of ${monthsEn(p.holidayMonths)} from ${start} with nothing due${accrual}, `;
    }
  }
  const cause = HARDSHIP_REASONS[language][input.hardship?.kind ?? 'none'];
  const since = input.hardship?.since ? dateText(input.hardship.since, language) : null;
  const reason = zh ? `${since ? `自${since}起` : ''}因${cause}` : `${cause}${since ? ` (since ${since})` : ''}`;
  const rest = p.feesCents - p.waiveFeesCents;
  const spread =
    rest <= 0
      ? ''
      : zh
        ? `尚未减免的逾期罚息及违约金${money(rest)}不计利息，分摊于各期偿还；`
        : `the late penalty not waived, ${money(rest)}, is spread over the instalments without interest; `;
  const slots = {
    spread,
    reason,
    contract,
    kind,
    n: String(p.instalments),
    holiday,
    firstDue: dateText(p.firstDueDate, language),
  };
  const terms: Partial<SettlementTerms> = {
    planKind: p.kind,
    planInterestCents: p.interestCents,
    planFeesCents: p.feesCents,
    planRateBp: p.annualRateBp,
    planHolidayMonths: p.holidayMonths,
    planStartDate: p.startDate,
    planWaiveInterestCents: p.waiveInterestCents,
    planWaiveFeesCents: p.waiveFeesCents,
    instalments: p.instalments,
    firstDueDate: p.firstDueDate,
  };
  const out: ProposalItem[] = [];
  if (plan && principal) {
    const first = plan.rows[0]!;
    const last = plan.rows[plan.rows.length - 1]!;
    const planBasis = zh
      ? `按还款计划计算：本金 ${ctx.short(principal.cents)}，${p.instalments} 期，${
          p.kind === 'interest_free' ? '免息' : `年利率 ${rateWords} 等额本息`
        }${p.holidayMonths > 0 ? `，宽限期 ${p.holidayMonths} 个月` : ''}${rest > 0 ? `，另分摊未减免的罚息 ${ctx.short(rest)}` : ''}${lowered ? '；利率已下调，使本计划的综合年化成本不超过24%' : ''}`
      : `From the repayment plan: principal ${ctx.short(principal.cents)}, ${p.instalments} instalments, ${
          p.kind === 'interest_free' ? 'interest-free' : `${rateWords} a year in equal instalments`
        }${p.holidayMonths > 0 ? `, ${monthsEn(p.holidayMonths)} of holiday` : ''}${rest > 0 ? `, plus ${ctx.short(rest)} of penalty not waived` : ''}${lowered ? '; the rate lowered so that the plan’s comprehensive annualised cost stays within 24 %' : ''}`;
    const fromPlan = spansOf(principal.fact, p.rate?.fact);
    out.push(
      item(
        'hardship.plan',
        'default',
        language,
        {
          ...slots,
          principal: money(principal.cents),
          first: money(first.paymentCents),
          lastDue: dateText(last.dueDate, language),
          last: money(last.paymentCents),
          total: money(plan.totals.paymentCents),
        },
        [
          {
            label: zh ? '调整还款的本金' : 'Principal restructured',
            cents: principal.cents,
            basis: principalBasisWords(principal, language),
            from: spansOf(principal.fact),
          },
          { label: zh ? '首期应还' : 'First instalment', cents: first.paymentCents, basis: planBasis, from: fromPlan },
          {
            label: zh ? '合计应还' : 'Total repayable',
            cents: plan.totals.paymentCents,
            basis: planBasis,
            from: fromPlan,
          },
        ],
        { ...terms, planPrincipalCents: principal.cents },
      ),
    );
  } else {
    out.push(item('hardship.plan', 'blank', language, { ...slots, principal: BLANK.amount[language] }, [], terms));
  }
  if (p.waiveFeesCents > 0) {
    out.push(
      item('hardship.waiver', 'computed', language, { contract, amount: money(p.waiveFeesCents) }, [
        {
          label: zh ? '减免罚息及违约金' : 'Penalty waived',
          cents: p.waiveFeesCents,
          basis: zh
            ? `投诉中所述逾期罚息、违约金的金额之和${p.waiveFeesCents < p.feesCents ? '，以贷款方可减免的上限为限' : ''}`
            : `The sum of the late-penalty amounts in the complaint${p.waiveFeesCents < p.feesCents ? ', up to the most the lender may waive' : ''}`,
          from: p.penalties.flatMap((x) => spansOf(x.fee, x.amount)),
        },
      ]),
    );
  } else {
    out.push(item('hardship.waiver', 'whole', language, { contract }));
  }
  out.push(item('hardship.default', 'default', language, {}));
  return out;
}

/** The first proposal for a case: clauses, computed amounts and reference rules, in the case's language. */
export function propose(input: ProposalInput): Proposal {
  // Dates the proposal computes count from it: a malformed day would put "NaN" into a clause.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(input.today) ? new Date(`${input.today}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== input.today) {
    throw new Error(`propose: today must be a date, YYYY-MM-DD (got "${input.today}")`);
  }
  const language = input.language;
  const ctx: Context = {
    input,
    language,
    contract: contractText(input.facts, language),
    money: (cents) => moneyText(cents, language),
    short: (cents) => moneyShort(cents, language),
    days: (key) => String(WORKING_DAYS[key]),
  };
  // A declared hardship adds a repayment plan to whatever the complaint is about.
  const hardship = input.type === 'hardship_repayment' || input.hardship !== null;
  const byType: ProposalItem[] = {
    fees_charges: () => feeItems(ctx, !hardship),
    interest_cost: () => interestItems(ctx),
    collection_conduct: () => collectionItems(ctx),
    credit_report: () => creditItems(ctx),
    fraud_identity: () => fraudItems(ctx),
    hardship_repayment: () => [],
    bundled_products: () => bundledItems(ctx),
    other: () => otherItems(ctx),
  }[input.type]();
  const items = hardship ? [...byType, ...hardshipItems(ctx)] : byType;
  const used = new Set<string>(items.flatMap((i) => i.ruleIds));
  const rules = RULE_IDS.filter((id: RuleId) => used.has(id)).map((id) => referenceRule(id, language));
  return { language, type: input.type, items, rules, disclaimer: DISCLAIMER[language] };
}
