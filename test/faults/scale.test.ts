import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { redisServerOrSkip, servicesOrSkip } from '../helpers/services';
import { sleep, waitFor } from '../helpers/wait';
import { bothReady, startCluster, type Cluster } from './cluster';
import { Party, checkHistory, docFromStore, expectClean, runWorkload, storedChat } from './workload';

const available = (await servicesOrSkip('scale-out fault tests')) && redisServerOrSkip('scale-out fault tests');

describe.skipIf(!available)('faults with the Redis scale-out: two nodes on PostgreSQL and a Redis of our own', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster('fs');
  });
  afterAll(() => cluster.close());

  /** Customer and mediator on node A, the platform rep on node B; a workload until `fault` is over. */
  async function scenario(name: string, fault: (parties: Party[]) => Promise<void>): Promise<void> {
    const c = await cluster.createCase(`Fault: ${name}`);
    const placement = { customer: cluster.a.url, platform: cluster.bUrl, mediator: cluster.a.url } as const;
    const parties = await Promise.all(
      (['customer', 'platform', 'mediator'] as const).map((role) =>
        Party.join(role, placement[role], c.caseId, c.tokens[role]),
      ),
    );
    const workload = runWorkload(parties);
    await waitFor(() => parties.every((p) => p.acked.size >= 3 && p.marksAcked.size >= 4), 'workload under way');
    await fault(parties);
    // Healed: the workload goes on across both nodes for a while before it stops.
    const acked = parties.reduce((n, p) => n + p.acked.size, 0);
    await waitFor(() => parties.reduce((n, p) => n + p.acked.size, 0) >= acked + 15, 'chat flowing after the fault');
    await sleep(200);
    await workload.stop();
    await Promise.all(parties.map((p) => p.settle()));

    const fresh = [cluster.a.url, cluster.bUrl].map((u) => connectDoc(u, c.caseId, c.tokens.observer)) as [
      DocClient,
      DocClient,
    ];
    await Promise.all(fresh.map((f) => waitSynced(f)));
    const report = await checkHistory(
      name,
      parties,
      await storedChat(cluster.bUrl, c.tokens.observer, c.caseId),
      {
        ...Object.fromEntries(parties.map((p) => [p.role, p.doc.doc])),
        'fresh on A': fresh[0].doc,
        'fresh on B': fresh[1].doc,
        store: await docFromStore(cluster.b.store, c.caseId),
      },
      { strictOrder: false },
    );
    expectClean(report, expect);
    fresh.forEach((f) => f.destroy());
    await Promise.all(parties.map((p) => p.close()));
  }

  it('Redis killed and restarted mid-workload', async () => {
    await scenario('Redis restarted', async () => {
      await cluster.redis.kill();
      await sleep(1000);
      await cluster.redis.start();
      await bothReady(cluster);
    });
  });

  it('node B cut off from Redis for two seconds (its connections reset and refused), then healed', async () => {
    await scenario('node B cut off from Redis', async () => {
      cluster.proxy.cut();
      await sleep(2000);
      cluster.proxy.heal();
      expect(cluster.proxy.dropped).toBeGreaterThan(0);
      await bothReady(cluster);
    });
  });

  it('node A killed with SIGKILL; its clients move to node B; A is started again', async () => {
    await scenario('node A killed', async (parties) => {
      for (const p of parties) for (let i = 0; i < 5; i++) p.say();
      await waitFor(() => parties.some((p) => p.sending), 'a send in flight');
      await cluster.a.proc.kill9();
      // What a balancer does once the node is gone: the same clients, sent to the node that is left.
      await Promise.all(parties.filter((p) => p.role !== 'platform').map((p) => p.moveTo(cluster.bUrl)));
      await sleep(300);
      // The operator starts it again; fresh clients on it must find everything.
      await cluster.restartA();
      await bothReady(cluster);
    });
  });
});
