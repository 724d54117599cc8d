import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDoc, connectRoom, waitSynced, type RoomClient } from '../helpers/clients';
import { NAMES, startServer, type TestServer } from '../helpers/server';
import { seedAgreement } from '../helpers/agreement';
import { waitFor } from '../helpers/wait';
import { emit } from '../helpers/emit';
import { agreeToEveryClause } from '../helpers/negotiation';

/**
 * Issue 8, item 9: replayed and concurrent sign-offs, and a sign-off for a stale fingerprint.
 * Exactly one signature per signer and freeze, exactly one sealed record, nothing signed that is
 * not the text frozen now. Also: a wrong fingerprint, a non-signer, a wrong PIN, a second signature
 * and any signature after sealing (`test/integration/outcome.test.ts`); a signature once the mediator
 * left signing (`review-fixes.test.ts`). Racing signatures across two nodes: not covered here.
 */

describe('sign-off under replay and races', () => {
  let t: TestServer;
  const open: RoomClient[] = [];
  afterAll(async () => {
    open.forEach((c) => c.close());
    await t.close();
  });
  beforeAll(async () => {
    t = await startServer();
  });

  async function room(title: string) {
    const c = await t.createCase(title);
    await seedAgreement(t.server.store, c.caseId);
    const join = async (role: 'customer' | 'platform' | 'mediator') => {
      const r = await connectRoom(t.url, c.tokens[role], c.caseId);
      open.push(r);
      return r;
    };
    const people = {
      customer: await join('customer'),
      platform: await join('platform'),
      mediator: await join('mediator'),
    };
    const sign = (role: keyof typeof people, fingerprint: string, via = people[role]) =>
      emit(via, 'outcome:sign', { fingerprint, fullName: NAMES[role], secret: c.pins[role] });
    const freeze = async () => {
      await agreeToEveryClause(people);
      expect((await emit(people.mediator, 'room:phase', { phase: 'signing' })).ok).toBe(true);
      return (await emit(people.customer, 'outcome:status', {})).data?.freeze?.fingerprint ?? '';
    };
    const audit = async (kind: string) => (await t.server.audit.all(c.caseId)).filter((e) => e.kind === kind);
    return { c, people, join, sign, freeze, audit };
  }

  it('a sign-off replayed many times at once, from two connections, counts once', async () => {
    const { people, join, sign, freeze, audit } = await room('replay');
    const fp = await freeze();
    const second = await join('customer');
    const replies = await Promise.all([
      ...Array.from({ length: 5 }, () => sign('customer', fp)),
      ...Array.from({ length: 5 }, () => sign('customer', fp, second)),
    ]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok).map((r) => r.error?.code)).toEqual(Array(9).fill('CONFLICT'));
    const status = (await emit(people.mediator, 'outcome:status', {})).data;
    expect(status?.signers.filter((s) => s.signedAt !== null).map((s) => s.role)).toEqual(['customer']);
    expect(status?.sealed).toBeNull();
    expect(await audit('agreement.signed')).toHaveLength(1);
  });

  it('the last two signatures racing seal exactly one record holding all three', async () => {
    const { c, sign, freeze, audit } = await room('race');
    const fp = await freeze();
    expect((await sign('customer', fp)).ok).toBe(true);
    const [platform, mediator] = await Promise.all([sign('platform', fp), sign('mediator', fp)]);
    expect([platform.ok, mediator.ok]).toEqual([true, true]);
    const sealedBy = [platform, mediator].filter((r) => r.data?.sealed);
    expect(sealedBy.length).toBeGreaterThanOrEqual(1);
    const row = await t.server.store.getOutcome(c.caseId);
    expect(row).not.toBeNull();
    const record = JSON.parse(row?.record ?? '{}') as { signatures: { role: string; fingerprint: string }[] };
    expect(record.signatures.map((s) => s.role).sort()).toEqual(['customer', 'mediator', 'platform']);
    expect(record.signatures.every((s) => s.fingerprint === fp)).toBe(true);
    expect(await audit('outcome.sealed')).toHaveLength(1);
    expect(await audit('agreement.signed')).toHaveLength(3);
    // Every sealed record handed out is the stored one.
    for (const r of sealedBy) expect(r.data?.sealed?.signature).toBe(row?.signature);
  });

  it('a sign-off for a stale fingerprint (frozen, unfrozen, edited, frozen again) is refused', async () => {
    const { c, people, sign, freeze, audit } = await room('stale');
    const first = await freeze();
    expect((await sign('customer', first)).ok).toBe(true);
    expect((await emit(people.mediator, 'room:phase', { phase: 'drafting' })).ok).toBe(true);
    const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await waitSynced(writer);
    writer.doc.getMap('terms').set('amountAgreedCents', 99_000);
    await waitFor(async () => {
      const s = await t.server.store.loadDoc(c.caseId);
      const d = new Y.Doc();
      if (s.snapshot) Y.applyUpdate(d, s.snapshot);
      s.updates.forEach((u) => Y.applyUpdate(d, u.data));
      return d.getMap('terms').get('amountAgreedCents') === 99_000;
    }, 'edit stored');
    writer.destroy();
    const second = await freeze();
    expect(second).not.toBe(first);
    // The voided signature is gone, and the old fingerprint signs nothing, for anyone.
    for (const role of ['customer', 'platform', 'mediator'] as const) {
      const r = await sign(role, first);
      expect({ role, code: r.error?.code }).toEqual({ role, code: 'CONFLICT' });
    }
    const status = (await emit(people.mediator, 'outcome:status', {})).data;
    expect(status?.signers.every((s) => s.signedAt === null)).toBe(true);
    expect(await t.server.store.getOutcome(c.caseId)).toBeNull();
    expect(await audit('agreement.signed')).toHaveLength(1);
    // The current one still works.
    expect((await sign('customer', second)).ok).toBe(true);
  });
});
