import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { MemoryPresence, RedisPresence, type PresenceRegistry } from '@accord/server';
import { spawnOwned } from '../helpers/cleanup';
import { repoRoot } from '../helpers/process';
import { ownRedis, redisOrSkip, redisServerOrSkip, REDIS_URL, type OwnRedis } from '../helpers/services';
import { waitFor } from '../helpers/wait';

const counted = async (p: PresenceRegistry, caseId: string) => Object.fromEntries(await p.counts(caseId));

/** The same rules, one process or two nodes on one Redis. */
function registerPresenceContract(name: string, open: () => Promise<{ a: PresenceRegistry; b: PresenceRegistry }>) {
  describe(`presence: ${name}`, () => {
    it('counts connections per person across nodes, and forgets them as they leave', async () => {
      const { a, b } = await open();
      try {
        await a.add('case-1', 'u1', 'c1');
        await b.add('case-1', 'u1', 'c2');
        await b.add('case-1', 'u2', 'c3');
        await a.add('case-2', 'u1', 'c4');
        expect(await counted(a, 'case-1')).toEqual({ u1: 2, u2: 1 });
        expect(await counted(b, 'case-1')).toEqual({ u1: 2, u2: 1 });
        await a.remove('case-1', 'u1', 'c1');
        await b.remove('case-1', 'u2', 'c3');
        // A connection removed twice, or never added, changes nothing.
        await b.remove('case-1', 'u2', 'c3');
        await a.remove('case-1', 'u9', 'c9');
        expect(await counted(b, 'case-1')).toEqual({ u1: 1 });
        expect(await counted(b, 'case-2')).toEqual({ u1: 1 });
        expect(await counted(a, 'case-3')).toEqual({});
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });
  });
}

registerPresenceContract('memory', async () => {
  const p = new MemoryPresence();
  return { a: p, b: p };
});

const haveRedis = (await redisOrSkip('Redis presence tests')) && redisServerOrSkip('Redis presence tests');

describe.skipIf(!haveRedis)('Redis presence', () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(() => raw.disconnect());

  const prefix = () => `accord-presence-${randomBytes(4).toString('hex')}`;
  // Short enough for a test, long enough that a loaded machine's heartbeat is not late past it.
  const options = { ttlMs: 1500, refreshMs: 300 };

  registerPresenceContract('redis, two nodes', async () => {
    const p = prefix();
    return { a: new RedisPresence(REDIS_URL, p, options), b: new RedisPresence(REDIS_URL, p, options) };
  });

  /** A node in a process of its own, vouching for `entries` (`case/user/connection`) until it is killed. */
  async function nodeProcess(p: string, entries: string[]) {
    const child = spawnOwned(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/fixtures/presence-node.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PRESENCE_REDIS_URL: REDIS_URL,
        PRESENCE_PREFIX: p,
        PRESENCE_TTL_MS: String(options.ttlMs),
        PRESENCE_REFRESH_MS: String(options.refreshMs),
        PRESENCE_ENTRIES: entries.join(','),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    await waitFor(() => out.includes('vouched') || child.exitCode !== null, 'the node process vouched');
    if (!out.includes('vouched')) throw new Error(`the node process failed:\n${out}`);
    return {
      kill9: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    };
  }

  it('a live node’s entries stay while it heartbeats; a SIGKILLed node’s lapse, are deleted and take their keys with them', async () => {
    const p = prefix();
    const key = (caseId: string) => `${p}:online:${caseId}`;
    const live = new RedisPresence(REDIS_URL, p, options);
    const told: string[] = [];
    live.onLapsed((caseId) => told.push(caseId));
    try {
      await live.add('shared', 'u-live', 'c1');
      // The other node has a connection in the shared room, and the only ones in a room of its own.
      const dead = await nodeProcess(p, ['shared/u-dead/c2', 'shared/u-dead/c3', 'alone/u-dead/c4']);
      expect(await counted(live, 'shared')).toEqual({ 'u-live': 1, 'u-dead': 2 });
      expect(await counted(live, 'alone')).toEqual({ 'u-dead': 1 });
      // A key never outlives its freshest entry.
      for (const k of [key('shared'), key('alone')]) {
        const ttl = await raw.pttl(k);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(options.ttlMs);
      }

      // Both heartbeat: three TTLs go by (each node's vouching moves on past them) and nothing lapses.
      const firstScore = Number(await raw.zscore(key('shared'), 'u-live|c1'));
      const firstDeadScore = Number(await raw.zscore(key('alone'), 'u-dead|c4'));
      await waitFor(async () => {
        expect(await counted(live, 'shared')).toEqual({ 'u-live': 1, 'u-dead': 2 });
        expect(await counted(live, 'alone')).toEqual({ 'u-dead': 1 });
        const [liveScore, deadScore] = await Promise.all([
          raw.zscore(key('shared'), 'u-live|c1'),
          raw.zscore(key('alone'), 'u-dead|c4'),
        ]);
        const past = 3 * options.ttlMs;
        return Number(liveScore) > firstScore + past && Number(deadScore) > firstDeadScore + past;
      }, 'three TTLs of heartbeats');

      const killedAt = Date.now();
      await dead.kill9();
      // Its entries count until their last vouching runs out, then never again; the live one throughout.
      let lapsedAt = 0;
      await waitFor(async () => {
        const now = await counted(live, 'shared');
        if (lapsedAt) expect(now).toEqual({ 'u-live': 1 });
        else expect([{ 'u-live': 1, 'u-dead': 2 }, { 'u-live': 1 }]).toContainEqual(now);
        if (!lapsedAt && !now['u-dead']) lapsedAt = Date.now();
        return (await raw.zcard(key('shared'))) === 1 && (await raw.exists(key('alone'))) === 0 && lapsedAt;
      }, 'the killed node’s entries deleted and its own room’s key gone');
      const gone = Date.now() - killedAt;
      // Bound: a TTL after its last heartbeat, then one heartbeat of the survivor (or the key's own expiry);
      // a second of slack for a loaded machine's timers.
      expect(lapsedAt - killedAt).toBeLessThanOrEqual(options.ttlMs + 1000);
      expect(gone).toBeLessThanOrEqual(options.ttlMs + options.refreshMs + 1000);
      console.log(
        `presence: a SIGKILLed node's entries stopped counting after ${lapsedAt - killedAt} ms, gone from Redis after ${gone} ms`,
      );
      expect(await raw.zrange(key('shared'), 0, -1)).toEqual(['u-live|c1']);
      // The survivor whose heartbeat deleted them says so (once): the room is to be told.
      expect(told).toEqual(['shared']);
      expect(await counted(live, 'alone')).toEqual({});

      // The last connection to leave takes the key with it.
      await live.remove('shared', 'u-live', 'c1');
      expect(await raw.exists(key('shared'))).toBe(0);
    } finally {
      await live.close();
    }
  });

  it('a heartbeat vouches for every room of a node with many, and for every connection of a crowded room', async () => {
    const p = prefix();
    const a = new RedisPresence(REDIS_URL, p, options);
    try {
      // More rooms than one heartbeat script takes, and more connections in one room than one ZADD.
      const rooms = Array.from({ length: 250 }, (_, i) => `room-${i}`);
      for (const room of rooms) await a.add(room, 'u', 'c');
      for (let i = 0; i < 1200; i++) await a.add('crowded', `u${i % 7}`, `c${i}`);
      const all = [...rooms, 'crowded'];
      const lowest = async () => {
        const batch = raw.pipeline();
        for (const room of all) batch.zrange(`${p}:online:${room}`, 0, 0, 'WITHSCORES');
        const results = (await batch.exec()) ?? [];
        return Math.min(...results.map(([, r]) => Number((r as string[])[1])));
      };
      const vouchedUntil = Math.max(
        ...(await raw.zrange(`${p}:online:crowded`, -1, -1, 'WITHSCORES')).slice(1).map(Number),
      );
      await waitFor(async () => (await lowest()) > vouchedUntil + options.ttlMs, 'every entry vouched for again');
      expect(await raw.zcard(`${p}:online:crowded`)).toBe(1200);
      expect([...(await a.counts('crowded')).values()].reduce((x, y) => x + y)).toBe(1200);
      expect(await counted(a, 'room-249')).toEqual({ u: 1 });
    } finally {
      await a.close();
    }
  });

  it('a node that closes takes its entries with it; the hash earlier versions left is deleted on the room’s next write', async () => {
    const p = prefix();
    await raw.hset(`${p}:presence:case-1`, 'u-old|c0', String(Date.now()));
    const a = new RedisPresence(REDIS_URL, p, options);
    const b = new RedisPresence(REDIS_URL, p, options);
    await a.add('case-1', 'u1', 'c1');
    await b.add('case-1', 'u2', 'c2');
    expect(await raw.exists(`${p}:presence:case-1`)).toBe(0);
    await a.close();
    expect(await counted(b, 'case-1')).toEqual({ u2: 1 });
    await b.close();
    expect(await raw.exists(`${p}:online:case-1`)).toBe(0);
  });

  it('a Redis that restarted empty gets each node’s entries back', async () => {
    const own: OwnRedis = await ownRedis();
    const a = new RedisPresence(own.url, prefix(), options);
    const told: string[] = [];
    a.onLapsed((caseId) => told.push(caseId));
    try {
      await a.add('case-1', 'u1', 'c1');
      await a.add('case-1', 'u1', 'c2');
      await own.kill();
      await own.start();
      await waitFor(async () => (await a.counts('case-1').catch(() => null))?.get('u1') === 2, 'the entries are back');
      // Back online without anyone joining: the room is to be told.
      await waitFor(() => told.includes('case-1'), 'the room told');
    } finally {
      await a.close();
      await own.kill();
    }
  });
});
