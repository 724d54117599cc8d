import { AccordError } from '@accord/shared';

/**
 * Counts failed sign-ins per key (a username, an address) in a sliding window.
 * Behind an interface because every node must see the same counts; this is the
 * in-process one.
 */
export interface AttemptLimiter {
  /** Throws RATE_LIMITED while the key has too many recent failures. */
  check(key: string): Promise<void>;
  fail(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  async check(key: string): Promise<void> {
    const recent = this.recent(key);
    if (recent.length >= this.max) {
      const retryIn = Math.ceil(((recent[0] ?? Date.now()) + this.windowMs - Date.now()) / 1000);
      throw new AccordError('RATE_LIMITED', `too many failed attempts; try again in ${retryIn} s`);
    }
  }

  async fail(key: string): Promise<void> {
    this.failures.set(key, [...this.recent(key), Date.now()]);
  }

  async reset(key: string): Promise<void> {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = Date.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }
}
