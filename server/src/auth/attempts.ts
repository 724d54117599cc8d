import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AccordError } from '@accord/shared';

/**
 * Counts sign-in attempts per key (a username, an address) in a fixed window.
 * An attempt is counted *before* the secret is checked, atomically, so N
 * concurrent guesses against a budget of `max` get at most `max` checks: a
 * check-then-count limiter let 30 concurrent wrong passwords through a limit
 * of 10, because all 30 checked before any had failed. A success gives its
 * attempt back (or forgets the key). Behind an interface because every node
 * must see the same counts: memory for one node, Redis when scaled out.
 */
export interface AttemptLimiter {
  /** Counts one attempt; throws RATE_LIMITED (nothing counted as checked) when the budget is spent. */
  consume(key: string): Promise<void>;
  /** Gives back the attempt `consume` counted: it succeeded. */
  refund(key: string): Promise<void>;
  /** Forgets every attempt of the key: the secret was right. */
  reset(key: string): Promise<void>;
}

/** rate-limiter-flexible counts in whole seconds (Redis EX); a window under a second is one second. */
export function windowSeconds(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / 1000));
}

/** Both implementations: the library does the atomic counting, this maps its refusal to ours. */
export class FlexibleAttemptLimiter implements AttemptLimiter {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (err) {
      // A RateLimiterRes is the refusal; anything else (Redis down) propagates, so a sign-in fails
      // closed rather than unlimited.
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryIn = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw AccordError.because(
        'RATE_LIMITED',
        'auth.lockedOut',
        `too many failed attempts; try again in ${retryIn} s`,
        {
          seconds: retryIn,
        },
      );
    }
  }

  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/** The in-process one, for a single node. */
export class MemoryAttemptLimiter extends FlexibleAttemptLimiter {
  constructor(max: number, windowMs: number) {
    super(new RateLimiterMemory({ points: max, duration: windowSeconds(windowMs) }));
  }
}
