/** Latency summary of one step; values in milliseconds. */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile over a sorted copy: exact, no interpolation, as latency reports usually are. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]! };
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** The first columns of a store benchmark's row: answered and failed calls, their rate, their latency. */
export function storeRunColumns(latencies: readonly number[], failed: number, wallMs: number) {
  const lat = summarize(latencies);
  return {
    acked: latencies.length,
    failed,
    'msg/s': round((latencies.length * 1000) / wallMs, 0),
    'p50 ms': round(lat.p50, 2),
    'p99 ms': round(lat.p99, 2),
  };
}
