import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../shared/src/assistant/facts';
import {
  accuracy,
  heldOutPart,
  loadLabelledCorpus,
  precision,
  readOf,
  recall,
  scoreExtraction,
  type ExtractionScore,
  type Read,
} from '../bench/assistant-score';

// The facts of the complaint corpus's held-out part against the hand labels (shared/corpus/complaints/
// labels.jsonl) with the bars of issue 19: amounts and dates at least 95 % right, where a figure read
// that no label has and a labelled figure not read both count against (right / (right + wrong + missed)).
const all = loadLabelledCorpus();
const heldOut = heldOutPart(all);
const accordRead = (text: string): Read => readOf(extractFacts(text));
const score = scoreExtraction(heldOut, accordRead);

const misses = (s: ExtractionScore, kind: 'amount' | 'date' | 'rate') =>
  s.misses
    .filter((m) => m.kind === kind)
    .map((m) => `${m.id} missed [${m.missed.join(', ')}] wrong [${m.wrong.join(', ')}]`)
    .join('\n');

describe('the labels', () => {
  it('label every complaint of the corpus and nothing else', () => {
    // loadLabelledCorpus throws on a complaint without a label or a label without a complaint.
    expect(all.length).toBeGreaterThanOrEqual(400);
  });

  it('give the held-out part enough amounts and dates for a 95 % bar to mean something', () => {
    const labelled = (k: 'amounts' | 'dates' | 'rates') => heldOut.reduce((n, l) => n + l.label[k].length, 0);
    expect(labelled('amounts')).toBeGreaterThanOrEqual(25);
    expect(labelled('dates')).toBeGreaterThanOrEqual(15);
    expect(labelled('rates')).toBeGreaterThanOrEqual(10);
  });

  it('hold real dates only', () => {
    for (const { entry, label } of all) {
      for (const d of label.dates) expect(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10), entry.id).toBe(d);
    }
  });
});

describe('extraction on the held-out part', () => {
  it('reads at least 95 % of the amounts right', () => {
    expect(accuracy(score.amounts), misses(score, 'amount')).toBeGreaterThanOrEqual(0.95);
  });

  it('reads at least 95 % of the dates right', () => {
    expect(accuracy(score.dates), misses(score, 'date')).toBeGreaterThanOrEqual(0.95);
  });

  it('reports the rates (no bar in the issue)', () => {
    const t = score.rates;
    console.log(
      `held-out rates: ${t.right} right, ${t.wrong} wrong, ${t.missed} missed; precision ${(100 * precision(t)).toFixed(1)} %, ` +
        `recall ${(100 * recall(t)).toFixed(1)} %, accuracy ${(100 * accuracy(t)).toFixed(1)} %\n${misses(score, 'rate')}`,
    );
    expect(t.right + t.missed).toBeGreaterThan(0);
  });
});

describe('the measure itself', () => {
  // A bar that no extractor could fail would prove nothing: these are the extractor's own output made
  // slightly worse, and each must fall below it.
  it('fails an extractor that misses one amount in ten', () => {
    let n = 0;
    const worse = scoreExtraction(heldOut, (t) => {
      const r = accordRead(t);
      return { ...r, amounts: r.amounts.filter(() => ++n % 10 !== 0) };
    });
    expect(accuracy(worse.amounts)).toBeLessThan(0.95);
  });

  it('fails an extractor that reads a date wrong by a day now and then', () => {
    let n = 0;
    const worse = scoreExtraction(heldOut, (t) => {
      const r = accordRead(t);
      return { ...r, dates: r.dates.map((d) => (++n % 8 === 0 ? d.replace(/\d$/, (c) => String((+c + 1) % 10)) : d)) };
    });
    expect(accuracy(worse.dates)).toBeLessThan(0.95);
  });

  it('counts a figure read twice, and an approximate figure neither way', () => {
    const [one] = scoreExtraction(
      [
        {
          entry: { id: 'c999', lang: 'zh-CN', type: 'other', text: '' },
          label: { id: 'c999', amounts: [500], dates: [], rates: [], approximateAmounts: [100_000] },
        },
      ],
      () => ({ amounts: [500, 500, 100_000], dates: [], rates: [] }),
    ).misses;
    expect(one).toEqual({ id: 'c999', kind: 'amount', missed: [], wrong: ['500'] });
  });
});
