import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisAttemptLimiter } from '@accord/server';
import { REDIS_URL, servicesOrSkip } from '../helpers/services';

const available = await servicesOrSkip('shared attempt limits');

describe.skipIf(!available)('attempt limits shared by every node', () => {
  const prefix = `accord-limits-${randomBytes(4).toString('hex')}`;
  // Two connections, as two nodes would have.
  const redisA = available ? new Redis(REDIS_URL) : null;
  const redisB = available ? new Redis(REDIS_URL) : null;
  afterAll(async () => {
    const keys = (await redisA?.keys(`${prefix}:*`)) ?? [];
    if (keys.length > 0) await redisA?.del(...keys);
    await Promise.all([redisA?.quit(), redisB?.quit()]);
  });

  it('failures spread over two nodes count together; a success resets them everywhere', async () => {
    if (!redisA || !redisB) throw new Error('no Redis');
    const a = new RedisAttemptLimiter(redisA, `${prefix}:pin`, 5, 60_000);
    const b = new RedisAttemptLimiter(redisB, `${prefix}:pin`, 5, 60_000);
    for (let i = 0; i < 5; i++) {
      await (i % 2 === 0 ? a : b).check('signer-1');
      await (i % 2 === 0 ? a : b).fail('signer-1');
    }
    await expect(a.check('signer-1')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(b.check('signer-1')).rejects.toThrow(/try again in \d+ s/);
    await b.check('signer-2');
    await a.reset('signer-1');
    await b.check('signer-1');
  });

  it('failures older than the window no longer count', async () => {
    if (!redisA) throw new Error('no Redis');
    const short = new RedisAttemptLimiter(redisA, `${prefix}:short`, 2, 300);
    await short.fail('x');
    await short.fail('x');
    await expect(short.check('x')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await new Promise((r) => setTimeout(r, 400));
    await short.check('x');
  });
});
