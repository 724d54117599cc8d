import { diffLines, diffWordsWithSpace } from 'diff';
import { SettlementTerms } from '@accord/shared';
import type { TermKey } from '../agreement/terms';

/** A piece of a text diff: unchanged, inserted (in the later text) or deleted (from the earlier). */
export interface DiffPart {
  kind: 'same' | 'ins' | 'del';
  text: string;
}

/**
 * The changes from `before` to `after`: line by line (jsdiff), and inside a replaced line word by word,
 * so one word changed in a long clause does not show as the whole line replaced. jsdiff's
 * word tokenizer keeps each CJK character a token of its own, which is what a Chinese reader expects.
 */
export function textDiff(before: string, after: string): DiffPart[] {
  const out: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    if (text === '') return;
    const last = out.at(-1);
    if (last?.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  /** One replaced stretch: word by word when it changed in a place or two, else removed and added whole. */
  const replace = (was: string, is: string) => {
    const words = diffWordsWithSpace(was, is);
    if (changedRuns(words) <= MAX_RUNS)
      for (const w of words) push(w.added ? 'ins' : w.removed ? 'del' : 'same', w.value);
    else {
      push('del', was);
      push('ins', is);
    }
  };
  const lines = diffLines(before, after);
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i]!;
    const next = lines[i + 1];
    if (c.removed && next?.added) {
      // As many lines replaced as added: each line against its own replacement.
      const was = splitLines(c.value);
      const is = splitLines(next.value);
      if (was.length === is.length) was.forEach((line, k) => replace(line, is[k] ?? ''));
      else replace(c.value, next.value);
      i++;
    } else {
      push(c.added ? 'ins' : c.removed ? 'del' : 'same', c.value);
    }
  }
  return out;
}

/**
 * Beyond this many separate changes a line reads better replaced whole: a new rate changes every
 * figure of a schedule's row, and word by word that is confetti.
 */
const MAX_RUNS = 2;

/** How many separate stretches of a word diff changed (a deletion next to an insertion is one). */
function changedRuns(words: readonly { added?: boolean; removed?: boolean }[]): number {
  let runs = 0;
  let inRun = false;
  for (const w of words) {
    const changed = Boolean(w.added || w.removed);
    if (changed && !inRun) runs++;
    inRun = changed;
  }
  return runs;
}

/** Lines with their line ends, so that they join back into the text. */
const splitLines = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** Unchanged lines left out of a shown diff: how many. */
export interface DiffSkip {
  kind: 'skip';
  lines: number;
}

/**
 * A diff as shown: long unchanged stretches cut to `context` lines next to each change, the rest
 * counted (a clause changed in a two-page agreement shows that clause, not the two pages).
 */
export function withContext(parts: readonly DiffPart[], context = 2): (DiffPart | DiffSkip)[] {
  const out: (DiffPart | DiffSkip)[] = [];
  parts.forEach((p, i) => {
    if (p.kind !== 'same') {
      out.push(p);
      return;
    }
    const lines = splitLines(p.text);
    // Lines kept after the change before, and before the change after (none at the text's ends).
    const head = i === 0 ? 0 : context + 1;
    const tail = i === parts.length - 1 ? 0 : context + 1;
    if (lines.length <= head + tail + 1) {
      out.push(p);
      return;
    }
    if (head > 0) out.push({ kind: 'same', text: lines.slice(0, head).join('') });
    out.push({ kind: 'skip', lines: lines.length - head - tail });
    if (tail > 0) out.push({ kind: 'same', text: lines.slice(lines.length - tail).join('') });
  });
  return out;
}

/** Whether a diff changes anything. */
export const hasChanges = (parts: readonly DiffPart[]): boolean => parts.some((p) => p.kind !== 'same');

export interface TermChange {
  key: TermKey;
  from: unknown;
  to: unknown;
}

/** The terms that differ between two sets, in the schema's order (an unset key reads as empty). */
export function termChanges(before: Partial<SettlementTerms>, after: Partial<SettlementTerms>): TermChange[] {
  const empty = (v: unknown) => (v === undefined || v === '' ? null : v);
  return (Object.keys(SettlementTerms.shape) as TermKey[])
    .map((key) => ({ key, from: empty(before[key]), to: empty(after[key]) }))
    .filter((c) => c.from !== c.to);
}
