import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';

/** axe-core's browser bundle, read once: evaluated in the page, so the page's CSP does not apply to it. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts a page must have none of. Minor and moderate findings are reported by axe but not failed on. */
const FAILING = new Set(['serious', 'critical']);

/** The widths every page is checked at: a phone (issue 20: phone first) and a desktop. */
export const WIDTHS = [375, 1280] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * axe's serious and critical violations on the page as it is now, one readable line each (rule, impact,
 * what to do, the offending elements' selectors, and for colour contrast axe's own measure), each line
 * prefixed with `where`.
 */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // The engine evaluated above sets window.axe; it is untyped here on purpose (test-only global).
    const engine = (window as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await engine.run({ resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => FAILING.has(v.impact ?? ''))
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => {
          const target = n.target.map(String).join(' > ');
          // The contrast rule's summary carries the measured ratio and colours: the part worth reading.
          const detail =
            v.id === 'color-contrast' ? ` (${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()})` : '';
          return `      ${target}${detail}`;
        })
        .join('\n');
      const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : '';
      return `${where}: ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    });
}

/**
 * Checks the page at each width (phone first), back at the width it had. Resizing does not reload:
 * the page's state (a room's phase, a filled form) stays as it is.
 */
export async function violationsAtWidths(
  page: Page,
  where: string,
  widths: readonly number[] = WIDTHS,
): Promise<string[]> {
  const before = page.viewportSize() ?? { width: 1280, height: 800 };
  const found: string[] = [];
  for (const width of widths) {
    await page.setViewportSize({ width, height: width < 600 ? 812 : 900 });
    // Layout after the resize, before axe reads colours and boxes.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    found.push(...(await seriousViolations(page, `${where} @${width}px`)));
  }
  await page.setViewportSize(before);
  return found;
}

/** The report a failing check prints: every violation found, one block each. */
export function report(found: string[]): string {
  return found.length === 0
    ? 'none'
    : `${found.length} serious or critical accessibility violation(s):\n${found.join('\n')}`;
}

/** A screenshot at a phone's width (the width the contrast fixes matter most at), back at the width it had. */
export async function phoneScreenshot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 375, height: 812 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await screenshot(page, name);
  await page.setViewportSize(before);
}
