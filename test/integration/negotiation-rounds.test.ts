import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, type NegotiationState, type RoundView } from '@accord/shared';
import { appendParagraph } from '../helpers/agreement-body';
import { connectDoc, connectRoom, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { emit, emitUnchecked } from '../helpers/emit';
import { readClauses } from '../helpers/negotiation';
import { NAMES, makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Negotiation rounds (issue 18): the mediator closes a round; the agreement's canonical text, terms
 * and where consent stood are snapshotted into the store (a restart keeps them); anyone in the room
 * reads any round.
 */
describe('negotiation rounds', () => {
  const dataDir = makeTempDir('accord-rounds-');
  let t: TestServer;
  let c: TestCase;
  let mediator: RoomClient;
  let customer: RoomClient;
  let platform: RoomClient;
  let observer: RoomClient;
  let writer: DocClient;
  let first: RoundView;

  const connectAll = async () => {
    [mediator, customer, platform, observer] = await Promise.all([
      connectRoom(t.url, c.tokens.mediator, c.caseId),
      connectRoom(t.url, c.tokens.customer, c.caseId),
      connectRoom(t.url, c.tokens.platform, c.caseId),
      connectRoom(t.url, c.tokens.observer, c.caseId),
    ]);
  };
  const closeAll = () => [mediator, customer, platform, observer].forEach((x) => x.close());

  beforeAll(async () => {
    t = await startServer({ dataDir });
    c = await t.createCase('Rounds');
    await connectAll();
    writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await waitSynced(writer);
    writer.doc.transact(() => {
      appendParagraph(writer.doc, '平台减免利息 1 200 元。');
      writer.doc.getMap(AgreementDoc.terms).set('amountAgreedCents', 360_000);
    });
    await waitFor(async () => (await readClauses(customer)).length === 2, 'the draft stored');
  });
  afterAll(async () => {
    closeAll();
    writer.destroy();
    await t.close();
  });

  it('the mediator closes a round: text, terms and consent are snapshotted, audited and announced', async () => {
    const [clause] = await readClauses(customer);
    expect(
      (await emit(customer, 'consent:set', { clauseId: clause!.id, hash: clause!.hash, state: 'agreed', reason: '' }))
        .ok,
    ).toBe(true);
    expect(
      (
        await emit(platform, 'consent:set', {
          clauseId: clause!.id,
          hash: clause!.hash,
          state: 'objected',
          reason: '减免金额需复核',
        })
      ).ok,
    ).toBe(true);
    const closed = await emit(mediator, 'round:close', { note: '  利息减免待定  ' });
    expect(closed.error).toBeUndefined();
    expect(closed.data).toEqual({
      n: 1,
      closedAt: expect.any(String),
      closedBy: { userId: c.userIds.mediator, role: 'mediator', displayName: NAMES.mediator },
      note: '利息减免待定',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    for (const who of [mediator, customer, platform, observer]) {
      await waitFor(() => who.negotiation.at(-1)?.rounds.length === 1, 'everyone sees the round');
    }
    expect(observer.negotiation.at(-1)?.rounds).toEqual([closed.data]);
    const got = await emit(observer, 'round:get', { n: 1 });
    expect(got.error).toBeUndefined();
    first = got.data!;
    expect(first).toMatchObject({ ...closed.data, terms: expect.objectContaining({ amountAgreedCents: 360_000 }) });
    expect(sha256(first.text)).toBe(first.fingerprint);
    expect(first.text).toContain('平台减免利息 1 200 元。');
    expect(first.clauses).toEqual([
      {
        id: clause!.id,
        number: 1,
        hash: clause!.hash,
        text: '平台减免利息 1 200 元。',
        agreedBy: ['customer'],
        objectedBy: ['platform'],
      },
      expect.objectContaining({ id: 'terms', number: 2, agreedBy: [], objectedBy: [] }),
    ]);
    const audited = (await t.server.audit.all(c.caseId)).filter((e) => e.kind === 'round.closed');
    expect(audited.map((e) => e.data)).toEqual([
      expect.objectContaining({ detail: { n: 1, fingerprint: first.fingerprint } }),
    ]);
  });

  it('a later round snapshots the text as it reads then; each round reads back as it was', async () => {
    writer.doc.getMap(AgreementDoc.terms).set('amountAgreedCents', 300_000);
    await waitFor(async () => (await readClauses(customer))[1]?.text.includes('3,000.00') ?? false, 'stored');
    const second = await emit(mediator, 'round:close', {});
    expect(second.data).toMatchObject({ n: 2, note: '' });
    expect(second.data?.fingerprint).not.toBe(first.fingerprint);
    const [one, two] = await Promise.all([
      emit(customer, 'round:get', { n: 1 }),
      emit(platform, 'round:get', { n: 2 }),
    ]);
    expect(one.data).toEqual(first);
    expect(two.data?.terms.amountAgreedCents).toBe(300_000);
    expect(two.data?.text).not.toBe(first.text);
    const state = (await emit(customer, 'negotiation:state', {})).data as NegotiationState;
    expect(state.rounds.map((r) => [r.n, r.fingerprint])).toEqual([
      [1, first.fingerprint],
      [2, second.data!.fingerprint],
    ]);
  });

  it('a round that does not exist, and malformed requests, are refused naming the problem', async () => {
    const before = await t.server.store.listRounds(c.caseId);
    const audit = (await t.server.audit.all(c.caseId)).length;
    expect((await emit(customer, 'round:get', { n: 3 })).error).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'negotiation.noSuchRound',
      params: { n: 3 },
    });
    for (const [payload, path] of [
      [{ n: 0 }, 'n'],
      [{ n: 1.5 }, 'n'],
      [{ n: '1' }, 'n'],
      [{}, 'n'],
    ] as const) {
      expect((await emitUnchecked(customer, 'round:get', payload)).error, JSON.stringify(payload)).toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ path })],
      });
    }
    for (const payload of [{ note: 'x'.repeat(201) }, { note: 7 }, { note: '', n: 3 }, null]) {
      expect((await emitUnchecked(mediator, 'round:close', payload)).error, JSON.stringify(payload)).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await t.server.store.listRounds(c.caseId)).toEqual(before);
    expect((await t.server.audit.all(c.caseId)).length).toBe(audit);
  });

  it('the rounds are stored, not held in memory: a restarted node serves them as they were', async () => {
    const rounds = await t.server.store.listRounds(c.caseId);
    closeAll();
    writer.destroy();
    await t.close();
    t = await startServer({ dataDir });
    await connectAll();
    writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    expect((await emit(observer, 'round:get', { n: 1 })).data).toEqual(first);
    expect((await t.server.store.listRounds(c.caseId)).map((r) => r.fingerprint)).toEqual(
      rounds.map((r) => r.fingerprint),
    );
    const state = (await emit(platform, 'negotiation:state', {})).data as NegotiationState;
    expect(state.rounds.map((r) => r.n)).toEqual([1, 2]);
    // And the numbering goes on from there.
    expect((await emit(mediator, 'round:close', { note: '重启后' })).data?.n).toBe(3);
  });
});
