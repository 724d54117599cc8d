import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { MemoryCallRoster, RedisCallRoster } from '@accord/server';
import { ownRedis, redisServerOrSkip, type OwnRedis } from '../helpers/services';
import { waitFor } from '../helpers/wait';
import { registerCallRosterContract } from './call-roster-contract';

registerCallRosterContract('memory', async () => {
  const roster = new MemoryCallRoster();
  return { a: roster, b: roster, close: () => roster.close() };
});

const haveRedis = redisServerOrSkip('Redis call roster tests');

describe.skipIf(!haveRedis)('Redis call roster', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await ownRedis();
  });
  afterAll(async () => {
    await redis.kill();
  });

  const prefix = () => `accord-roster-${randomBytes(4).toString('hex')}`;

  // Two rosters on one Redis, as two nodes have: every rule holds across them.
  registerCallRosterContract('redis, two nodes', async () => {
    const p = prefix();
    const a = new RedisCallRoster(redis.url, p, 'node-a');
    const b = new RedisCallRoster(redis.url, p, 'node-b');
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  it('a dead node’s entries stop counting after the TTL and are deleted; a live node’s are kept; keys expire', async () => {
    const p = prefix();
    const options = { ttlMs: 600, refreshMs: 100 };
    const live = new RedisCallRoster(redis.url, p, 'node-live', options);
    const dead = new RedisCallRoster(redis.url, p, 'node-dead', options);
    const raw = new Redis(redis.url);
    try {
      const base = { userId: 'u', audio: true, video: true, awayUntil: null };
      await live.put('case-1', { ...base, peerId: 'peer-live-00000000', socketId: 's1', joinedAt: 1 });
      await dead.put('case-1', { ...base, peerId: 'peer-dead-00000000', socketId: 's2', joinedAt: 2 });
      expect(await live.list('case-1')).toHaveLength(2);
      // The key expires by itself unless a heartbeat keeps it.
      const ttl = await raw.pttl(`${p}:call:case-1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1200);
      await dead.close(); // its heartbeat stops; its entry stays in Redis until read stale
      await waitFor(
        async () => (await live.list('case-1')).map((e) => e.peerId).join() === 'peer-live-00000000',
        'the dead node’s entry stops counting',
      );
      expect(await raw.hkeys(`${p}:call:case-1`)).toEqual(['peer-live-00000000']);
      // Long past the TTL the live node still vouches for its own entry.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await live.list('case-1')).map((e) => e.peerId)).toEqual(['peer-live-00000000']);
      expect(await raw.pttl(`${p}:call:case-1`)).toBeGreaterThan(0);
      // Once no node vouches for the room, its key expires.
      await live.close();
      await waitFor(async () => !(await raw.exists(`${p}:call:case-1`)), 'the abandoned key expires');
    } finally {
      raw.disconnect();
    }
  });

  it('a Redis that restarted empty gets each node’s entries back, as last written', async () => {
    const own = await ownRedis();
    const a = new RedisCallRoster(own.url, prefix(), 'node-a');
    try {
      const e = { peerId: 'peer-00000000000000', userId: 'u', socketId: 's1', audio: true, video: true };
      await a.put('case-3', { ...e, joinedAt: 1, awayUntil: null });
      await a.update('case-3', e.peerId, 's1', { video: false });
      await own.kill();
      await own.start();
      await waitFor(async () => (await a.list('case-3').catch(() => [])).length === 1, 'the entry is back');
      expect(await a.list('case-3')).toEqual([{ ...e, video: false, joinedAt: 1, awayUntil: null }]);
    } finally {
      await a.close();
      await own.kill();
    }
  });

  it('a stale entry cannot be updated (its connection is taken for gone)', async () => {
    const p = prefix();
    const a = new RedisCallRoster(redis.url, p, 'node-a', { ttlMs: 300, refreshMs: 60_000 });
    try {
      const e = { peerId: 'peer-00000000000000', userId: 'u', socketId: 's1', audio: true, video: true };
      await a.put('case-2', { ...e, joinedAt: 1, awayUntil: null });
      await new Promise((r) => setTimeout(r, 500));
      expect(await a.update('case-2', e.peerId, 's1', { audio: false })).toBeNull();
      expect(await a.list('case-2')).toEqual([]);
    } finally {
      await a.close();
    }
  });
});
