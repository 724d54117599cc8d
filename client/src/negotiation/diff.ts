import { diffLines, diffWordsWithSpace } from 'diff';
import { SettlementTerms } from '@accord/shared';
import type { TermKey } from '../agreement/terms';

/** A piece of a text diff: unchanged, inserted (in the later text) or deleted (from the earlier). */
export interface DiffPart {
  kind: 'same' | 'ins' | 'del';
  text: string;
}

/**
 * The changes from `before` to `after`: line by line (jsdiff), and inside a run of changed lines word
 * by word, so one word changed in a long clause does not show as the whole line replaced. jsdiff's
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
  const lines = diffLines(before, after);
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i]!;
    const next = lines[i + 1];
    if (c.removed && next?.added) {
      // A replaced run of lines: show what changed inside it.
      for (const w of diffWordsWithSpace(c.value, next.value))
        push(w.added ? 'ins' : w.removed ? 'del' : 'same', w.value);
      i++;
    } else {
      push(c.added ? 'ins' : c.removed ? 'del' : 'same', c.value);
    }
  }
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
