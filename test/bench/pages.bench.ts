/**
 * Benchmark: the customer's pages on a phone, by Lighthouse (12.2.3) in Debian's Chromium with its
 * default mobile settings (Moto G Power screen, simulated slow 4G and a CPU four times slower), each page
 * a cold load in a fresh browser, against a real `accord serve` process:
 *
 *   floor     a minimal static page (a heading, a paragraph; no script, no style) served by the same
 *             server, with the same headers: what the emulation alone costs, the best any page can do
 *   complain  /complain, the complaint form
 *   track     /track/<id>, a filed complaint's tracking page, signed in with its PIN before
 *   join      /join/<invite> of the demo case's customer, which lands in the room /cases/<id>
 *   record    /cases/<id>/record, the record of a settled, sealed case, as its customer
 *
 * Each page is audited RUNS times, the pages taking turns (a round is every page once), and the median
 * of each figure is reported: scores (performance, accessibility, best practices), LCP, TBT, CLS, FCP,
 * JavaScript and total bytes transferred, the targets (performance ≥ 90, accessibility ≥ 95) met or not,
 * and every audit that did not pass. See docs/PERFORMANCE.md, "The customer's pages on a phone".
 *
 *   npx -y pnpm@12.4.2 --filter @accord/client build && npx -y pnpm@12.4.2 bench pages
 *   ACCORD_BENCH_QUICK=1                 one run per page (a smoke run)
 *   ACCORD_BENCH_PAGES_RUNS=3            runs per page
 *   ACCORD_BENCH_PAGES=floor,complain,track,join,record    which pages
 *   ACCORD_BENCH_PAGES_DOC=1             also rewrites the figures in docs/PERFORMANCE.md (between its markers)
 *   ACCORD_BENCH_ACCORD_ROOT=<dir>       another checkout's server and built client (before/after a change)
 *
 * Without /usr/bin/chromium it says so and stops (a failure under CI=true, as the browser tests).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
// The repository's own formatter (a root devDependency), for the figures written into the docs.
import * as prettier from 'prettier';
import { CHROMIUM } from '../helpers/browser.js';
import { startAccordProcess, tempDir } from './lib/accord.js';
import { preparePages } from './lib/pages-cases.js';
import { auditOnce, type AuditRun, type AuditTarget } from './lib/pages-lighthouse.js';
import { floorRows, markdown, pageRows, summarise, type PageSummary } from './lib/pages-report.js';
import { machine, printTable, writeResult } from './lib/report.js';
import { holdMachineLock, repoRoot } from './lib/spawn.js';

const env = process.env;
const quick = env.ACCORD_BENCH_QUICK === '1';
const RUNS = Number(env.ACCORD_BENCH_PAGES_RUNS ?? (quick ? 1 : 3));
const ATTEMPTS = 3;
const ALL_PAGES = ['floor', 'complain', 'track', 'join', 'record'] as const;
type PageName = (typeof ALL_PAGES)[number];
const PAGES = (env.ACCORD_BENCH_PAGES ?? ALL_PAGES.join(',')).split(',') as PageName[];
const unknown = PAGES.filter((p) => !(ALL_PAGES as readonly string[]).includes(p));
if (unknown.length > 0) throw new Error(`unknown page(s) ${unknown.join(', ')}; pages: ${ALL_PAGES.join(', ')}`);

if (!existsSync(CHROMIUM)) {
  const message = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\``;
  console.log(`\n!!! pages: SKIPPED — ${message}\n`);
  // As a test needing a missing part: loud on a developer machine, a failure under CI.
  process.exit(env.CI === 'true' ? 1 : 0);
}
const root = env.ACCORD_BENCH_ACCORD_ROOT ?? repoRoot;
const builtClient = join(root, 'client/dist');
if (!existsSync(join(builtClient, 'index.html'))) {
  throw new Error(`${builtClient} is missing: run \`npx -y pnpm@12.4.2 --filter @accord/client build\` first`);
}

/**
 * The floor: as little as a page can be, with the same document language and viewport as Accord's (and
 * an empty icon, so that the browser's request for /favicon.ico, a 404 here, does not count against it).
 */
const FLOOR_FILE = 'bench-floor.html';
const FLOOR_HTML = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>投诉 · Accord</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <main>
      <h1>提交投诉</h1>
      <p>请填写您的姓名、联系电话、合同编号和争议金额，并说明您希望的解决方式。我们会在收到投诉后尽快与您联系。</p>
    </main>
  </body>
</html>
`;

const LABELS: Record<PageName, string> = {
  floor: 'floor: static page',
  complain: '/complain',
  track: '/track/<id>',
  join: '/join/<invite> → room',
  record: '/cases/<id>/record',
};

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

holdMachineLock();
const loadAtStart = load();
console.log(`pages: ${PAGES.join(', ')}; ${RUNS} run(s) each; load average at start ${loadAtStart}`);

const dataDir = tempDir('accord-bench-pages-');
// The built client as served, plus the floor page beside it: one server serves both.
const clientDir = join(dataDir, 'client-dist');
cpSync(builtClient, clientDir, { recursive: true });
writeFileSync(join(clientDir, FLOOR_FILE), FLOOR_HTML);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const reportDir = join(repoRoot, 'test/bench/results', `pages-${stamp}`);
mkdirSync(reportDir, { recursive: true });

const runs = new Map<PageName, AuditRun[]>(PAGES.map((p) => [p, []]));
const failures = new Map<PageName, string[]>(PAGES.map((p) => [p, []]));
try {
  const data = await preparePages(dataDir);
  const proc = await startAccordProcess(dataDir, { ACCORD_CLIENT_DIST: clientDir });
  try {
    const base = `http://127.0.0.1:${proc.port}`;
    const targets: Record<PageName, { path: string; target: AuditTarget }> = {
      floor: { path: `/${FLOOR_FILE}`, target: { expect: 'main h1' } },
      complain: { path: '/complain', target: { expect: '[data-testid="intake-form"]' } },
      track: { path: data.track.path, target: { storage: data.track.storage, expect: '[data-testid="progress"]' } },
      join: { path: data.join.path, target: { endsOn: data.join.room, expect: '[data-testid="agreement-editor"]' } },
      record: { path: data.record.path, target: { storage: data.record.storage, expect: '[data-testid="record"]' } },
    };
    for (let round = 1; round <= RUNS; round++) {
      for (const name of PAGES) {
        const { path, target } = targets[name];
        // A run Lighthouse could not finish (NO_NAVSTART, a trace lost under load) is repeated, up to twice.
        for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
          const started = Date.now();
          try {
            const run = await auditOnce(base + path, target);
            runs.get(name)!.push(run);
            writeFileSync(join(reportDir, `${name}-${round}.html`), run.html);
            const m = run.metrics;
            console.log(
              `  ${name.padEnd(8)} run ${round}: performance ${run.scores.performance}, accessibility ` +
                `${run.scores.accessibility}, best practices ${run.scores['best-practices']}; LCP ${Math.round(m.lcp)} ms, ` +
                `TBT ${Math.round(m.tbt)} ms, CLS ${m.cls.toFixed(3)}, FCP ${Math.round(m.fcp)} ms; ` +
                `JS ${(run.jsBytes / 1024).toFixed(1)} KiB; benchmark index ${Math.round(run.benchmarkIndex)} ` +
                `(${((Date.now() - started) / 1000).toFixed(0)} s, load ${load()})`,
            );
            break;
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            failures.get(name)!.push(`run ${round}, attempt ${attempt}: ${message}`);
            console.log(`  ${name.padEnd(8)} run ${round}: attempt ${attempt} FAILED — ${message}`);
          }
        }
      }
    }
  } finally {
    await proc.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const summaries: PageSummary[] = PAGES.map((name) =>
  summarise(name, LABELS[name], runs.get(name) ?? [], failures.get(name) ?? []),
);
printTable("The customer's pages on a phone (Lighthouse, mobile, simulated slow 4G; medians)", pageRows(summaries));
const overFloor = floorRows(summaries);
if (overFloor.length > 0) printTable('Each page over the floor (medians)', overFloor);
for (const s of summaries) {
  if (s.failed.length === 0) continue;
  console.log(`\n${s.label}: audits not passed`);
  for (const f of s.failed) {
    console.log(
      `  [${f.category}] ${f.id} (${f.runs}/${s.runs}): ${f.title}${f.displayValue ? ` — ${f.displayValue}` : ''}`,
    );
  }
}

const loadAtEnd = load();
const first = [...runs.values()].flat()[0];
const context = {
  machine: machine(),
  chromium: first?.chromium ?? 'unknown',
  lighthouse: first?.lighthouse ?? 'unknown',
  runs: RUNS,
  loadAverage: { start: loadAtStart, end: loadAtEnd },
};
const md = markdown(summaries, context);
writeFileSync(join(reportDir, 'summary.md'), md);
if (env.ACCORD_BENCH_PAGES_DOC === '1') {
  const docFile = join(repoRoot, 'docs/PERFORMANCE.md');
  const doc = readFileSync(docFile, 'utf8');
  const [begin, end] = ['<!-- pages:begin -->', '<!-- pages:end -->'];
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/PERFORMANCE.md has no ${begin} … ${end} section to rewrite`);
  const text = `${doc.slice(0, from + begin.length)}\n${md}\n${doc.slice(to)}`;
  // As `pnpm format` would leave it (the tables aligned), so that `pnpm format:check` passes.
  writeFileSync(
    docFile,
    await prettier.format(text, { ...(await prettier.resolveConfig(docFile)), filepath: docFile }),
  );
  console.log('\nfigures written to docs/PERFORMANCE.md');
}
console.log(`\nload average at start ${loadAtStart}, at end ${loadAtEnd} (2 cores)`);
const file = writeResult('pages', { config: { quick, runs: RUNS, pages: PAGES }, ...context, summaries });
console.log(`written to ${file}; Lighthouse reports (HTML) in ${reportDir}`);
if (summaries.some((s) => s.runs < RUNS)) process.exitCode = 1;
