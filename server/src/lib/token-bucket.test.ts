import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('lets a burst through, then refills at its rate and says when', () => {
    const b = new TokenBucket(4, 2, 0);
    expect(b.take(1, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
    expect(b.retryAfterMs(1, 0)).toBe(250);
    expect(b.take(1, 249)).toBe(false);
    expect(b.take(1, 250)).toBe(true);
    // Never more than the burst, however long it rested.
    expect(b.full(10_000)).toBe(true);
    expect(b.take(3, 10_000)).toBe(false);
    expect(b.take(2, 10_000)).toBe(true);
  });

  it('a clock that goes backwards refills nothing', () => {
    const b = new TokenBucket(1000, 1, 1000);
    expect(b.take(1, 1000)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
  });
});
