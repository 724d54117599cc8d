import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, type NegotiationState } from '@accord/shared';
import type { AccordServer } from '@accord/server';
import { connectDoc, connectRoom, waitSynced, type DocClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { REDIS_URL, servicesOrSkip, startPostgresNode, testSchema } from '../helpers/services';
import { createTestCase, makeTempDir, type TestCaseOf } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const available = await servicesOrSkip('blind offers across nodes');

/**
 * The two parties' offers completing a round arrive at the same moment on two nodes of one PostgreSQL
 * database: the round is resolved once (one result, one audit entry, one change of the terms), and the
 * midpoint reaches the open copies of the agreement on both nodes and the room on both.
 */
describe.skipIf(!available)('blind offers on two nodes', () => {
  const roles = ['customer', 'platform', 'mediator'] as const;
  const nodes: AccordServer[] = [];
  const urls: string[] = [];
  let c: TestCaseOf<(typeof roles)[number]>;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    const env = {
      ACCORD_DATA_DIR: makeTempDir('accord-offers-nodes-'),
      ACCORD_SEED: 'false',
      REDIS_URL,
      ACCORD_REDIS_PREFIX: `accord-test-${randomBytes(4).toString('hex')}`,
      ACCORD_DOC_UNLOAD_MS: '50',
    };
    const schema = testSchema('o');
    for (let i = 0; i < 2; i++) {
      const { node, url } = await startPostgresNode(env, schema);
      nodes.push(node);
      urls.push(url);
    }
    c = await createTestCase(nodes[0]!, urls[0]!, { title: 'Offers across nodes', roles });
  });
  afterAll(async () => {
    open.forEach((o) => o.close());
    for (const n of nodes) await n.close();
  });

  const enter = async (node: number, role: (typeof roles)[number]) => {
    const room = await connectRoom(urls[node]!, c.tokens[role], c.caseId);
    const states: NegotiationState[] = [];
    room.socket.on('negotiation:state', (s) => states.push(s));
    open.push(room);
    return { room, states };
  };
  const agreement = (node: number): DocClient => {
    const d = connectDoc(urls[node]!, c.caseId, c.tokens.mediator);
    open.push({ close: () => d.destroy() });
    return d;
  };

  it('a round completed on both nodes at once is resolved once, and its midpoint reaches both', async () => {
    const customer = await enter(0, 'customer');
    const platform = await enter(1, 'platform');
    const mediator = await enter(1, 'mediator');
    const docs = [agreement(0), agreement(1)];
    await Promise.all(docs.map(waitSynced));
    const results = await Promise.all([
      emit(customer.room, 'offer:submit', { amountCents: 100_000 }),
      emit(platform.room, 'offer:submit', { amountCents: 200_001 }),
    ]);
    expect(results.map((r) => r.data)).toEqual([{ round: 1 }, { round: 1 }]);
    for (const m of [customer, platform, mediator]) {
      await waitFor(() => m.states.at(-1)?.offers.rounds[0]?.result, 'the result in the room');
      expect(m.states.at(-1)?.offers.rounds[0]?.result).toMatchObject({ overlap: true, midpointCents: 150_000 });
    }
    for (const d of docs) {
      await waitFor(
        () => d.doc.getMap(AgreementDoc.terms).get('amountAgreedCents') === 150_000,
        'the midpoint in a copy on each node',
      );
    }
    const store = nodes[0]!.store;
    expect(await store.listOfferResults(c.caseId)).toHaveLength(1);
    const audit = await store.listAudit(c.caseId, { limit: 100 });
    expect(audit.filter((e) => e.kind === 'offer.resolved')).toHaveLength(1);
    // The terms were changed once: the case's first update (its amount in dispute), then the midpoint.
    const stored = await store.loadDoc(c.caseId);
    expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBe(2);
  });
});
