import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { rng } from './rng.js';
import { repoRoot } from './spawn.js';

/** One edit: at `position` (code points; the traces here are all in the BMP, so UTF-16 units too), delete `deleted` characters, then insert `inserted`. */
export type Patch = readonly [position: number, deleted: number, inserted: string];

export interface SequentialTrace {
  /** `editing-traces` when read from ../shared/bench-data, `synthetic` when generated. */
  source: 'editing-traces' | 'synthetic';
  name: string;
  /** One transaction per entry (a keystroke, a paste, a selection replaced). */
  txns: readonly (readonly Patch[])[];
  endContent: string;
}

/** The read-only bench data folder beside the repository (see its README). */
export const benchDataDir = process.env.ACCORD_BENCH_DATA ?? join(repoRoot, '../shared/bench-data');

/**
 * A sequential editing trace from Joseph Gentle's editing-traces (CC BY 4.0), e.g. `seph-blog1`; when
 * the bench data folder is absent, a seeded synthetic trace of typing, backspacing and cursor jumps.
 */
export function loadSequentialTrace(name = 'seph-blog1', seed = 1): SequentialTrace {
  const file = join(benchDataDir, `${name}.json.gz`);
  if (existsSync(file)) {
    const raw = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
      startContent: string;
      endContent: string;
      txns: { patches: [number, number, string][] }[];
    };
    if (raw.startContent !== '') throw new Error(`${name}: a non-empty start content is not supported`);
    return { source: 'editing-traces', name, txns: raw.txns.map((t) => t.patches), endContent: raw.endContent };
  }
  return syntheticTrace(seed);
}

/**
 * Typing-like edits: mostly one character after the previous one, sometimes a backspace, a word
 * deleted, a jump elsewhere or a short paste. About 57,000 characters at the end, like seph-blog1.
 */
export function syntheticTrace(seed = 1, txnCount = 140_000): SequentialTrace {
  const random = rng(seed);
  const words = 'the parties agree that refund amount within days service fee customer platform shall'.split(' ');
  const txns: Patch[][] = [];
  let length = 0;
  let cursor = 0;
  for (let i = 0; i < txnCount; i++) {
    const r = random();
    let patch: Patch;
    if (r < 0.002 || length === 0) {
      const text =
        Array.from({ length: 5 + Math.floor(random() * 20) }, () => words[Math.floor(random() * words.length)]).join(
          ' ',
        ) + '\n';
      patch = [cursor, 0, text];
    } else if (r < 0.01) {
      cursor = Math.floor(random() * (length + 1));
      continue;
    } else if (r < 0.09 && cursor > 0) {
      patch = [cursor - 1, 1, ''];
    } else if (r < 0.092 && cursor > 5) {
      patch = [cursor - 5, 5, ''];
    } else {
      const ch = random() < 0.17 ? ' ' : String.fromCharCode(97 + Math.floor(random() * 26));
      patch = [cursor, 0, ch];
    }
    txns.push([patch]);
    length += patch[2].length - patch[1];
    cursor = patch[0] + patch[2].length;
  }
  return { source: 'synthetic', name: `synthetic-${seed}`, txns, endContent: replay(txns, txns.length) };
}

/** The text after the first `count` transactions, replayed on a plain string. */
export function replay(txns: readonly (readonly Patch[])[], count: number): string {
  return textsAfter(txns, [count]).get(count)!;
}

/** The text after each of several prefixes of the trace, in one pass. */
export function textsAfter(txns: readonly (readonly Patch[])[], counts: readonly number[]): Map<number, string> {
  const wanted = [...new Set(counts)].sort((a, b) => a - b);
  const out = new Map<number, string>();
  let s = '';
  let i = 0;
  for (const count of wanted) {
    for (; i < count; i++) {
      for (const [pos, del, ins] of txns[i]!) s = s.slice(0, pos) + ins + s.slice(pos + del);
    }
    out.set(count, s);
  }
  return out;
}

/** Applies one transaction's patches to anything with Y.Text's insert/delete (clamped to its length). */
export function applyPatches(
  text: { length: number; insert(index: number, s: string): void; delete(index: number, n: number): void },
  patches: readonly Patch[],
): void {
  for (const [pos, del, ins] of patches) {
    const at = Math.min(pos, text.length);
    const n = Math.min(del, text.length - at);
    if (n > 0) text.delete(at, n);
    if (ins.length > 0) text.insert(at, ins);
  }
}
