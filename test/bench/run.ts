/**
 * `pnpm bench [name ...]`: runs every test/bench/<name>.bench.ts one after another, each as a child
 * process of its own with this environment passed through (ACCORD_BENCH_QUICK=1 and the others), or
 * only those named. Exits non-zero if any of them failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/spawn.js';

const dir = join(repoRoot, 'test/bench');
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const asked = process.argv.slice(2).filter((a) => a !== '--');
const unknown = asked.filter((a) => !available.includes(a));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? asked : available;
const failed: string[] = [];
for (const name of chosen) {
  console.log(`\n=== ${name} (test/bench/${name}.bench.ts) ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.bench.ts`)], {
    cwd: repoRoot,
    env: process.env,
    stdio: 'inherit',
  });
  const took = ((Date.now() - started) / 1000).toFixed(0);
  if (r.status !== 0) {
    failed.push(name);
    console.error(`=== ${name} failed (exit ${r.status ?? r.signal}) after ${took} s ===`);
  } else {
    console.log(`=== ${name} done in ${took} s ===`);
  }
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
