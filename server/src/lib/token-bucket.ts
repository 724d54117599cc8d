/**
 * A token bucket: holds at most `burst` tokens, refilled continuously at
 * `perSecond`. A request takes its cost or is refused; the bucket says how
 * long until it would have been let through.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
  }

  take(cost = 1, now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are there (0 if they are now). */
  retryAfterMs(cost = 1, now = Date.now()): number {
    this.refill(now);
    return this.tokens >= cost ? 0 : Math.ceil(((cost - this.tokens) * 1000) / this.perSecond);
  }

  full(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }
}
