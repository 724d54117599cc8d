import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AccordError } from '@accord/shared';
import type { AttemptLimiter } from './attempts';

/**
 * The attempt limiter every node shares: one Redis sorted set of failure
 * times per key, trimmed to the window. With one limiter per node, an attacker
 * spreading guesses over N nodes would get N times the budget, and every
 * restart would forgive them.
 */
export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly name: string,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private key(key: string): string {
    return `${this.name}:${key}`;
  }

  async check(key: string): Promise<void> {
    const k = this.key(key);
    const now = Date.now();
    const [, count, oldest] = (await this.redis
      .multi()
      .zremrangebyscore(k, '-inf', now - this.windowMs)
      .zcard(k)
      .zrange(k, 0, 0, 'WITHSCORES')
      .exec()) as [unknown, [Error | null, number], [Error | null, string[]]];
    if ((count[1] ?? 0) >= this.max) {
      const first = Number(oldest[1]?.[1] ?? now);
      const retryIn = Math.ceil((first + this.windowMs - now) / 1000);
      throw new AccordError('RATE_LIMITED', `too many failed attempts; try again in ${retryIn} s`);
    }
  }

  async fail(key: string): Promise<void> {
    const k = this.key(key);
    const now = Date.now();
    await this.redis
      .multi()
      .zadd(k, now, `${now}-${randomUUID()}`)
      .zremrangebyscore(k, '-inf', now - this.windowMs)
      .pexpire(k, this.windowMs)
      .exec();
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }
}
