import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AgreementDoc, hashedClauses, type ConsentEntry, type NegotiationState } from '@accord/shared';
import { en } from '../i18n/en';
import type { RoomApi } from '../room/useRoom';
import { ConsentPanel } from './ConsentPanel';
import { consentRows } from './consentView';
import { OffersPanel } from './OffersPanel';
import { RoundsPanel } from './RoundsPanel';

const i18n = i18next.createInstance();
await i18n.use(initReactI18next).init({
  lng: 'en',
  resources: { en: { translation: en } },
  interpolation: { escapeValue: false },
});

const render = (el: ReactElement) => {
  const html = renderToStaticMarkup(createElement(I18nextProvider, { i18n }, el));
  // Every string came from the locale: no key, cent amount or ISO time leaks onto the screen.
  expect(html).not.toMatch(/negotiation\.|plan\.|\d{4}-\d{2}-\d{2}T/);
  return html;
};
const dom = (html: string) => new DOMParserLike(html);

/** Enough of a DOM query for static markup: the attributes of the element with a test id. */
class DOMParserLike {
  constructor(private readonly html: string) {}
  has(testId: string): boolean {
    return this.html.includes(`data-testid="${testId}"`);
  }
  attrs(testId: string): Record<string, string> {
    const m = new RegExp(
      `<[a-z]+((?:\\s+[\\w-]+="[^"]*")*?)\\s+data-testid="${testId}"((?:\\s+[\\w-]+="[^"]*")*)`,
    ).exec(this.html);
    if (!m) throw new Error(`no ${testId}`);
    return Object.fromEntries(
      [...`${m[1]}${m[2]}`.matchAll(/([\w-]+)="([^"]*)"/g)].map((a): [string, string] => [a[1] ?? '', a[2] ?? '']),
    );
  }
}

const room = { me: 'u-me', ask: () => Promise.resolve({ ok: false }) } as unknown as RoomApi;

async function rows(entries: (c: { id: string; hash: string }[]) => ConsentEntry[]) {
  const doc = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText('The lender refunds ¥300.')]);
  doc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
  const clauses = await hashedClauses(doc, 'en');
  return consentRows(clauses, entries(clauses), [
    { client: doc.clientID, userId: 'u-m', role: 'mediator', displayName: 'Ms Li' },
  ]);
}

const agreed = (clauseId: string, hash: string, role: 'customer' | 'platform'): ConsentEntry => ({
  seq: role === 'customer' ? 1 : 2,
  clauseId,
  hash,
  userId: `u-${role}`,
  role,
  displayName: role,
  state: 'agreed',
  reason: '',
  at: '2027-01-01T00:00:00.000Z',
});

describe('the consent panel (UI contract)', () => {
  it('shows each clause with its state in data attributes, and buttons for a party', async () => {
    const r = await rows((c) => [agreed(c[0]!.id, c[0]!.hash, 'customer'), agreed(c[0]!.id, c[0]!.hash, 'platform')]);
    const html = render(createElement(ConsentPanel, { room, rows: r, myRole: 'customer', language: 'zh-CN' }));
    const d = dom(html);
    expect(d.has('consent')).toBe(true);
    expect(d.attrs('clause-1')).toMatchObject({
      'data-agreed': 'true',
      'data-customer': 'agreed',
      'data-platform': 'agreed',
    });
    expect(d.attrs('clause-1')['data-clause-id']).toMatch(/^\d+\.\d+$/);
    expect(d.attrs('clause-2')).toMatchObject({ 'data-clause-id': 'terms', 'data-agreed': 'false' });
    expect(d.has('clause-2-agree')).toBe(true);
    expect(d.has('clause-2-object')).toBe(true);
    // Already agreed: agreeing again is pointless.
    expect(d.attrs('clause-1-agree')).toHaveProperty('disabled');
    expect(html).toContain('Proposed by Ms Li (Mediator)');
    expect(d.has('clause-1-reset')).toBe(false);
  });

  it('says a clause changed since a party agreed, and gives no buttons to the mediator', async () => {
    const r = await rows((c) => [agreed(c[0]!.id, 'f'.repeat(64), 'platform')]);
    const html = render(createElement(ConsentPanel, { room, rows: r, myRole: null, language: 'zh-CN' }));
    const d = dom(html);
    expect(d.has('clause-1-reset')).toBe(true);
    expect(html).toContain('Changed since Platform agreed.');
    expect(d.has('clause-1-agree')).toBe(false);
    expect(d.has('clause-1-object')).toBe(false);
  });
});

describe('the blind-offer panel (UI contract)', () => {
  const at = '2027-01-01T00:00:00.000Z';
  const offers: NegotiationState['offers'] = {
    limit: 3,
    rounds: [
      { round: 1, submitted: { customer: true, platform: true }, result: { overlap: false, midpointCents: null, at } },
      { round: 2, submitted: { customer: true, platform: false }, result: null },
    ],
  };

  it('shows who has submitted and each result, never an amount, and an input to a party that has not', () => {
    const html = render(createElement(OffersPanel, { room, offers, caseId: 'c1', myRole: 'platform' }));
    const d = dom(html);
    expect(d.attrs('offer-status')).toMatchObject({
      'data-round': '2',
      'data-customer-submitted': 'true',
      'data-platform-submitted': 'false',
    });
    expect(d.attrs('offer-result-1')).toMatchObject({ 'data-overlap': 'false' });
    expect(d.has('offer-amount')).toBe(true);
    expect(d.has('offer-submit')).toBe(true);
    expect(html).toContain('2 of 3 rounds left');
    expect(html).not.toMatch(/¥\d/);
  });

  it('gives the mediator the status only, and a party that submitted no second input', () => {
    const mediator = dom(render(createElement(OffersPanel, { room, offers, caseId: 'c1', myRole: null })));
    expect(mediator.has('offer-status')).toBe(true);
    expect(mediator.has('offer-amount')).toBe(false);
    const customer = dom(render(createElement(OffersPanel, { room, offers, caseId: 'c1', myRole: 'customer' })));
    expect(customer.has('offer-amount')).toBe(false);
  });

  it('shows the midpoint proposed when the offers met', () => {
    const met: NegotiationState['offers'] = {
      limit: 3,
      rounds: [
        {
          round: 1,
          submitted: { customer: true, platform: true },
          result: { overlap: true, midpointCents: 45_050, at },
        },
      ],
    };
    const html = render(createElement(OffersPanel, { room, offers: met, caseId: 'c1', myRole: 'customer' }));
    expect(dom(html).attrs('offer-result-1')).toMatchObject({ 'data-overlap': 'true' });
    expect(html).toContain('The midpoint, ¥450.50, is proposed');
    expect(dom(html).has('offer-amount')).toBe(false);
  });
});

describe('the rounds panel (UI contract)', () => {
  const rounds = [
    {
      n: 1,
      closedAt: '2027-01-01T02:00:00.000Z',
      closedBy: { userId: 'u-m', role: 'mediator', displayName: 'Ms Li' },
      note: 'fees settled',
      fingerprint: 'ab'.repeat(32),
    },
  ];
  const props = { room, rounds, doc: null, caseNumber: 'AC-1', language: 'en' as const, timeZone: 'Asia/Shanghai' };

  it('lists the rounds with a view button and a comparison, and the close button for the mediator', () => {
    const d = dom(render(createElement(RoundsPanel, { ...props, isMediator: true })));
    expect(d.has('round-close')).toBe(true);
    expect(d.has('rounds')).toBe(true);
    expect(d.has('round-1')).toBe(true);
    expect(d.has('round-1-view')).toBe(true);
    expect(d.has('round-diff')).toBe(true);
    expect(d.has('round-diff-from')).toBe(true);
    expect(d.has('round-diff-to')).toBe(true);
    expect(d.has('round-diff-output')).toBe(true);
  });

  it('writes who closed a round and when in words, with a short fingerprint; no close button for others', () => {
    const html = render(createElement(RoundsPanel, { ...props, isMediator: false }));
    expect(html).toContain('closed 1 Jan 2027, 10:00 by Ms Li (Mediator)');
    expect(html).toContain(`fingerprint ${'ab'.repeat(6)}`);
    expect(html).toContain('fees settled');
    expect(dom(html).has('round-close')).toBe(false);
  });
});
