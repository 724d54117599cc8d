/**
 * A small seeded PRNG (mulberry32) so that a fuzz run is replayable from its
 * seed: the same seed produces the same sequence of inputs, whatever the
 * server answers (the generators never look at the answers).
 */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A child generator for an independent stream (e.g. per fuzzer), still fixed by the seed. */
  fork(salt: number): Prng {
    return new Prng((this.seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0);
  }
}

/**
 * Seed, duration and input cap of a fuzz run from the environment (the long run sets them), else the
 * defaults. The cap keeps the short run in the test command the same on a faster machine: with a
 * fixed seed the inputs are fixed, and the cap fixes how many (0 means no cap).
 */
export function fuzzSettings(defaults: { ms: number; seed: number; maxInputs: number }): {
  ms: number;
  seed: number;
  maxInputs: number;
} {
  const ms = Number(process.env.ACCORD_FUZZ_MS ?? defaults.ms);
  const seed = Number(process.env.ACCORD_FUZZ_SEED ?? defaults.seed);
  const cap = Number(process.env.ACCORD_FUZZ_MAX_INPUTS ?? defaults.maxInputs);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`ACCORD_FUZZ_MS must be a positive number, not ${ms}`);
  if (!Number.isInteger(seed)) throw new Error(`ACCORD_FUZZ_SEED must be an integer, not ${seed}`);
  if (!Number.isInteger(cap) || cap < 0) throw new Error(`ACCORD_FUZZ_MAX_INPUTS must be ≥ 0, not ${cap}`);
  return { ms, seed, maxInputs: cap === 0 ? Infinity : cap };
}

/** Tally of outcomes by label, printed at the end of a run. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }
  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
  toString(): string {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  }
}
