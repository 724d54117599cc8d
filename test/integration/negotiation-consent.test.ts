import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, clauseConsent, verifyOutcome, type NegotiationState, type OutcomeStatus } from '@accord/shared';
import { appendParagraph } from '../helpers/agreement-body';
import { connectDoc, connectRoom, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { emit, emitUnchecked } from '../helpers/emit';
import { agreeToEveryClause, readClauses, type HashedClause } from '../helpers/negotiation';
import { NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * Clause-by-clause consent (issue 18): each party agrees to or objects to each clause's text as it
 * reads now; an edit resets it; signing opens only when both parties agreed every clause; the sealed
 * record lists each clause's history. Bad input is refused naming the problem and changes nothing.
 */
describe('clause-by-clause consent', () => {
  let t: TestServer;
  let c: TestCase;
  let mediator: RoomClient;
  let customer: RoomClient;
  let platform: RoomClient;
  let observer: RoomClient;
  let customerDoc: DocClient;
  let platformDoc: DocClient;
  const FIRST = '平台退还服务费 480 元。';
  const SECOND = '申请人撤回投诉。';

  const consent = (who: RoomClient, clause: HashedClause, state: 'agreed' | 'objected', reason = '') =>
    emit(who, 'consent:set', { clauseId: clause.id, hash: clause.hash, state, reason });
  const latest = (who: RoomClient) => who.negotiation.at(-1);
  /** What is stored: consent, and the audit log's length (a refusal changes neither). */
  const stored = async () => ({
    consent: await t.server.store.listConsent(c.caseId),
    audit: (await t.server.audit.all(c.caseId)).length,
  });

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('Consent');
    [mediator, customer, platform, observer] = await Promise.all([
      connectRoom(t.url, c.tokens.mediator, c.caseId),
      connectRoom(t.url, c.tokens.customer, c.caseId),
      connectRoom(t.url, c.tokens.platform, c.caseId),
      connectRoom(t.url, c.tokens.observer, c.caseId),
    ]);
    // The customer proposes two clauses and the amount; the platform's copy follows.
    customerDoc = connectDoc(t.url, c.caseId, c.tokens.customer);
    platformDoc = connectDoc(t.url, c.caseId, c.tokens.platform);
    await Promise.all([waitSynced(customerDoc), waitSynced(platformDoc)]);
    customerDoc.doc.transact(() => {
      appendParagraph(customerDoc.doc, FIRST);
      appendParagraph(customerDoc.doc, SECOND);
      customerDoc.doc.getMap(AgreementDoc.terms).set('amountAgreedCents', 48_000);
    });
    await waitFor(
      () =>
        platformDoc.doc.getMap(AgreementDoc.terms).get('amountAgreedCents') === 48_000 &&
        platformDoc.doc.getXmlFragment(AgreementDoc.body).length === 2,
      'the draft relayed',
    );
  });
  afterAll(async () => {
    [mediator, customer, platform, observer].forEach((x) => x.close());
    [customerDoc, platformDoc].forEach((d) => d.destroy());
    await t.close();
  });

  it('the agreement is its clauses: each block of text, then the terms; the customer proposed the two', async () => {
    const clauses = await readClauses(customer);
    expect(clauses.map((x) => [x.number, x.kind, x.text])).toEqual([
      [1, 'text', FIRST],
      [2, 'text', SECOND],
      [3, 'terms', expect.stringContaining('480.00')],
    ]);
    // Who writes with the customer's Yjs client is known (bound with its first update), for everyone.
    const state = (await emit(observer, 'negotiation:state', {})).data as NegotiationState;
    expect(state.authors).toContainEqual({
      client: customerDoc.doc.clientID,
      userId: c.userIds.customer,
      role: 'customer',
      displayName: NAMES.customer,
    });
    expect(clauses[0]?.client).toBe(customerDoc.doc.clientID);
    expect(state).toMatchObject({ consent: [], rounds: [], offers: { rounds: [] } });
  });

  it('a party agrees, the other objects with a reason: stored, audited, and everyone in the room sees it', async () => {
    const [first] = await readClauses(customer);
    const agreed = await consent(customer, first!, 'agreed');
    expect(agreed.error).toBeUndefined();
    expect(agreed.data?.consent).toEqual([
      expect.objectContaining({ seq: 1, clauseId: first!.id, hash: first!.hash, role: 'customer', state: 'agreed' }),
    ]);
    const objected = await consent(platform, first!, 'objected', '  退款期限应写明  ');
    expect(objected.error).toBeUndefined();
    for (const who of [mediator, customer, platform, observer]) {
      await waitFor(() => latest(who)?.consent.length === 2, `${who.welcomes[0]?.you.role} sees both`);
    }
    const [standing] = clauseConsent([first!], latest(observer)!.consent);
    expect(standing?.parties).toEqual({
      customer: { state: 'agreed', reason: '', at: expect.any(String) },
      // Trimmed as stored.
      platform: { state: 'objected', reason: '退款期限应写明', at: expect.any(String) },
    });
    expect(standing?.agreed).toBe(false);
    const audited = (await t.server.audit.all(c.caseId)).filter((e) => e.kind === 'consent.given');
    expect(audited.map((e) => e.data)).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ role: 'customer' }),
        detail: expect.objectContaining({ clause: 1, clauseId: first!.id, state: 'agreed', reasonGiven: false }),
      }),
      expect.objectContaining({
        actor: expect.objectContaining({ role: 'platform' }),
        detail: expect.objectContaining({ clause: 1, state: 'objected', reasonGiven: true }),
      }),
    ]);
    // A party's later word replaces its earlier one.
    expect((await consent(platform, first!, 'agreed')).ok).toBe(true);
    await waitFor(() => clauseConsent([first!], latest(customer)?.consent ?? [])[0]?.agreed, 'agreed by both');
  });

  it('an edit of a clause resets its consent: the earlier consent stays in the history but no longer counts', async () => {
    const before = await readClauses(customer);
    const second = before[1]!;
    expect((await consent(customer, second, 'agreed')).ok).toBe(true);
    expect((await consent(platform, second, 'agreed')).ok).toBe(true);
    await waitFor(() => clauseConsent(before, latest(mediator)?.consent ?? [])[1]?.agreed, 'clause 2 agreed');
    // The platform edits clause 2 in its own copy: a new Yjs client, whose author everyone learns.
    const authors = latest(mediator)!.authors.length;
    const text = platformDoc.doc.getXmlFragment(AgreementDoc.body).get(1) as Y.XmlElement;
    (text.get(0) as Y.XmlText).insert(0, '六十日内，');
    await waitFor(async () => (await readClauses(customer))[1]?.hash !== second.hash, 'the edit stored');
    const after = await readClauses(customer);
    expect(after[1]).toMatchObject({ id: second.id, number: 2, text: `六十日内，${SECOND}` });
    for (const who of [mediator, customer, observer]) {
      await waitFor(() => (latest(who)?.authors.length ?? 0) > authors, 'the new author sent to everyone');
      const standing = clauseConsent(after, latest(who)!.consent);
      expect(standing[1]?.parties).toEqual({
        customer: { state: 'pending', reset: true },
        platform: { state: 'pending', reset: true },
      });
      // The other clauses stand.
      expect(standing[0]?.agreed).toBe(true);
    }
    expect(latest(mediator)!.authors).toContainEqual(
      expect.objectContaining({ client: platformDoc.doc.clientID, userId: c.userIds.platform, role: 'platform' }),
    );
    // Consent to the text as it was is refused: the clause changed.
    const before2 = await stored();
    const stale = await consent(customer, second, 'agreed');
    expect(stale.error).toMatchObject({
      code: 'CONFLICT',
      reason: 'negotiation.clauseChanged',
      message: 'the clause changed; read it again',
      params: { clause: 2 },
    });
    expect(await stored()).toEqual(before2);
  });

  it('signing stays closed until both parties agreed every clause, the refusal naming each clause', async () => {
    const before = { ...(await stored()), phase: (await t.server.store.getRoomState(c.caseId)).phase };
    const refused = await emit(mediator, 'room:phase', { phase: 'signing' });
    expect(refused.error).toMatchObject({ code: 'INVALID_TRANSITION', reason: 'signing.notReady' });
    expect(refused.error?.message).toContain('clause 2 is not agreed by the customer and platform');
    expect(refused.error?.message).toContain('clause 3 is not agreed by the customer and platform');
    expect(refused.error?.message).not.toContain('clause 1');
    expect(await t.server.store.currentFreeze(c.caseId)).toBeNull();
    expect({ ...(await stored()), phase: (await t.server.store.getRoomState(c.caseId)).phase }).toEqual(before);
    // The customer alone is not enough.
    const clauses = await readClauses(customer);
    for (const clause of clauses) expect((await consent(customer, clause, 'agreed')).ok).toBe(true);
    const still = await emit(mediator, 'room:phase', { phase: 'signing' });
    expect(still.error?.message).toContain('clause 2 is not agreed by the platform');
    expect(still.error?.message).not.toContain('customer and');
  });

  it('once both agreed every clause, the text is frozen and signed; the sealed record lists each clause’s history', async () => {
    const r1 = await emit(mediator, 'round:close', { note: '第一轮' });
    expect(r1.ok).toBe(true);
    const clauses = await agreeToEveryClause({ customer, platform }, { watchers: [mediator, observer] });
    expect((await emit(mediator, 'room:phase', { phase: 'signing' })).ok).toBe(true);
    const status = (await emit(customer, 'outcome:status', {})).data as OutcomeStatus;
    const fingerprint = status.freeze!.fingerprint;
    // While signing, consent stands as it is: none is taken.
    const late = await consent(customer, clauses[0]!, 'objected', '我改主意了');
    expect(late.error).toMatchObject({
      code: 'PHASE_RULES',
      reason: 'negotiation.notNow',
      params: { phase: 'signing' },
    });
    let sealed: OutcomeStatus['sealed'] = null;
    for (const role of ['customer', 'platform', 'mediator'] as const) {
      const who = { customer, platform, mediator }[role];
      const signed = await emit(who, 'outcome:sign', { fingerprint, fullName: NAMES[role], secret: c.pins[role] });
      expect(signed.error).toBeUndefined();
      sealed = signed.data!.sealed;
    }
    expect((await verifyOutcome(sealed)).ok).toBe(true);
    const record = sealed!.record;
    expect(record.format).toBe('accord.outcome/3');
    expect(record.clauses?.map((x) => [x.number, x.id, x.hash])).toEqual(clauses.map((x) => [x.number, x.id, x.hash]));
    const [one, two, terms] = record.clauses!;
    // Masked names: the record carries no one's name in the clear.
    expect(one?.proposedBy).toEqual({ role: 'customer', name: '王**' });
    expect(terms?.proposedBy).toBeNull();
    expect(one?.history.map((h) => [h.role, h.name, h.state, h.reason])).toEqual([
      ['customer', '王**', 'agreed', ''],
      ['platform', '李*', 'objected', '退款期限应写明'],
      ['platform', '李*', 'agreed', ''],
      ['customer', '王**', 'agreed', ''],
      ['customer', '王**', 'agreed', ''],
      ['platform', '李*', 'agreed', ''],
    ]);
    // Clause 2's first consents were given to its text before the edit: their hash is not the clause's.
    expect(two?.history.filter((h) => h.hash !== two.hash).map((h) => h.role)).toEqual(['customer', 'platform']);
    expect(two?.history.filter((h) => h.hash === two.hash).map((h) => h.role)).toEqual([
      'customer',
      'customer',
      'platform',
    ]);
    expect(record.rounds).toEqual([{ n: 1, closedAt: r1.data!.closedAt, fingerprint: r1.data!.fingerprint }]);
    expect(record.hardship).toBeNull();
    expect(JSON.stringify(record)).not.toContain(NAMES.customer);
    // Concluded: nothing more is taken.
    expect((await consent(platform, clauses[0]!, 'agreed')).error?.code).toBe('PHASE_RULES');
  });
});

describe('consent refused: bad input, wrong roles, wrong phases', () => {
  let t: TestServer;
  let c: TestCase;
  let rooms: Record<'mediator' | 'customer' | 'platform' | 'observer', RoomClient>;
  let clauses: HashedClause[];
  const stored = async (caseId = c.caseId) => ({
    consent: await t.server.store.listConsent(caseId),
    audit: (await t.server.audit.all(caseId)).length,
  });

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('Consent refused');
    const entries = await Promise.all(
      (['mediator', 'customer', 'platform', 'observer'] as const).map(
        async (r) => [r, await connectRoom(t.url, c.tokens[r], c.caseId)] as const,
      ),
    );
    rooms = Object.fromEntries(entries) as typeof rooms;
    const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await waitSynced(writer);
    appendParagraph(writer.doc, '第一条');
    await waitFor(async () => (await readClauses(rooms.customer)).length === 2, 'the clause stored');
    writer.destroy();
    clauses = await readClauses(rooms.customer);
  });
  afterAll(async () => {
    Object.values(rooms).forEach((x) => x.close());
    await t.close();
  });

  it('each bad consent is refused naming the problem, and changes nothing stored', async () => {
    const [clause] = clauses;
    const good = { clauseId: clause!.id, hash: clause!.hash, state: 'agreed', reason: '' };
    const before = await stored();
    const cases: [string, unknown, Record<string, unknown>][] = [
      [
        'a clause that does not exist',
        { ...good, clauseId: '4242.7' },
        { code: 'NOT_FOUND', reason: 'negotiation.noSuchClause', params: { clauseId: '4242.7' } },
      ],
      [
        'a hash that is not the clause’s',
        { ...good, hash: 'e'.repeat(64) },
        { code: 'CONFLICT', reason: 'negotiation.clauseChanged' },
      ],
      [
        'an objection without a reason',
        { ...good, state: 'objected' },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'reason' })] },
      ],
      [
        'an objection whose reason is one character',
        { ...good, state: 'objected', reason: ' 不 ' },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'reason' })] },
      ],
      [
        'an agreement with a reason',
        { ...good, reason: '可以' },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'reason' })] },
      ],
      [
        'a reason too long',
        { ...good, state: 'objected', reason: '长'.repeat(281) },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'reason' })] },
      ],
      [
        'a clause id of no clause shape',
        { ...good, clauseId: '../terms' },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'clauseId' })] },
      ],
      [
        'a hash that is no SHA-256',
        { ...good, hash: 'ABC' },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'hash' })] },
      ],
      [
        'a state that is neither',
        { ...good, state: 'maybe' },
        { code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'state' })] },
      ],
      ['an unknown key', { ...good, role: 'platform' }, { code: 'VALIDATION_FAILED' }],
      ['no payload at all', null, { code: 'VALIDATION_FAILED' }],
    ];
    for (const [what, payload, error] of cases) {
      const reply = await emitUnchecked(rooms.customer, 'consent:set', payload);
      expect(reply.error, what).toMatchObject(error);
    }
    expect(await stored()).toEqual(before);
    // The room still works: the same consent, well formed, is taken.
    expect((await emitUnchecked(rooms.customer, 'consent:set', good)).ok).toBe(true);
  });

  it('the mediator and an observer do not consent; a party does not close a round', async () => {
    const [clause] = clauses;
    const payload = { clauseId: clause!.id, hash: clause!.hash, state: 'agreed' as const, reason: '' };
    const before = await stored();
    for (const who of [rooms.mediator, rooms.observer]) {
      expect((await emit(who, 'consent:set', payload)).error).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'negotiation.partiesOnly',
      });
    }
    for (const who of [rooms.customer, rooms.platform, rooms.observer]) {
      expect((await emit(who, 'round:close', { note: '' })).error).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'room.mediatorOnly',
      });
    }
    expect(await stored()).toEqual(before);
    expect(await t.server.store.listRounds(c.caseId)).toEqual([]);
  });

  it('before the session opens nobody consents and no round is closed', async () => {
    const later = await t.createCase('Not yet open', { phase: 'scheduled' });
    const customer = await connectRoom(t.url, later.tokens.customer, later.caseId);
    const mediator = await connectRoom(t.url, later.tokens.mediator, later.caseId);
    try {
      const terms = (await readClauses(customer)).at(-1)!;
      const before = await stored(later.caseId);
      const refused = await emit(customer, 'consent:set', {
        clauseId: terms.id,
        hash: terms.hash,
        state: 'agreed',
        reason: '',
      });
      expect(refused.error).toMatchObject({
        code: 'PHASE_RULES',
        reason: 'negotiation.notNow',
        params: { phase: 'scheduled' },
      });
      expect((await emit(mediator, 'round:close', { note: '' })).error).toMatchObject({
        code: 'PHASE_RULES',
        reason: 'negotiation.notNow',
      });
      expect(await stored(later.caseId)).toEqual(before);
      expect(await t.server.store.listRounds(later.caseId)).toEqual([]);
    } finally {
      customer.close();
      mediator.close();
    }
  });
});
