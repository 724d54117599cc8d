// Apart from the terms' schemas (agreement/terms.ts) so that the complaint form can read an amount
// without them.

/**
 * Parses an amount typed in yuan ("1,280.50", "¥1280", "1280.5") into integer
 * cents by string arithmetic, never through a floating-point number.
 * Returns null for an empty field and undefined for anything invalid.
 */
export function parseMoney(input: string): number | null | undefined {
  const s = input
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/[,，\s]/g, '');
  if (s === '') return null;
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m?.[1]) return undefined;
  const cents = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return cents <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cents) : undefined;
}
