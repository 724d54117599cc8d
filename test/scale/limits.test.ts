import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryAttemptLimiter, RedisAttemptLimiter, type AttemptLimiter } from '@accord/server';
import { REDIS_URL, servicesOrSkip } from '../helpers/services';
import { waitFor } from '../helpers/wait';

const available = await servicesOrSkip('shared attempt limits');

const prefix = `accord-limits-${randomBytes(4).toString('hex')}`;
// Two connections, as two nodes would have.
const redisA = available ? new Redis(REDIS_URL) : null;
const redisB = available ? new Redis(REDIS_URL) : null;
afterAll(async () => {
  const keys = (await redisA?.keys(`${prefix}:*`)) ?? [];
  if (keys.length > 0) await redisA?.del(...keys);
  await Promise.all([redisA?.quit(), redisB?.quit()]);
});

/** Whether `consume` let the attempt through (true) or refused it with RATE_LIMITED (false). */
async function passes(limiter: AttemptLimiter, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'RATE_LIMITED') return false;
    throw err;
  }
}

/**
 * One contract, both implementations: `make(name, max, windowMs)` returns two limiters that share
 * their counts (two nodes on one Redis; one process's limiter twice in memory).
 */
const implementations: [string, boolean, (name: string, max: number, windowMs: number) => AttemptLimiter[]][] = [
  [
    'memory',
    true,
    (_name, max, windowMs) => {
      const one = new MemoryAttemptLimiter(max, windowMs);
      return [one, one];
    },
  ],
  [
    'Redis',
    available,
    (name, max, windowMs) => {
      if (!redisA || !redisB) throw new Error('no Redis');
      return [
        new RedisAttemptLimiter(redisA, `${prefix}:${name}`, max, windowMs),
        new RedisAttemptLimiter(redisB, `${prefix}:${name}`, max, windowMs),
      ];
    },
  ],
];

describe.each(implementations)('attempt limits (%s)', (_label, usable, make) => {
  it.skipIf(!usable)('30 concurrent attempts against a budget of 10: exactly 10 get through', async () => {
    const [a, b] = make('burst', 10, 60_000);
    if (!a || !b) throw new Error('no limiter');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => passes(i % 2 === 0 ? a : b, 'u')));
    expect(results.filter(Boolean)).toHaveLength(10);
    await expect(a.consume('u')).rejects.toThrow(/try again in \d+ s/);
  });

  it.skipIf(!usable)('attempts spread over two nodes count together; a reset forgets them everywhere', async () => {
    const [a, b] = make('pin', 5, 60_000);
    if (!a || !b) throw new Error('no limiter');
    for (let i = 0; i < 5; i++) expect(await passes(i % 2 === 0 ? a : b, 'signer-1')).toBe(true);
    await expect(a.consume('signer-1')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(b.consume('signer-1')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await passes(b, 'signer-2')).toBe(true);
    await a.reset('signer-1');
    expect(await passes(b, 'signer-1')).toBe(true);
  });

  it.skipIf(!usable)('a refund gives one attempt back', async () => {
    const [a, b] = make('refund', 2, 60_000);
    if (!a || !b) throw new Error('no limiter');
    await a.consume('addr');
    await a.consume('addr');
    await b.refund('addr');
    expect(await passes(a, 'addr')).toBe(true);
    expect(await passes(a, 'addr')).toBe(false);
  });

  it.skipIf(!usable)('attempts older than the window no longer count', async () => {
    // The library counts in whole seconds; the shortest window is one.
    const [a] = make('short', 2, 1000);
    if (!a) throw new Error('no limiter');
    await a.consume('x');
    await a.consume('x');
    expect(await passes(a, 'x')).toBe(false);
    await waitFor(() => passes(a, 'x'), 'the window to pass', 5000);
  });
});
