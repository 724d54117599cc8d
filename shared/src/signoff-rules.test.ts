import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { bodyHasText, describeSignoffProblems, sameName, signoffProblems, type SignoffInput } from './signoff-rules';

const terms = (t: Partial<SignoffInput['terms']> = {}): SignoffInput['terms'] => ({
  amountInDisputeCents: null,
  amountAgreedCents: 48_000,
  feesWaivedCents: null,
  instalments: null,
  firstDueDate: null,
  monthlyAmountCents: null,
  noPayment: false,
  conditions: '',
  ...t,
});
const everyone = [{ role: 'customer' }, { role: 'platform' }, { role: 'mediator' }, { role: 'observer' }] as const;
/** A clause as `clauseConsent` gives it: each party's state on its current text. */
const clause = (number: number, customer: string, platform: string): SignoffInput['clauses'][number] => ({
  number,
  parties: { customer: { state: customer }, platform: { state: platform } },
});
const agreed = [clause(1, 'agreed', 'agreed'), clause(2, 'agreed', 'agreed')];
const plan = {
  planKind: 'equal_principal' as const,
  planPrincipalCents: 1_200_000,
  instalments: 12,
  firstDueDate: '2027-02-15',
  planStartDate: '2027-01-15',
};

describe('signoffProblems', () => {
  it('nothing missing with all three roles, text and the amount', () => {
    expect(signoffProblems({ signers: everyone, bodyHasText: true, terms: terms(), clauses: agreed })).toEqual([]);
  });
  it('names each missing role, the text and each missing key term', () => {
    expect(
      signoffProblems({
        signers: [{ role: 'customer' }, { role: 'observer' }],
        bodyHasText: false,
        terms: terms({ amountAgreedCents: null, instalments: 3 }),
        clauses: agreed,
      }),
    ).toEqual([
      { kind: 'missing_signer', role: 'platform' },
      { kind: 'missing_signer', role: 'mediator' },
      { kind: 'empty_text' },
      { kind: 'missing_term', term: 'amountAgreedCents' },
      { kind: 'missing_term', term: 'firstDueDate' },
      { kind: 'missing_term', term: 'monthlyAmountCents' },
    ]);
  });
  it('one instalment needs no schedule; "no payment" stands in for every amount, never for a signer', () => {
    expect(
      signoffProblems({ signers: everyone, bodyHasText: true, terms: terms({ instalments: 1 }), clauses: agreed }),
    ).toEqual([]);
    const noPayment = terms({ amountAgreedCents: null, instalments: 6, noPayment: true });
    expect(signoffProblems({ signers: everyone, bodyHasText: true, terms: noPayment, clauses: agreed })).toEqual([]);
    expect(
      signoffProblems({ signers: everyone.slice(1), bodyHasText: true, terms: noPayment, clauses: agreed }),
    ).toEqual([{ kind: 'missing_signer', role: 'customer' }]);
  });
});

describe('signoffProblems: clause consent', () => {
  it('names each clause a party has not agreed to as it reads now, and which party', () => {
    const clauses = [
      clause(1, 'agreed', 'agreed'),
      clause(2, 'pending', 'agreed'),
      clause(3, 'objected', 'pending'),
      clause(4, 'agreed', 'objected'),
    ];
    expect(signoffProblems({ signers: everyone, bodyHasText: true, terms: terms(), clauses })).toEqual([
      { kind: 'clause_not_agreed', clause: 2, roles: ['customer'] },
      { kind: 'clause_not_agreed', clause: 3, roles: ['customer', 'platform'] },
      { kind: 'clause_not_agreed', clause: 4, roles: ['platform'] },
    ]);
    expect(
      describeSignoffProblems(signoffProblems({ signers: everyone, bodyHasText: true, terms: terms(), clauses })),
    ).toContain('clause 3 is not agreed by the customer and platform');
  });
  it('"no payment" stands in for amounts, never for consent', () => {
    const noPayment = terms({ amountAgreedCents: null, noPayment: true });
    expect(
      signoffProblems({
        signers: everyone,
        bodyHasText: true,
        terms: noPayment,
        clauses: [clause(1, 'agreed', 'pending')],
      }),
    ).toEqual([{ kind: 'clause_not_agreed', clause: 1, roles: ['platform'] }]);
  });
  it('a complete repayment plan stands in for the key terms; an incomplete one is a problem of its own', () => {
    const planned = terms({ amountAgreedCents: null, ...plan });
    const clauses = agreed;
    expect(signoffProblems({ signers: everyone, bodyHasText: true, terms: planned, clauses })).toEqual([]);
    const incomplete = terms({ amountAgreedCents: null, ...plan, planStartDate: null });
    expect(signoffProblems({ signers: everyone, bodyHasText: true, terms: incomplete, clauses })).toEqual([
      { kind: 'plan_incomplete' },
    ]);
    // "No payment" does not excuse a plan that cannot be computed: the text would state it as incomplete.
    expect(
      signoffProblems({ signers: everyone, bodyHasText: true, terms: { ...incomplete, noPayment: true }, clauses }),
    ).toEqual([{ kind: 'plan_incomplete' }]);
  });
});

describe('bodyHasText', () => {
  const body = (...texts: string[]) => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('body');
    for (const text of texts) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      fragment.insert(fragment.length, [p]);
    }
    return fragment;
  };
  it('is false for nothing, blank or invisible characters, true for any visible one, however deep', () => {
    expect(bodyHasText(body())).toBe(false);
    expect(bodyHasText(body('', ' \u3000\n', '\u200b\u2060'))).toBe(false);
    expect(bodyHasText(body('', '退'))).toBe(true);
    const doc = new Y.Doc();
    const list = new Y.XmlElement('bulletList');
    const item = new Y.XmlElement('listItem');
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('<b>')]);
    item.insert(0, [p]);
    list.insert(0, [item]);
    doc.getXmlFragment('body').insert(0, [list]);
    expect(bodyHasText(doc.getXmlFragment('body'))).toBe(true);
  });
});

describe('sameName', () => {
  it('ignores spacing, width and case; nothing else', () => {
    expect(sameName(' 王 女士 ', '王女士')).toBe(true);
    expect(sameName('ｗａｎｇ fang', 'Wang Fang')).toBe(true);
    expect(sameName('王女', '王女士')).toBe(false);
    expect(sameName('李华', '王女士')).toBe(false);
    expect(sameName('   ', '')).toBe(false);
  });
});
