import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisPresence } from '@accord/server';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { redisServerOrSkip, servicesOrSkip } from '../helpers/services';
import { waitFor } from '../helpers/wait';
import { startCluster, type Cluster } from './cluster';

const available = (await servicesOrSkip('presence expiry test')) && redisServerOrSkip('presence expiry test');

// Short, so the test takes seconds; each node vouches every third of it.
const TTL_MS = 1500;
const REFRESH_MS = TTL_MS / 3;

describe.skipIf(!available)('fault: a node killed with SIGKILL leaves no presence behind in Redis', () => {
  let cluster: Cluster;
  let raw: Redis;
  /** Reads presence as node B does (counting writes nothing). */
  let reader: RedisPresence;
  const clients: RoomClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster('fp', { ACCORD_PRESENCE_TTL_MS: String(TTL_MS) });
    raw = new Redis(cluster.redis.url);
    reader = new RedisPresence(cluster.redis.url, cluster.prefix, { ttlMs: TTL_MS });
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    raw.disconnect();
    await reader.close();
    await cluster.close();
  });

  it('its connections count while it lives, lapse within the TTL once killed, and are deleted with their keys', async () => {
    const shared = await cluster.createCase('Presence: shared room');
    const alone = await cluster.createCase('Presence: a room only node A serves');
    const key = (caseId: string) => `${cluster.prefix}:online:${caseId}`;
    const join = async (url: string, token: string, caseId: string) => {
      const c = await connectRoom(url, token, caseId);
      clients.push(c);
      return c;
    };
    // The customer on node A (the process to be killed), the platform rep on node B; another room on A only.
    await join(cluster.a.url, shared.tokens.customer, shared.caseId);
    const platform = await join(cluster.bUrl, shared.tokens.platform, shared.caseId);
    await join(cluster.a.url, alone.tokens.customer, alone.caseId);
    const both = { [shared.userIds.customer]: 1, [shared.userIds.platform]: 1 };
    const onlyB = { [shared.userIds.platform]: 1 };
    const counted = async (caseId: string) => Object.fromEntries(await reader.counts(caseId));
    await waitFor(
      () => platform.presence.at(-1)?.participants.filter((p) => p.online).length === 2,
      'both online, seen from node B',
    );
    expect(await counted(alone.caseId)).toEqual({ [alone.userIds.customer]: 1 });

    // Both nodes heartbeat: three TTLs go by (node A's vouching moves on past them), nothing lapses.
    // The only entry in that room is node A's: its score is when A's vouching runs out.
    const scoreOfA = async (caseId: string) => Number((await raw.zrange(key(caseId), 0, -1, 'WITHSCORES'))[1]);
    const first = await scoreOfA(alone.caseId);
    await waitFor(async () => {
      expect(await counted(shared.caseId)).toEqual(both);
      expect(await counted(alone.caseId)).toEqual({ [alone.userIds.customer]: 1 });
      return (await scoreOfA(alone.caseId)) > first + 3 * TTL_MS;
    }, 'three TTLs of heartbeats from node A');

    const killedAt = Date.now();
    await cluster.a.proc.kill9();
    // The killed node's customer counts until its last vouching runs out, then never again; the
    // platform rep on the survivor throughout. Its entries go from Redis, and the key of the room
    // only it served expires, without node B doing anything but its heartbeat.
    let lapsedAt = 0;
    await waitFor(async () => {
      const now = await counted(shared.caseId);
      if (lapsedAt) expect(now).toEqual(onlyB);
      else expect([both, onlyB]).toContainEqual(now);
      if (!lapsedAt && !now[shared.userIds.customer]) lapsedAt = Date.now();
      return lapsedAt && (await raw.zcard(key(shared.caseId))) === 1 && (await raw.exists(key(alone.caseId))) === 0;
    }, 'the killed node’s entries deleted, and the key of its own room gone');
    const gone = Date.now() - killedAt;
    console.log(
      `presence: a SIGKILLed node's connections stopped counting after ${lapsedAt - killedAt} ms, gone from Redis after ${gone} ms (TTL ${TTL_MS} ms)`,
    );
    // A second of slack for a loaded machine's timers.
    expect(lapsedAt - killedAt).toBeLessThanOrEqual(TTL_MS + 1000);
    expect(gone).toBeLessThanOrEqual(TTL_MS + REFRESH_MS + 1000);
    expect(await raw.pttl(key(shared.caseId))).toBeGreaterThan(0);

    // The survivor that deleted them tells the room, though nobody left: the customer offline.
    const onlineSeenByB = () =>
      platform.presence
        .at(-1)
        ?.participants.filter((p) => p.online)
        .map((p) => p.userId);
    await waitFor(() => onlineSeenByB()?.join() === shared.userIds.platform, 'the customer offline, seen from node B');
  });
});
