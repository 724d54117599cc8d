import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordServer } from '@accord/server';
import { connectDoc, connectRoom, newClientId, waitSynced, type RoomClient } from '../helpers/clients';
import {
  ownRedis,
  redisServerOrSkip,
  servicesOrSkip,
  startPostgresNode,
  testSchema,
  type OwnRedis,
} from '../helpers/services';
import { createTestCase, makeTempDir } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

const available = (await servicesOrSkip('Redis restart test')) && redisServerOrSkip('Redis restart test');

describe.skipIf(!available)('Redis restarted mid-session', () => {
  const schema = testSchema('r');
  const dataDir = makeTempDir('accord-redis-restart-');
  const nodes: AccordServer[] = [];
  const urls: string[] = [];
  const clients: RoomClient[] = [];
  const tokens: Record<string, string> = {};
  let redis: OwnRedis;
  let caseId = '';

  beforeAll(async () => {
    redis = await ownRedis();
    const env = { ACCORD_DATA_DIR: dataDir, ACCORD_SEED: 'false', REDIS_URL: redis.url };
    for (let i = 0; i < 2; i++) {
      const { node, url } = await startPostgresNode(env, schema);
      nodes.push(node);
      urls.push(url);
    }
    const c = await createTestCase(nodes[0] as AccordServer, urls[0] ?? '', {
      title: 'Redis restart',
      roles: ['customer', 'platform'],
      category: 'other',
      amountInDisputeCents: 100,
    });
    caseId = c.caseId;
    Object.assign(tokens, c.tokens);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    for (const n of nodes) await n.close();
    await redis.kill();
  });

  it('recovers by itself within seconds, and nothing acknowledged is lost', async () => {
    const customer = await connectRoom(urls[0] ?? '', tokens.customer ?? '', caseId);
    const platform = await connectRoom(urls[1] ?? '', tokens.platform ?? '', caseId);
    clients.push(customer, platform);
    const a = connectDoc(urls[0] ?? '', caseId, tokens.customer ?? '');
    const b = connectDoc(urls[1] ?? '', caseId, tokens.platform ?? '');
    await Promise.all([waitSynced(a), waitSynced(b)]);
    expect((await customer.send('before')).ok).toBe(true);
    await waitFor(() => platform.messages.some((m) => m.text === 'before'), 'across nodes before');

    const acked = new Set<string>();
    let running = true;
    const workload = (async () => {
      while (running) {
        const id = newClientId();
        const ack = await Promise.race([customer.send(`w ${id}`, id).catch(() => null), sleep(1000).then(() => null)]);
        if (ack?.ok) acked.add(id);
        draft(a.doc).insert(draft(a.doc).length, 'x');
        await sleep(10);
      }
    })();
    await waitFor(() => acked.size >= 10, 'workload under way');
    await redis.kill();
    await sleep(1000);
    await redis.start();
    const restartedAt = Date.now();

    // Recovery, without anyone reconnecting by hand: both nodes ready, chat, edits and presence cross again.
    await waitFor(
      async () => {
        const ready = await Promise.all(urls.map(async (u) => (await fetch(`${u}/health/ready`)).ok));
        return ready.every(Boolean);
      },
      'both nodes ready',
      15_000,
    );
    await waitFor(
      async () => {
        const text = `after ${newClientId()}`;
        const ack = await customer.send(text);
        if (!ack.ok) return false;
        await sleep(200);
        return platform.messages.some((m) => m.text === text);
      },
      'chat across nodes after the restart',
      15_000,
    );
    await waitFor(
      async () => {
        const mark = `y${newClientId()}`;
        draft(a.doc).insert(0, mark);
        await sleep(200);
        return bodyText(b.doc).includes(mark);
      },
      'edits across nodes after the restart',
      15_000,
    );
    await waitFor(
      () => platform.presence.at(-1)?.participants.filter((p) => p.online).length === 2,
      'presence across nodes after the restart',
      15_000,
    );
    const recovered = Date.now() - restartedAt;
    running = false;
    await workload;
    console.log(`Redis restart: ${acked.size} messages acknowledged, recovered ${recovered} ms after Redis was back`);

    const reader = await connectRoom(urls[1] ?? '', tokens.platform ?? '', caseId, { lastSeq: 0 });
    clients.push(reader);
    const head = reader.welcomes[0]?.headSeq ?? 0;
    await waitFor(() => reader.messages.length === head, 'replayed');
    const seqs = reader.messages.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const stored = new Set(reader.messages.map((m) => m.clientId));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
    // Edits made while Redis was down reached the store; a fresh client on the other node has them all.
    const expected = bodyText(a.doc);
    const fresh = connectDoc(urls[1] ?? '', caseId, tokens.platform ?? '');
    await waitSynced(fresh);
    await waitFor(() => bodyText(fresh.doc) === expected, 'every edit stored');
    fresh.destroy();
    a.destroy();
    b.destroy();
  });
});
