import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './spawn.js';

export type Row = Record<string, string | number | boolean>;

/** The machine a result was taken on, for docs/PERFORMANCE.md. */
export function machine(): Row {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n## ${title}`);
  if (rows.length === 0) return void console.log('(no rows)');
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Row[string] | undefined) => (v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => '| ' + vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(cols));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

/** Writes a result as JSON to the git-ignored test/bench/results/ folder; returns the path. */
export function writeResult(name: string, data: unknown): string {
  const dir = join(repoRoot, 'test/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), ...(data as object) }, null, 2));
  return file;
}
