import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { FlexibleAttemptLimiter, windowSeconds } from './attempts';

/**
 * The attempt limiter every node shares: one Redis counter per key, counted
 * by a Lua script so concurrent attempts on any nodes never overshoot. With
 * one limiter per node, an attacker spreading guesses over N nodes would get N
 * times the budget, and every restart would forgive them.
 */
export class RedisAttemptLimiter extends FlexibleAttemptLimiter {
  constructor(redis: Redis, name: string, max: number, windowMs: number) {
    super(
      new RateLimiterRedis({ storeClient: redis, keyPrefix: name, points: max, duration: windowSeconds(windowMs) }),
    );
  }
}
