/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, written by a benchmark run with
 * ACCORD_BENCH_PROF=1): the functions with the most self time, and self time per package or
 * source folder, so the cost of a path (Socket.IO, SQLite, zod, the audit hash) shows at a glance.
 *
 *   npx tsx test/bench/profile.ts test/bench/results/profiles/CPU.….cpuprofile [top=30] [from-s] [to-s]
 *
 * A profile covers the process's whole life (start-up, the connection ramp, the load, shutdown):
 * `from-s`/`to-s` keep only the samples in that window (seconds after the profile starts), and the
 * busy share per second is printed first, to find the window of the measured load.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, fromArg, toArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx test/bench/profile.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const idleId = profile.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id;
const from = fromArg === undefined ? -Infinity : Number(fromArg) * 1e6;
const to = toArg === undefined ? Infinity : Number(toArg) * 1e6;
const self = new Map<number, number>();
const busyPerSecond: number[] = [];
let at = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  const second = Math.floor(at / 1e6);
  if (id !== idleId) busyPerSecond[second] = (busyPerSecond[second] ?? 0) + dt;
  if (at >= from && at < to) self.set(id, (self.get(id) ?? 0) + dt);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(
  'busy % per second: ' + Array.from(busyPerSecond, (b = 0, i) => `${i}:${Math.round((b ?? 0) / 1e4)}`).join(' '),
);
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Where a frame's code lives: a package name, a folder of this repository, or V8/Node itself. */
function area(url: string): string {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url;
  const local = /\/(server|shared)\/src\/([^/]+)/.exec(url);
  if (local) return `${local[1]}/${local[2]}`;
  return url.replace(/^.*\//, '');
}

const fns = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '')}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
  const a = area(url) + (url ? '' : ` ${functionName}`);
  areas.set(a, (areas.get(a) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`.padStart(6);
const ms = (t: number) => `${(t / 1000).toFixed(0)} ms`.padStart(9);
console.log(`profile ${file}: ${(total / 1000).toFixed(0)} ms sampled\n\nself time by area:`);
for (const [a, t] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(t)} ${ms(t)}  ${a}`);
console.log('\nself time by function:');
for (const [f, t] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(t)} ${ms(t)}  ${f}`);
// Inclusive time: a function's own samples and those of everything it called (each sample counted
// once per function, however deep the recursion).
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  if (id === idleId) continue;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n?.callFrame.url) continue;
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${n.callFrame.url.replace(/^.*node_modules\//, '')}:${n.callFrame.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
}
console.log('\ntotal (inclusive) time by function:');
for (const [f, t] of [...inclusive].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(t)} ${ms(t)}  ${f}`);
