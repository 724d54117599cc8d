import { z } from 'zod';
import { DisputeType } from './types';

export interface Example {
  type: DisputeType;
  text: string;
}

/**
 * Multinomial naive Bayes, stored as counts rather than log-probabilities: integers are exact in JSON,
 * so a re-trained model compares equal to the committed one without rounding questions.
 */
export interface Model {
  /** Training examples per type (the priors, before smoothing). */
  docCounts: Record<DisputeType, number>;
  /** Token occurrences per type. */
  tokenCounts: Record<DisputeType, Record<string, number>>;
  /** Sum of tokenCounts per type. */
  totalTokens: Record<DisputeType, number>;
  vocabularySize: number;
}

export interface Classification {
  type: DisputeType;
  probability: number;
  ranking: { type: DisputeType; probability: number }[];
}

const HAN = /\p{Script=Han}/u;
const NUMBER = /^[\d.,]+$/;

/**
 * Chinese runs give character unigrams and bigrams (no segmentation library: bigrams catch most
 * two-character words, which is what a segmenter would mostly add); Latin runs give lower-cased words
 * and word bigrams; numbers give no token.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  // NFKC first: full-width digits and letters (２０２６, ＡＰＲ), common in Chinese text, become ASCII.
  // Then Han runs, numbers and Latin words; punctuation and spaces separate runs.
  const pieces =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/\p{Script=Han}+|\d[\d.,]*|[a-z]+(?:'[a-z]+)?/gu) ?? [];
  let previousWord: string | null = null;
  for (const piece of pieces) {
    if (HAN.test(piece)) {
      previousWord = null;
      const chars = [...piece];
      chars.forEach((c, i) => {
        tokens.push(c);
        if (i > 0) tokens.push(`${chars[i - 1]}${c}`);
      });
    } else if (NUMBER.test(piece)) {
      // A number says nothing of the type: every kind of complaint has amounts and dates, and a
      // corpus whose fee complaints happen to quote more figures would otherwise teach "figures mean
      // fees" (chosen by 5-fold cross-validation on the training part: 81.0 % against 79.8 % with a
      // `<num>` token). The facts extractor reads the figures. A word bigram does not span one.
      previousWord = null;
    } else {
      const word = piece;
      tokens.push(word);
      if (previousWord !== null) tokens.push(`${previousWord} ${word}`);
      previousWord = word;
    }
  }
  return tokens;
}

const emptyPerType = <T>(make: () => T): Record<DisputeType, T> =>
  Object.fromEntries(DisputeType.options.map((t) => [t, make()])) as Record<DisputeType, T>;

export function train(examples: readonly Example[]): Model {
  const docCounts = emptyPerType(() => 0);
  const counts = emptyPerType((): Map<string, number> => new Map());
  const vocabulary = new Set<string>();
  for (const { type, text } of examples) {
    docCounts[type] += 1;
    for (const token of tokenize(text)) {
      counts[type].set(token, (counts[type].get(token) ?? 0) + 1);
      vocabulary.add(token);
    }
  }
  const tokenCounts = emptyPerType((): Record<string, number> => ({}));
  const totalTokens = emptyPerType(() => 0);
  for (const type of DisputeType.options) {
    // Sorted keys make the serialised model independent of the corpus order.
    for (const [token, n] of [...counts[type]].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      tokenCounts[type][token] = n;
      totalTokens[type] += n;
    }
  }
  return { docCounts, tokenCounts, totalTokens, vocabularySize: vocabulary.size };
}

export function classify(model: Model, text: string): Classification {
  const types = DisputeType.options;
  // A token no type saw in training says nothing about the type; scoring it would only favour the types
  // with fewer tokens in total (the larger smoothed share of an unseen token).
  const tokens = tokenize(text).filter((token) => types.some((t) => Object.hasOwn(model.tokenCounts[t], token)));
  const documents = DisputeType.options.reduce((sum, t) => sum + model.docCounts[t], 0);
  const logPosteriors = types.map((type) => {
    // Laplace smoothing on both the prior and the token likelihoods, so no type or token has zero mass.
    let score = Math.log((model.docCounts[type] + 1) / (documents + types.length));
    const denominator = model.totalTokens[type] + model.vocabularySize;
    const own = model.tokenCounts[type];
    for (const token of tokens) {
      score += Math.log(((Object.hasOwn(own, token) ? (own[token] ?? 0) : 0) + 1) / denominator);
    }
    return score;
  });
  // Softmax with the maximum subtracted: long complaints have log-posteriors far below what exp() can represent.
  const max = Math.max(...logPosteriors);
  const weights = logPosteriors.map((s) => Math.exp(s - max));
  const total = weights.reduce((a, b) => a + b, 0);
  const ranking = types
    .map((type, i) => ({ type, probability: (weights[i] ?? 0) / total }))
    .sort((a, b) => b.probability - a.probability || types.indexOf(a.type) - types.indexOf(b.type));
  const best = ranking[0] ?? { type: 'other' as const, probability: 1 };
  return { type: best.type, probability: best.probability, ranking };
}

export const CorpusEntry = z.object({
  id: z.string().regex(/^c\d{3,}$/),
  lang: z.enum(['zh-CN', 'en']),
  type: DisputeType,
  text: z.string().min(1),
});
export type CorpusEntry = z.infer<typeof CorpusEntry>;

/** shared/corpus/complaints/corpus.jsonl: one entry a line; a malformed line throws with its number. */
export function parseCorpus(jsonl: string): CorpusEntry[] {
  return jsonl
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = CorpusEntry.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`corpus line ${number}: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Held out and never trained on: every complaint whose numeric id ends in 0 or 5 (a fifth of the corpus). */
export function isHeldOut(id: string): boolean {
  return /[05]$/.test(id);
}

/** The model the training script writes: trained on every complaint not held out. */
export function trainOnCorpus(corpus: readonly CorpusEntry[]): Model {
  return train(corpus.filter((e) => !isHeldOut(e.id)));
}

/**
 * shared/corpus/complaints/labels.jsonl: what a careful human reads in a complaint, labelled by hand
 * (never copied from the extractor), keyed by the corpus id. Values only, no spans: the extraction is
 * measured on what it read, not on where it drew the span's edges.
 */
export const FactLabel = z.object({
  id: z.string().regex(/^c\d{3,}$/),
  /** Every money figure, in cents, whether marked (元, RMB, ¥) or money by context (每月还3000, paid 299). */
  amounts: z.array(z.number().int().positive()),
  /** Every date with year, month and day, as YYYY-MM-DD. */
  dates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  /** Every interest or cost-of-credit rate as a percentage of its period; a fee stated as a percentage is none. */
  rates: z.array(z.object({ period: z.enum(['annual', 'monthly', 'daily']), percent: z.number().positive() })),
  /** Dates lacking the year or the day (2025-11, --05-02, --02): read by a human, not asked of the extractor. */
  partialDates: z.array(z.string().regex(/^(?:\d{4}-\d{2}|--\d{2}(?:-\d{2})?)$/)).optional(),
  /** Approximate figures (一千多块, about 1,200, 快5万): reading them is neither required nor an error. */
  approximateAmounts: z.array(z.number().int().positive()).optional(),
  /** Approximate rates (年化快到30%, almost 30%), likewise. */
  approximateRates: z
    .array(z.object({ period: z.enum(['annual', 'monthly', 'daily']), percent: z.number().positive() }))
    .optional(),
});
export type FactLabel = z.infer<typeof FactLabel>;

/** labels.jsonl, one label a line; a malformed line throws with its number. */
export function parseFactLabels(jsonl: string): FactLabel[] {
  return jsonl
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = FactLabel.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`labels line ${number}: ${parsed.error.message}`);
      return parsed.data;
    });
}
