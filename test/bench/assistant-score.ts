/**
 * Scoring of the assistant against the hand labels of the complaint corpus, shared by
 * `pnpm bench assistant` and test/integration/assistant-extraction.test.ts so that both report the
 * same figures. Facts are compared by value, as a multiset per complaint: an amount read twice where
 * the complaint states it once is one right and one wrong.
 */
import { readFileSync } from 'node:fs';
import {
  isHeldOut,
  parseCorpus,
  parseFactLabels,
  type CorpusEntry,
  type FactLabel,
} from '../../shared/src/assistant/classify';
import type { Fact } from '../../shared/src/assistant/facts';
import type { DisputeType } from '../../shared/src/assistant/types';

export interface Labelled {
  entry: CorpusEntry;
  label: FactLabel;
}

/** The corpus with its labels; throws when a complaint has no label or a label no complaint. */
export function loadLabelledCorpus(): Labelled[] {
  const dir = new URL('../../shared/corpus/complaints/', import.meta.url);
  const corpus = parseCorpus(readFileSync(new URL('corpus.jsonl', dir), 'utf8'));
  const labels = new Map(parseFactLabels(readFileSync(new URL('labels.jsonl', dir), 'utf8')).map((l) => [l.id, l]));
  const out = corpus.map((entry) => {
    const label = labels.get(entry.id);
    if (!label) throw new Error(`no label for ${entry.id}`);
    return { entry, label };
  });
  const extra = [...labels.keys()].filter((id) => !corpus.some((e) => e.id === id));
  if (extra.length > 0) throw new Error(`labels for no complaint: ${extra.join(', ')}`);
  return out;
}

export const heldOutPart = (all: readonly Labelled[]): Labelled[] => all.filter((l) => isHeldOut(l.entry.id));

/** What an extractor read in one complaint, as values. */
export interface Read {
  amounts: number[];
  dates: string[];
  rates: { period: string; percent: number }[];
}

export function readOf(facts: readonly Fact[]): Read {
  const read: Read = { amounts: [], dates: [], rates: [] };
  for (const f of facts) {
    if (f.kind === 'amount') read.amounts.push(f.cents);
    else if (f.kind === 'date') read.dates.push(f.date);
    else if (f.kind === 'rate') read.rates.push({ period: f.period, percent: f.percent });
  }
  return read;
}

export interface Tally {
  /** Read and labelled. */
  right: number;
  /** Read, not labelled (and not an approximate figure). */
  wrong: number;
  /** Labelled, not read. */
  missed: number;
}

export interface Miss {
  id: string;
  kind: 'amount' | 'date' | 'rate';
  missed: string[];
  wrong: string[];
}

/** Multiset comparison of values by key; `tolerated` values read but unlabelled count neither way. */
function compare(read: readonly string[], labelled: readonly string[], tolerated: readonly string[] = []) {
  const left = [...labelled];
  const tolerance = [...tolerated];
  const wrong: string[] = [];
  let right = 0;
  for (const value of read) {
    const i = left.indexOf(value);
    if (i >= 0) {
      left.splice(i, 1);
      right += 1;
      continue;
    }
    const t = tolerance.indexOf(value);
    if (t >= 0) tolerance.splice(t, 1);
    else wrong.push(value);
  }
  return { right, wrong, missed: left };
}

const rateKey = (r: { period: string; percent: number }) => `${r.period} ${Number(r.percent.toFixed(6))}%`;

export interface ExtractionScore {
  amounts: Tally;
  dates: Tally;
  rates: Tally;
  /** Labelled dates without a year or a day, which the extractor does not attempt. */
  partialDates: number;
  misses: Miss[];
}

export function scoreExtraction(items: readonly Labelled[], extract: (text: string) => Read): ExtractionScore {
  const zero = (): Tally => ({ right: 0, wrong: 0, missed: 0 });
  const score: ExtractionScore = { amounts: zero(), dates: zero(), rates: zero(), partialDates: 0, misses: [] };
  for (const { entry, label } of items) {
    const read = extract(entry.text);
    const parts = [
      [
        'amount',
        score.amounts,
        compare(read.amounts.map(String), label.amounts.map(String), (label.approximateAmounts ?? []).map(String)),
      ],
      ['date', score.dates, compare(read.dates, label.dates)],
      [
        'rate',
        score.rates,
        compare(read.rates.map(rateKey), label.rates.map(rateKey), (label.approximateRates ?? []).map(rateKey)),
      ],
    ] as const;
    for (const [kind, tally, c] of parts) {
      tally.right += c.right;
      tally.wrong += c.wrong.length;
      tally.missed += c.missed.length;
      if (c.wrong.length + c.missed.length > 0)
        score.misses.push({ id: entry.id, kind, missed: c.missed, wrong: c.wrong });
    }
    score.partialDates += label.partialDates?.length ?? 0;
  }
  return score;
}

export const precision = (t: Tally): number => (t.right + t.wrong === 0 ? 1 : t.right / (t.right + t.wrong));
export const recall = (t: Tally): number => (t.right + t.missed === 0 ? 1 : t.right / (t.right + t.missed));
/** Right over everything read or labelled: one figure that a miss and a wrong read both lower. */
export const accuracy = (t: Tally): number =>
  t.right + t.wrong + t.missed === 0 ? 1 : t.right / (t.right + t.wrong + t.missed);

export interface TypeScore {
  accuracy: number;
  perType: { type: DisputeType; precision: number; recall: number; n: number; predicted: number }[];
  /** Every (actual, predicted) pair that was wrong, with how often. */
  confusions: { actual: DisputeType; predicted: DisputeType; count: number; ids: string[] }[];
}

export function scoreTypes(
  items: readonly Labelled[],
  types: readonly DisputeType[],
  predict: (text: string) => DisputeType,
): TypeScore {
  const results = items.map(({ entry }) => ({ id: entry.id, actual: entry.type, predicted: predict(entry.text) }));
  const perType = types.map((type) => {
    const tp = results.filter((r) => r.predicted === type && r.actual === type).length;
    const predicted = results.filter((r) => r.predicted === type).length;
    const n = results.filter((r) => r.actual === type).length;
    return { type, precision: predicted === 0 ? 0 : tp / predicted, recall: n === 0 ? 0 : tp / n, n, predicted };
  });
  const confusions = new Map<string, TypeScore['confusions'][number]>();
  for (const r of results.filter((x) => x.predicted !== x.actual)) {
    const key = `${r.actual}>${r.predicted}`;
    const c = confusions.get(key) ?? { actual: r.actual, predicted: r.predicted, count: 0, ids: [] };
    c.count += 1;
    c.ids.push(r.id);
    confusions.set(key, c);
  }
  return {
    accuracy: results.filter((r) => r.predicted === r.actual).length / Math.max(1, results.length),
    perType,
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count || a.actual.localeCompare(b.actual)),
  };
}
