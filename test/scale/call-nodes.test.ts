import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordServer } from '@accord/server';
import { callClient, waitView, type CallClient } from '../helpers/call';
import { emit } from '../helpers/emit';
import { REDIS_URL, servicesOrSkip, startPostgresNode, testSchema } from '../helpers/services';
import { createTestCase, makeTempDir, type TestCaseOf } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const available = await servicesOrSkip('two-node call tests');

/**
 * The call scaled out: the roster is a Redis hash every node reads, a signal reaches its target's
 * connection on whichever node it is, and a caucus opened on one node separates people on the other.
 */
describe.skipIf(!available)('the call across two nodes on PostgreSQL and Redis', () => {
  const schema = testSchema('call');
  const prefix = `accord-call-${randomBytes(4).toString('hex')}`;
  const dataDir = makeTempDir('accord-call-nodes-');
  const nodes: AccordServer[] = [];
  const urls: string[] = [];
  let c: TestCaseOf<'customer' | 'platform' | 'mediator'>;
  const open: CallClient[] = [];

  beforeAll(async () => {
    const env = {
      ACCORD_DATA_DIR: dataDir,
      ACCORD_SEED: 'false',
      REDIS_URL,
      ACCORD_REDIS_PREFIX: prefix,
      ACCORD_CALL_AWAY_MS: '2000',
    };
    for (let i = 0; i < 2; i++) {
      const { node, url } = await startPostgresNode(env, schema);
      nodes.push(node);
      urls.push(url);
    }
    c = await createTestCase(nodes[0] as AccordServer, urls[0] ?? '', {
      title: 'Call across nodes',
      roles: ['customer', 'platform', 'mediator'],
      category: 'other',
      amountInDisputeCents: 1000,
      room: { lobby: false, phase: 'joint' },
    });
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    for (const n of nodes) await n.close();
  });

  const on = async (node: 0 | 1, role: 'customer' | 'platform' | 'mediator') => {
    const x = await callClient(urls[node] ?? '', c.tokens[role], c.caseId);
    open.push(x);
    return x;
  };

  it('parties on node A and the mediator on node B see each other, signal, and are separated by a caucus opened on B', async () => {
    const customer = await on(0, 'customer');
    const platform = await on(0, 'platform');
    const mediator = await on(1, 'mediator');
    for (const x of [customer, platform, mediator]) expect((await x.join()).ok).toBe(true);
    await waitView(customer, () => customer.peer(mediator.peerId)?.separated === null, 'A sees B’s mediator');
    await waitView(mediator, (s) => s.peers.length === 2, 'B sees both parties on A');
    expect(mediator.view()?.peers.map((p) => p.peerId)).toEqual([customer.peerId, platform.peerId]);

    // Signals cross the nodes both ways, `from` set by the sender's node.
    const offer = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    expect((await customer.signal({ to: mediator.peerId, kind: 'description', description: offer })).ok).toBe(true);
    await waitFor(() => mediator.signals.length === 1, 'the offer reaches node B');
    expect(mediator.signals[0]).toEqual({ from: customer.peerId, kind: 'description', description: offer });
    expect((await mediator.signal({ to: customer.peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => customer.signals.length === 1, 'the answer reaches node A');
    expect(customer.signals[0]).toEqual({ from: mediator.peerId, kind: 'restart' });

    // A media change on A shows on B.
    expect((await emit(customer.room, 'call:media', { audio: true, video: false })).ok).toBe(true);
    await waitView(mediator, () => mediator.peer(customer.peerId)?.video === false, 'B sees the change');

    // The caucus opened on B (with the platform) separates the customer on A from the mediator on B.
    expect((await emit(mediator.room, 'caucus:open', { userId: c.userIds.platform })).ok).toBe(true);
    await waitView(customer, (s) => s.peers.every((p) => p.separated === 'caucus'), 'the customer apart, on A');
    await waitView(
      platform,
      () => platform.peer(mediator.peerId)?.separated === null,
      'the platform with the mediator',
    );
    await waitView(mediator, () => mediator.peer(customer.peerId)?.separated === 'caucus', 'B sees the customer apart');
    const refused = await customer.signal({ to: mediator.peerId, kind: 'restart' });
    expect(refused.error).toMatchObject({ code: 'FORBIDDEN', reason: 'call.separated' });
    const back = await mediator.signal({ to: customer.peerId, kind: 'restart' });
    expect(back.error).toMatchObject({ code: 'FORBIDDEN', reason: 'call.separated' });
    expect((await mediator.signal({ to: platform.peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => platform.signals.length === 1, 'the caucus pair still reach each other across nodes');

    expect((await emit(mediator.room, 'caucus:close', {})).ok).toBe(true);
    await waitView(customer, (s) => s.peers.every((p) => p.separated === null), 'together again');
    expect((await customer.signal({ to: mediator.peerId, kind: 'restart' })).ok).toBe(true);

    // Leaving on A takes the customer out of B's view.
    expect((await emit(customer.room, 'call:leave', {})).ok).toBe(true);
    await waitView(mediator, (s) => s.peers.map((p) => p.peerId).join() === platform.peerId, 'B sees the leave');
  });

  it('a connection dropped on node A shows away on node B, then leaves its view after the away period', async () => {
    const mediator = await on(1, 'mediator');
    expect((await mediator.join()).ok).toBe(true);
    const tab = await on(0, 'customer');
    expect((await tab.join({ audio: true, video: false })).ok).toBe(true);
    await waitView(mediator, () => mediator.peer(tab.peerId)?.separated === null, 'B sees the tab on A');
    tab.room.socket.io.reconnection(false);
    tab.close();
    await waitView(mediator, () => mediator.peer(tab.peerId)?.separated === 'away', 'away, seen on B');
    await waitView(mediator, (s) => !s.peers.some((p) => p.peerId === tab.peerId), 'gone, seen on B');
  });
});
