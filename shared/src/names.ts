import { z } from 'zod';

/**
 * Invisible and direction-changing characters (Unicode "format" characters: zero-width space and
 * joiners, bidi embeddings, overrides and isolates, the BOM, soft hyphen): in a name they make two
 * people look alike or reverse what is shown, so names refuse them.
 */
const INVISIBLE = /\p{Cf}/u;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A person's name as shown to others: NFC, trimmed, no control, invisible or bidi characters. */
export const PersonName = (min: number, max: number) =>
  z
    .string()
    .normalize('NFC')
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .refine(
      (s) => !INVISIBLE.test(s),
      'must not contain invisible or direction-changing characters (zero-width, bidi override)',
    );

/** Latin look-alikes from Cyrillic and Greek that NFKC leaves apart. */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
  '0': 'o',
  '1': 'l',
  '|': 'l',
};

/**
 * What a name looks like, for telling whether two names could be mistaken for each other:
 * compatibility-normalised (full-width letters, ligatures), case-folded, without marks, spaces,
 * punctuation or invisible characters, with common Cyrillic and Greek look-alikes mapped to Latin.
 */
export function nameSkeleton(name: string): string {
  return [
    ...name
      .normalize('NFKD')
      .replace(/[\p{M}\p{Cf}\p{Z}\s\p{P}]/gu, '')
      .toLowerCase(),
  ]
    .map((ch) => CONFUSABLES[ch] ?? ch)
    .join('')
    .replace(/rn/g, 'm')
    .normalize('NFC');
}
