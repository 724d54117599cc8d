import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageWeight, readManifest, type Manifest, type PageWeight } from '../helpers/bundle';
import { repoRoot } from '../helpers/process';

/**
 * The JavaScript budgets of issue 20, read off the build that `pnpm test` makes before it runs the tests:
 * what a phone downloads (gzipped) before a page can be used: the entry, the page's chunk, the strings of
 * its language (the larger of the two, so either language fits) and all they import statically.
 */
const dist = join(repoRoot, 'client/dist');
const KB = 1024;

/**
 * The strings a page loads, in each language (the larger is counted): the pages a borrower opens first
 * take their own part, the others all strings (client/src/i18n/index.ts).
 */
const STRINGS = {
  first: ['src/i18n/zh-CN-public.ts', 'src/i18n/en-public.ts'],
  all: ['src/i18n/zh-CN.ts', 'src/i18n/en.ts'],
};

const PAGES: { page: string; chunks: string[]; strings: keyof typeof STRINGS; budgetKb: number | null }[] = [
  { page: '/complain', chunks: ['src/intake/IntakePage.tsx'], strings: 'first', budgetKb: 120 },
  { page: '/track/…', chunks: ['src/intake/TrackPage.tsx'], strings: 'first', budgetKb: 120 },
  { page: '/join/… (the invite)', chunks: ['src/auth/JoinPage.tsx'], strings: 'first', budgetKb: 120 },
  { page: '/cases/… (the room)', chunks: ['src/room/RoomPage.tsx'], strings: 'all', budgetKb: 300 },
  { page: '/cases/…/record', chunks: ['src/outcome/RecordPage.tsx'], strings: 'all', budgetKb: null },
  { page: '/verify', chunks: ['src/outcome/VerifyPage.tsx'], strings: 'all', budgetKb: null },
  { page: '/staff/cases/…', chunks: ['src/review/StaffCasePage.tsx'], strings: 'all', budgetKb: null },
];

function heaviest(manifest: Manifest, page: string, chunks: string[], strings: keyof typeof STRINGS): PageWeight {
  const weights = STRINGS[strings].map((lang) => pageWeight(dist, manifest, page, ['index.html', ...chunks, lang]));
  return weights.reduce((a, b) => (b.gzipped > a.gzipped ? b : a));
}

const built = existsSync(join(dist, '.vite', 'manifest.json'));
if (!built) {
  const message = 'client/dist is missing: the bundle budgets need `pnpm build` first (`pnpm test` does)';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!! SKIPPED: ${message}\n`);
}

describe.skipIf(!built)('the client bundle', () => {
  const manifest = built ? readManifest(dist) : {};
  const weights = PAGES.map((p) => ({ ...p, weight: heaviest(manifest, p.page, p.chunks, p.strings) }));

  it('prints what each page downloads', () => {
    const rows = weights.map(
      (w) =>
        `${w.page.padEnd(26)} ${(w.weight.gzipped / KB).toFixed(1).padStart(6)} KB` +
        (w.budgetKb === null ? '' : ` of ${w.budgetKb} KB`),
    );
    console.log(`JavaScript before each page is usable (gzipped):\n${rows.join('\n')}`);
    expect(weights.every((w) => w.weight.files.length > 0)).toBe(true);
  });

  for (const p of PAGES.filter((p) => p.budgetKb !== null)) {
    it(`${p.page} needs at most ${p.budgetKb} KB of JavaScript, gzipped`, () => {
      const w = weights.find((x) => x.page === p.page)!.weight;
      const detail = w.files
        .sort((a, b) => b.gzipped - a.gzipped)
        .map((f) => `${f.file} ${(f.gzipped / KB).toFixed(1)} KB`)
        .join(', ');
      expect(w.gzipped / KB, `${p.page}: ${detail}`).toBeLessThanOrEqual(p.budgetKb!);
    });
  }

  it('keeps the editor, the charts and the PDF reader out of the complaint form and the tracking page', () => {
    for (const p of weights.filter((w) => w.page === '/complain' || w.page === '/track/…')) {
      const names = p.weight.files.map((f) => f.file).join(' ');
      expect(names).not.toMatch(/RoomPage|DashboardPage|pdf-record|AgreementEditor/);
      // zod and the route table come with the first answer, not before the page can take input.
      for (const f of p.weight.files) {
        expect(readFileSync(join(dist, f.file), 'utf8'), `${p.page}: ${f.file}`).not.toContain('ZodType');
      }
    }
  });

  it('serves no source maps and names none', () => {
    const assets = readdirSync(join(dist, 'assets'));
    expect(assets.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of assets.filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(join(dist, 'assets', f), 'utf8'), f).not.toMatch(/sourceMappingURL=/);
    }
  });

  it('has every script and stylesheet precompressed, brotli and gzip', () => {
    const assets = readdirSync(join(dist, 'assets'));
    const big = assets.filter((f) => /\.(js|css)$/.test(f) && readFileSync(join(dist, 'assets', f)).length > 1024);
    expect(big.length).toBeGreaterThan(5);
    for (const f of big) {
      expect(assets, f).toContain(`${f}.br`);
      expect(assets, f).toContain(`${f}.gz`);
    }
  });
});
