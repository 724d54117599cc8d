import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from 'chrome-launcher';
import lighthouse, { type Flags, type Result } from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../helpers/browser.js';

// One Lighthouse run of one page: a fresh Debian Chromium (its own empty profile, so a cold cache and
// empty storage), Lighthouse's default settings (mobile: Moto G Power screen and user agent; simulated
// throttling: slow 4G, 150 ms RTT, 1.6 Mbit/s, CPU ×4), and the figures the page report needs.

/**
 * The switches every run's Chromium gets: those of the browser tests (as root without a sandbox, nothing
 * reaching out to Google's services: a request that hangs would skew the load), headless.
 */
export const LIGHTHOUSE_CHROMIUM_FLAGS = ['--headless=new', ...CHROMIUM_ARGS];

/**
 * The phone's language: a Chinese phone, whose first visit the client shows in Chinese (it picks its
 * language from the browser). Headless Chromium on Linux keeps en-US whatever `--lang` or LANGUAGE say,
 * so the script below answers it from `navigator.language(s)`.
 */
export const PHONE_LANGUAGES = ['zh-CN', 'zh'];

export const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The metrics reported per page (Lighthouse audit ids), in ms except CLS. */
export const METRICS = {
  lcp: 'largest-contentful-paint',
  tbt: 'total-blocking-time',
  cls: 'cumulative-layout-shift',
  fcp: 'first-contentful-paint',
} as const;
export type Metric = keyof typeof METRICS;

/** What one page needs beyond its URL. */
export interface AuditTarget {
  /** Set in the page's localStorage before any of its scripts run, on every document of the origin. */
  storage?: Record<string, string>;
  /**
   * A CSS selector that must be on the page when Lighthouse is done: proof that the state measured is the
   * one meant (the tracker, not its sign-in form; the room, not an error).
   */
  expect?: string;
  /** The address the page must end on (the invite link moves on to the room). */
  endsOn?: string;
}

/** A Lighthouse audit that did not pass, as listed for the team to fix. */
export interface FailedAudit {
  category: Category;
  id: string;
  title: string;
  /** Lighthouse's own short figure ("Est savings of 1,230 ms", "3 elements"…), if any. */
  displayValue: string;
  /** A few of the elements concerned (selectors), for accessibility audits. */
  where: string[];
}

export interface AuditRun {
  scores: Record<Category, number>;
  metrics: Record<Metric, number>;
  /** Bytes of JavaScript transferred (compressed, headers included) during the load. */
  jsBytes: number;
  /** The scripts Lighthouse saw loaded to the end (the service worker is bypassed, the cache cleared). */
  scripts: string[];
  /** Every byte transferred during the load. */
  totalBytes: number;
  /** Lighthouse's measure of this machine's CPU at the time (a desktop is ~1000–2000, a phone ~300–800). */
  benchmarkIndex: number;
  finalUrl: string;
  failed: FailedAudit[];
  /** Audits Lighthouse could not compute (id: why). */
  errored: string[];
  warnings: string[];
  /** The layout shifts the page itself saw (PerformanceObserver), largest first: what moved. */
  shifts: Shift[];
  /** The element of the page's last largest-contentful-paint entry. */
  lcpElement: string;
  chromium: string;
  lighthouse: string;
  /** The report as Lighthouse renders it (HTML, the JSON embedded), for the results folder. */
  html: string;
}

/** Pulls the figures out of a Lighthouse result. */
type DetailItem = {
  node?: { selector?: string };
  url?: string;
  description?: string;
  sourceLocation?: { url?: string };
};

/** A path with its invite, tracking id and case id as placeholders: stable across runs, and no tokens in docs. */
export const placeholders = (path: string): string =>
  path
    .replace(/^\/join\/[^/]+/, '/join/<invite>')
    .replace(/^\/track\/[A-Za-z0-9_-]{32}/, '/track/<id>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');

/** Up to three things an audit points at: elements by selector, else resources by path (and what was logged). */
function where(items: readonly DetailItem[]): string[] {
  const path = (u: string) => {
    try {
      const url = new URL(u);
      return url.protocol.startsWith('http') ? placeholders(url.pathname) : u.slice(0, 60);
    } catch {
      return u.slice(0, 60);
    }
  };
  const out = items.flatMap((i) => {
    if (i.node?.selector) return [i.node.selector];
    const url = i.url ?? i.sourceLocation?.url;
    if (!url) return [];
    return [i.description ? `${path(url)}: ${i.description.slice(0, 100)}` : path(url)];
  });
  return [...new Set(out)].slice(0, 3);
}

export function figures(lhr: Result): Omit<AuditRun, 'html' | 'chromium' | 'shifts' | 'lcpElement'> {
  const score = (c: Category) => Math.round((lhr.categories[c]?.score ?? NaN) * 100);
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  const requests = (lhr.audits['network-requests']?.details as { items?: unknown[] } | undefined)?.items ?? [];
  let jsBytes = 0;
  const scripts: string[] = [];
  for (const r of requests as {
    url?: string;
    resourceType?: string;
    transferSize?: number;
    finished?: boolean;
    statusCode?: number;
  }[]) {
    // A chunk Vite preloads for a dynamic import comes through <link rel="modulepreload">, which the
    // browser types "Other": a script all the same, by what it is.
    if (r.resourceType !== 'Script' && !/\.m?js(\?|$)/.test(r.url ?? '')) continue;
    jsBytes += r.transferSize ?? 0;
    // Chromium reports no transfer size for a module fetched through <link rel="modulepreload"> (the
    // chunks a dynamic import needs), though it came over the network: finished and answered is enough.
    if (r.finished && r.url && (r.statusCode ?? 0) === 200) scripts.push(r.url);
  }
  const failed: FailedAudit[] = [];
  const errored: string[] = [];
  for (const category of CATEGORIES) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      // The metrics are reported as figures, and the hidden ones (TTI, max potential FID) weigh nothing.
      if (ref.group === 'metrics' || ref.group === 'hidden') continue;
      const a = lhr.audits[ref.id];
      if (!a) continue;
      if (a.scoreDisplayMode === 'error') {
        errored.push(`${a.id}: ${(a.errorMessage ?? '').slice(0, 160)}`);
        continue;
      }
      if (a.score === null || !['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode)) continue;
      if (a.score >= 0.9) continue;
      const items = (a.details as { items?: DetailItem[] } | undefined)?.items ?? [];
      failed.push({ category, id: a.id, title: a.title, displayValue: a.displayValue ?? '', where: where(items) });
    }
  }
  return {
    scores: {
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best-practices': score('best-practices'),
    },
    metrics: {
      lcp: numeric(METRICS.lcp),
      tbt: numeric(METRICS.tbt),
      cls: numeric(METRICS.cls),
      fcp: numeric(METRICS.fcp),
    },
    jsBytes,
    scripts,
    totalBytes: numeric('total-byte-weight'),
    benchmarkIndex: lhr.environment.benchmarkIndex,
    finalUrl: lhr.finalDisplayedUrl,
    failed,
    errored: [...new Set(errored)],
    warnings: lhr.runWarnings,
    lighthouse: lhr.lighthouseVersion,
  };
}

/** One layout shift the page saw: its score and the elements that moved. */
export interface Shift {
  value: number;
  sources: string[];
}

/**
 * Runs in every document before the page's own scripts (puppeteer's evaluateOnNewDocument): sets the
 * phone's languages, puts the storage entries into localStorage, and records the layout shifts and the LCP element as the page's own
 * PerformanceObserver sees them. Lighthouse 12.2.3 names neither with Chromium 156: its trace engine fails
 * on the newer traces ("Cannot read properties of undefined (reading 'frame_sequence')"), so its
 * layout-shifts and largest-contentful-paint-element audits error out.
 *
 * Plain JavaScript in a string, not a function: tsx compiles functions with esbuild's keepNames, whose
 * `__name(…)` calls do not exist in the page (a ReferenceError there, counted by Lighthouse as a console error).
 */
const IN_PAGE = `(origin, entries, languages) => {
  // Lighthouse's about:blank first: no storage there (reading it throws).
  if (location.origin !== origin) return;
  Object.defineProperty(Navigator.prototype, 'language', { get: () => languages[0], configurable: true });
  Object.defineProperty(Navigator.prototype, 'languages', { get: () => languages, configurable: true });
  for (const [k, v] of entries) localStorage.setItem(k, v);
  window.__benchShifts = [];
  window.__benchLcp = '';
  // Lighthouse changes the page's size once it has measured (its screenshot, then its emulation undone):
  // a phone page that becomes a desktop one then loads what only a desktop shows (the room's editor).
  // What loads from then on is not part of the load measured.
  window.__benchResizedAt = Infinity;
  addEventListener('resize', () => { window.__benchResizedAt = Math.min(window.__benchResizedAt, performance.now()); });
  const describe = (n) => {
    if (!(n instanceof Element)) return n ? n.nodeName : '(gone)';
    const testId = n.getAttribute('data-testid');
    return n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (testId ? '[data-testid="' + testId + '"]' : '') +
      [...n.classList].map((c) => '.' + c).join('');
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) window.__benchShifts.push({ value: e.value, sources: (e.sources || []).map((x) => describe(x.node)) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    const last = list.getEntries().at(-1);
    if (last) window.__benchLcp = describe(last.element);
  }).observe({ type: 'largest-contentful-paint', buffered: true });
}`;

/**
 * Audits `url` once in a Chromium of its own (chrome-launcher, a fresh user-data-dir, killed after),
 * driven through puppeteer-core so that storage can be set before the page's scripts run: Lighthouse
 * still clears the origin's storage and the cache before it navigates (a cold load, as by default), and
 * the script then puts the sign-in back in the new document, as a returning phone would have it.
 */
export async function auditOnce(url: string, target: AuditTarget = {}): Promise<AuditRun> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'accord-bench-lighthouse-'));
  const chrome = await launch({
    chromePath: CHROMIUM,
    chromeFlags: LIGHTHOUSE_CHROMIUM_FLAGS,
    userDataDir,
    logLevel: 'silent',
    handleSIGINT: false,
  });
  try {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
    try {
      const page = await browser.newPage();
      // Every request of the page goes to the network, as on a first visit. Otherwise the client's service
      // worker, installed during the load, precaches the chunks the page is about to ask for, and the
      // page's own requests for them (the room's 545 KiB chunk, after the invite is accepted) come from
      // its cache: nothing counted as transferred, and no slow 4G simulated for them, although the phone
      // downloaded them all the same (the worker's own downloads are not recorded by Lighthouse).
      await page.setBypassServiceWorker(true);
      const args = [new URL(url).origin, Object.entries(target.storage ?? {}), PHONE_LANGUAGES].map((a) =>
        JSON.stringify(a),
      );
      await page.evaluateOnNewDocument(`(${IN_PAGE})(${args.join(', ')});`);
      const flags: Flags = { logLevel: 'error', output: 'html', onlyCategories: [...CATEGORIES] };
      // A page's code comes in steps now (the entry, then the page's chunk with its strings, then the
      // answer schemas beside the first request; the invite moves on to the room only after an API call):
      // Lighthouse waits for a longer quiet before it stops recording, so that the whole load is measured.
      // The metrics are simulated from what was recorded, so waiting longer does not slow them.
      const config = {
        extends: 'lighthouse:default',
        settings: { pauseAfterLoadMs: 3000, networkQuietThresholdMs: 3000, cpuQuietThresholdMs: 3000 },
      };
      const result = await lighthouse(url, flags, config, page);
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const { lhr } = result;
      if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const got = figures(lhr);
      if (target.endsOn && new URL(got.finalUrl).pathname !== target.endsOn) {
        throw new Error(`${url} ended on ${got.finalUrl}, not ${target.endsOn}`);
      }
      if (target.expect && !(await page.$(target.expect))) {
        throw new Error(`${url}: "${target.expect}" is not on the page measured (${got.finalUrl})`);
      }
      const html = typeof result.report === 'string' ? result.report : (result.report[0] ?? '');
      // Every script the page ended up with must have been recorded, over the network: Lighthouse stops
      // recording once the network and the CPU have been quiet for a while (the invite link moves on to
      // the room only after an API call), and a script from a cache would not be throttled. A run that
      // measured part of the load fails (and is repeated by the caller).
      // (The service worker's own script is the browser's, fetched after the load: not the page's.)
      const loaded = (await page.evaluate(`(async () => {
        const sw = await navigator.serviceWorker?.getRegistration();
        const worker = sw && (sw.installing || sw.waiting || sw.active);
        return performance.getEntriesByType('resource')
          .filter((e) => e.startTime < window.__benchResizedAt)
          .map((e) => [e.name, e.initiatorType])
          .filter(([name, type]) => (type === 'script' || /\\.js(\\?|$)/.test(name)) && name !== worker?.scriptURL)
          .map(([name, type]) => name);
      })()`)) as string[];
      const missing = loaded.filter((u) => !got.scripts.includes(u));
      if (missing.length > 0) {
        throw new Error(
          `not recorded by Lighthouse, or not from the network: ${missing.map((u) => placeholders(new URL(u).pathname)).join(', ')}`,
        );
      }
      const seen = (await page.evaluate('({ shifts: window.__benchShifts ?? [], lcp: window.__benchLcp ?? "" })')) as {
        shifts: Shift[];
        lcp: string;
      };
      const shifts = seen.shifts.sort((a, b) => b.value - a.value).slice(0, 3);
      return { ...got, shifts, lcpElement: seen.lcp, html, chromium: await browser.version() };
    } finally {
      await browser.disconnect();
    }
  } finally {
    chrome.kill();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
