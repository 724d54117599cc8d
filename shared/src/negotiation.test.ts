import { describe, expect, it } from 'vitest';
import {
  ClauseId,
  ConsentPayload,
  MAX_OFFER_CENTS,
  OBJECTION_MAX,
  OfferPayload,
  clauseAuthor,
  clauseConsent,
  resolveOffers,
  type ConsentEntry,
} from './negotiation';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const clauses = [
  { id: '7.0', number: 1, hash: H1 },
  { id: 'terms', number: 2, hash: H2 },
];

let seq = 0;
const entry = (
  over: Partial<Pick<ConsentEntry, 'seq' | 'clauseId' | 'hash' | 'role' | 'state' | 'reason'>>,
): Pick<ConsentEntry, 'seq' | 'clauseId' | 'hash' | 'role' | 'state' | 'reason' | 'at'> => {
  seq += 1;
  return {
    seq,
    clauseId: '7.0',
    hash: H1,
    role: 'customer',
    state: 'agreed',
    reason: '',
    at: `2027-01-15T08:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    ...over,
  };
};

describe('clause consent', () => {
  it('every clause is pending for both parties before anyone speaks', () => {
    const view = clauseConsent(clauses, []);
    expect(view.map((c) => [c.id, c.number, c.agreed])).toEqual([
      ['7.0', 1, false],
      ['terms', 2, false],
    ]);
    for (const c of view) {
      expect(c.parties).toEqual({
        customer: { state: 'pending', reset: false },
        platform: { state: 'pending', reset: false },
      });
    }
  });

  it('a clause is agreed when both parties agreed to its current text, and only that clause', () => {
    const view = clauseConsent(clauses, [entry({}), entry({ role: 'platform' })]);
    expect(view[0]?.agreed).toBe(true);
    expect(view[0]?.parties.customer).toMatchObject({ state: 'agreed', reason: '' });
    expect(view[1]?.agreed).toBe(false);
    // One party alone does not make a clause agreed.
    expect(clauseConsent(clauses, [entry({})])[0]?.agreed).toBe(false);
  });

  it('a party’s latest word counts, by sequence, whatever order the entries arrive in', () => {
    const objected = entry({ state: 'objected', reason: '利率太高' });
    const agreed = entry({});
    const platform = entry({ role: 'platform' });
    for (const order of [
      [objected, agreed, platform],
      [platform, agreed, objected],
    ]) {
      const view = clauseConsent(clauses, order);
      expect(view[0]?.parties.customer).toEqual({ state: 'agreed', reason: '', at: agreed.at });
      expect(view[0]?.agreed).toBe(true);
    }
    // And the other way round: an objection after agreeing withdraws the agreement.
    const again = entry({ state: 'objected', reason: '改主意了' });
    const view = clauseConsent(clauses, [objected, agreed, platform, again]);
    expect(view[0]?.parties.customer).toEqual({ state: 'objected', reason: '改主意了', at: again.at });
    expect(view[0]?.agreed).toBe(false);
  });

  it('an edit resets consent: what was given to the old text leaves the party pending, marked reset', () => {
    const given = [entry({}), entry({ role: 'platform', state: 'objected', reason: '措辞不清' })];
    const edited = [{ id: '7.0', number: 1, hash: H2 }];
    const view = clauseConsent(edited, given);
    expect(view[0]?.parties).toEqual({
      customer: { state: 'pending', reset: true },
      platform: { state: 'pending', reset: true },
    });
    expect(view[0]?.agreed).toBe(false);
    // Consent given to the new text counts again; the old entries stay out of it.
    const renewed = clauseConsent(edited, [...given, entry({ hash: H2 }), entry({ hash: H2, role: 'platform' })]);
    expect(renewed[0]?.agreed).toBe(true);
    // An edit back to the earlier text brings back the consent given to it.
    expect(clauseConsent(clauses, given)[0]?.parties.customer.state).toBe('agreed');
  });

  it('consent to one clause says nothing of another', () => {
    const view = clauseConsent(clauses, [
      entry({ clauseId: 'terms', hash: H1 }),
      entry({ clauseId: 'terms', hash: H2, role: 'platform' }),
    ]);
    expect(view[0]?.parties.customer).toEqual({ state: 'pending', reset: false });
    // The customer's consent to "terms" was for another text (here, clause 1's hash): it is a reset.
    expect(view[1]?.parties.customer).toEqual({ state: 'pending', reset: true });
    expect(view[1]?.parties.platform.state).toBe('agreed');
  });

  it('a clause’s proposer is the author of its Yjs client; the terms clause has none', () => {
    const authors = [
      { client: 7, userId: '00000000-0000-4000-8000-000000000001', role: 'mediator', displayName: '张' },
    ];
    expect(clauseAuthor(7, authors)?.role).toBe('mediator');
    expect(clauseAuthor(8, authors)).toBeNull();
    expect(clauseAuthor(null, authors)).toBeNull();
  });
});

describe('blind offers', () => {
  it('overlap when the customer asks at most what the lender would pay; the midpoint, rounded down', () => {
    expect(resolveOffers(100_000, 200_000)).toEqual({ overlap: true, midpointCents: 150_000 });
    expect(resolveOffers(150_000, 150_000)).toEqual({ overlap: true, midpointCents: 150_000 });
    // Half a cent is dropped: never above what the lender offered.
    expect(resolveOffers(100_000, 200_001)).toEqual({ overlap: true, midpointCents: 150_000 });
    expect(resolveOffers(1, 2)).toEqual({ overlap: true, midpointCents: 1 });
    expect(resolveOffers(MAX_OFFER_CENTS - 1, MAX_OFFER_CENTS)).toEqual({
      overlap: true,
      midpointCents: MAX_OFFER_CENTS - 1,
    });
  });

  it('no overlap, no midpoint', () => {
    expect(resolveOffers(200_001, 200_000)).toEqual({ overlap: false, midpointCents: null });
    expect(resolveOffers(MAX_OFFER_CENTS, 1)).toEqual({ overlap: false, midpointCents: null });
  });

  it('an offer is a positive whole number of cents, at most the limit, and nothing else', () => {
    expect(OfferPayload.parse({ amountCents: 1 })).toEqual({ amountCents: 1 });
    expect(OfferPayload.parse({ amountCents: MAX_OFFER_CENTS }).amountCents).toBe(MAX_OFFER_CENTS);
    for (const bad of [
      { amountCents: 0 },
      { amountCents: -100 },
      { amountCents: 100.5 },
      { amountCents: MAX_OFFER_CENTS + 1 },
      { amountCents: 1e300 },
      { amountCents: Number.POSITIVE_INFINITY },
      { amountCents: Number.NaN },
      { amountCents: '100' },
      { amountCents: null },
      {},
      { amountCents: 100, round: 2 },
    ]) {
      expect(OfferPayload.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const negative = OfferPayload.safeParse({ amountCents: -1 });
    expect(negative.error?.issues[0]?.message).toBe('an offer is a positive amount');
  });
});

describe('the consent payload', () => {
  const ok = { clauseId: '12345.67', hash: H1, state: 'agreed' as const };

  it('takes an agreement without a reason, and an objection with one (trimmed, NFC)', () => {
    expect(ConsentPayload.parse(ok)).toEqual({ ...ok, reason: '' });
    expect(ConsentPayload.parse({ ...ok, clauseId: 'terms', state: 'objected', reason: '  e\u0301tat  ' })).toEqual({
      ...ok,
      clauseId: 'terms',
      state: 'objected',
      reason: '\u00e9tat',
    });
    expect(ConsentPayload.parse({ ...ok, state: 'objected', reason: '太高' }).reason).toBe('太高');
  });

  it('refuses an objection without a reason, and a reason on an agreement, naming the reason field', () => {
    for (const bad of [
      { ...ok, state: 'objected' },
      { ...ok, state: 'objected', reason: '   ' },
      { ...ok, state: 'objected', reason: ' x ' },
      { ...ok, state: 'objected', reason: '😀' },
      { ...ok, state: 'objected', reason: 'x'.repeat(OBJECTION_MAX + 1) },
      { ...ok, reason: 'because' },
    ]) {
      const parsed = ConsentPayload.safeParse(bad);
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['reason']);
    }
    expect(ConsentPayload.safeParse({ ...ok, state: 'objected', reason: 'x'.repeat(OBJECTION_MAX) }).success).toBe(
      true,
    );
  });

  it('refuses a clause id, hash or state that cannot be, and any other key', () => {
    for (const bad of [
      { ...ok, clauseId: 'clause-1' },
      { ...ok, clauseId: '1.2.3' },
      { ...ok, clauseId: '' },
      { ...ok, hash: H1.toUpperCase() },
      { ...ok, hash: H1.slice(1) },
      { ...ok, state: 'pending' },
      { ...ok, extra: true },
    ]) {
      expect(ConsentPayload.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(ClauseId.safeParse('terms').success).toBe(true);
    expect(ClauseId.safeParse('4294967295.0').success).toBe(true);
  });
});
