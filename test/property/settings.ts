/**
 * Seed and number of runs of a property test: fixed by default so CI is
 * reproducible; ACCORD_PROP_SEED and ACCORD_PROP_RUNS replay a reported
 * failure or run longer (fast-check prints the seed and path of a failure).
 */
export function propertySettings(defaults: { seed: number; numRuns: number }): { seed: number; numRuns: number } {
  const seed = Number(process.env.ACCORD_PROP_SEED ?? defaults.seed);
  const numRuns = Number(process.env.ACCORD_PROP_RUNS ?? defaults.numRuns);
  if (!Number.isInteger(seed)) throw new Error(`ACCORD_PROP_SEED must be an integer, not ${seed}`);
  if (!Number.isInteger(numRuns) || numRuns < 1) throw new Error(`ACCORD_PROP_RUNS must be ≥ 1, not ${numRuns}`);
  return { seed, numRuns };
}
