import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classify,
  isHeldOut,
  parseCorpus,
  tokenize,
  train,
  trainOnCorpus,
  type CorpusEntry,
} from '../../shared/src/assistant/classify';
import { classifyComplaint } from '../../shared/src/assistant/dispute-type';
import { MODEL } from '../../shared/src/assistant/model';
import { DisputeType } from '../../shared/src/assistant/types';

// Here rather than beside the code: it reads the corpus from the repository (shared has no Node types).
const corpus = parseCorpus(
  readFileSync(new URL('../../shared/corpus/complaints/corpus.jsonl', import.meta.url), 'utf8'),
);
const heldOut = corpus.filter((e) => isHeldOut(e.id));

describe('tokenize', () => {
  it('gives Han character unigrams and bigrams within a run, none across punctuation', () => {
    expect(tokenize('征信，逾期')).toEqual(['征', '信', '征信', '逾', '期', '逾期']);
  });

  it('gives lower-cased words and word bigrams, without punctuation', () => {
    expect(tokenize('Late FEE, again!')).toEqual(['late', 'fee', 'late fee', 'again', 'fee again']);
  });

  it('gives no token for a number, and no word bigram across one, in either language', () => {
    expect(tokenize('paid 1,200.50 on 3')).toEqual(['paid', 'on']);
    expect(tokenize('扣了870元')).toEqual(['扣', '了', '扣了', '元']);
  });

  it('reads full-width digits and letters as ASCII', () => {
    expect(tokenize('ＡＰＲ ｆｅｅ ３６％')).toEqual(['apr', 'fee', 'apr fee']);
  });

  it('keeps a word bigram from spanning a Chinese run', () => {
    expect(tokenize('APR 利率 high')).toEqual(['apr', '利', '率', '利率', 'high']);
  });
});

describe('the corpus', () => {
  it('has at least 20 complaints of every type, and every type in the held-out part', () => {
    for (const type of DisputeType.options) {
      expect(corpus.filter((e) => e.type === type).length, type).toBeGreaterThanOrEqual(20);
      expect(heldOut.filter((e) => e.type === type).length, type).toBeGreaterThanOrEqual(2);
    }
  });

  it('has unique ids, and holds out exactly the ids ending in 0 or 5', () => {
    expect(new Set(corpus.map((e) => e.id)).size).toBe(corpus.length);
    expect(heldOut.every((e) => /[05]$/.test(e.id))).toBe(true);
    expect(corpus.filter((e) => !isHeldOut(e.id)).every((e) => /[12346789]$/.test(e.id))).toBe(true);
  });
});

describe('training', () => {
  it('is deterministic and independent of the order of the examples', () => {
    const examples: CorpusEntry[] = corpus.filter((e) => !isHeldOut(e.id));
    expect(JSON.stringify(train([...examples].reverse()))).toBe(JSON.stringify(train(examples)));
  });

  it('never sees a held-out complaint', () => {
    const model = trainOnCorpus(corpus);
    const trained = DisputeType.options.reduce((n, t) => n + model.docCounts[t], 0);
    expect(trained).toBe(corpus.length - heldOut.length);
  });

  it('produced the committed model (re-run scripts/train-classifier.ts after editing the corpus)', () => {
    expect(JSON.stringify(trainOnCorpus(corpus))).toBe(JSON.stringify(MODEL));
  });
});

describe('classify', () => {
  it('is right on at least 85 % of the held-out complaints', () => {
    const correct = heldOut.filter((e) => classify(MODEL, e.text).type === e.type).length;
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.85);
  });

  it('ranks every type, with probabilities summing to 1, best first', () => {
    for (const text of ['', 'APP闪退', ...heldOut.map((e) => e.text)]) {
      const result = classify(MODEL, text);
      expect(result.ranking.map((r) => r.type).sort()).toEqual([...DisputeType.options].sort());
      expect(result.ranking.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 10);
      expect(result.ranking[0]).toEqual({ type: result.type, probability: result.probability });
      for (let i = 1; i < result.ranking.length; i++) {
        expect(result.ranking[i - 1]!.probability).toBeGreaterThanOrEqual(result.ranking[i]!.probability);
      }
    }
  });

  it('falls back to the priors when no token was seen in training', () => {
    const model = train([
      { type: 'other', text: 'app crash' },
      { type: 'other', text: 'app login' },
      { type: 'credit_report', text: 'credit report' },
    ]);
    const { ranking } = classify(model, 'zzz qqq');
    // Add-one priors: (2 + 1) / (3 + 8) for other, (1 + 1) / 11 for credit_report, 1 / 11 for each of the rest.
    expect(ranking[0]).toEqual({ type: 'other', probability: expect.closeTo(3 / 11, 12) });
    expect(ranking[1]).toEqual({ type: 'credit_report', probability: expect.closeTo(2 / 11, 12) });
    expect(ranking[2]!.probability).toBeCloseTo(1 / 11, 12);
  });

  it('is deterministic', () => {
    expect(classify(MODEL, '催收天天打电话骚扰我家人')).toEqual(classify(MODEL, '催收天天打电话骚扰我家人'));
  });
});

describe('classifyComplaint', () => {
  it('uses the committed model', () => {
    const text = '借款时被强制购买了意外险，保费从贷款里扣了';
    expect(classifyComplaint(text)).toEqual(classify(MODEL, text));
  });
});
