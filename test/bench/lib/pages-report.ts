import type { Row } from './report.js';
import type { AuditRun, Category, FailedAudit, Metric, Shift } from './pages-lighthouse.js';

// The page benchmark's medians, tables and the Markdown section of docs/PERFORMANCE.md.

/** The issue's targets for every page (issue 20): Lighthouse scores out of 100. */
export const TARGETS = { performance: 90, accessibility: 95 } as const;

export interface PageSummary {
  name: string;
  label: string;
  /** Runs that completed (medians are over these). */
  runs: number;
  /** Attempts Lighthouse could not finish (each repeated, up to twice), and why. */
  errors: string[];
  scores: Record<Category, number>;
  metrics: Record<Metric, number>;
  jsBytes: number;
  totalBytes: number;
  benchmarkIndex: number;
  /** Every audit not passed in any run, with in how many runs. */
  failed: (FailedAudit & { runs: number })[];
  /** Audits Lighthouse could not compute, in any run. */
  errored: string[];
  /** The largest layout shifts the page saw in the run of highest CLS, and that CLS (Lighthouse's). */
  shifts: Shift[];
  worstCls: number;
  /** The LCP element the page saw, in the run of median CLS. */
  lcpElement: string;
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarise(name: string, label: string, runs: readonly AuditRun[], errors: string[]): PageSummary {
  const of = (pick: (r: AuditRun) => number) => median(runs.map(pick));
  const byCls = [...runs].sort((a, b) => a.metrics.cls - b.metrics.cls);
  const middle = byCls[Math.floor((runs.length - 1) / 2)];
  // The shifts of the run that shifted most: a shift that happens in one run of three is still one to fix.
  const worst = byCls.at(-1);
  const failed = new Map<string, FailedAudit & { runs: number }>();
  for (const run of runs) {
    for (const f of run.failed) {
      const key = `${f.category}:${f.id}`;
      const seen = failed.get(key);
      // The last run's figure and elements, and how often it failed.
      failed.set(key, { ...f, where: f.where.length > 0 ? f.where : (seen?.where ?? []), runs: (seen?.runs ?? 0) + 1 });
    }
  }
  return {
    name,
    label,
    runs: runs.length,
    errors,
    scores: {
      performance: of((r) => r.scores.performance),
      accessibility: of((r) => r.scores.accessibility),
      'best-practices': of((r) => r.scores['best-practices']),
    },
    metrics: {
      lcp: of((r) => r.metrics.lcp),
      tbt: of((r) => r.metrics.tbt),
      cls: of((r) => r.metrics.cls),
      fcp: of((r) => r.metrics.fcp),
    },
    jsBytes: of((r) => r.jsBytes),
    totalBytes: of((r) => r.totalBytes),
    benchmarkIndex: of((r) => r.benchmarkIndex),
    failed: [...failed.values()].sort((a, b) => b.runs - a.runs || a.category.localeCompare(b.category)),
    errored: [...new Set(runs.flatMap((r) => r.errored.map((e) => e.split(':')[0] ?? e)))],
    shifts: worst?.shifts ?? [],
    worstCls: worst?.metrics.cls ?? NaN,
    lcpElement: middle?.lcpElement ?? '',
  };
}

const ms = (n: number) => (Number.isFinite(n) ? Math.round(n) : NaN);
const kib = (n: number) => (Number.isFinite(n) ? Number((n / 1024).toFixed(1)) : NaN);
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

export function targetsMet(s: PageSummary): { performance: boolean; accessibility: boolean } {
  return {
    performance: s.scores.performance >= TARGETS.performance,
    accessibility: s.scores.accessibility >= TARGETS.accessibility,
  };
}

export function pageRows(summaries: readonly PageSummary[]): Row[] {
  return summaries.map((s) => {
    const t = targetsMet(s);
    return {
      page: s.label,
      runs: s.errors.length > 0 ? `${s.runs} (+${s.errors.length} failed)` : s.runs,
      performance: s.scores.performance,
      accessibility: s.scores.accessibility,
      'best practices': s.scores['best-practices'],
      'LCP ms': ms(s.metrics.lcp),
      'TBT ms': ms(s.metrics.tbt),
      CLS: Number(s.metrics.cls.toFixed(3)),
      'FCP ms': ms(s.metrics.fcp),
      'JS KiB': kib(s.jsBytes),
      'all KiB': kib(s.totalBytes),
      [`perf ≥ ${TARGETS.performance}`]: met(t.performance),
      [`a11y ≥ ${TARGETS.accessibility}`]: met(t.accessibility),
    };
  });
}

/** Each Accord page's medians less the floor's: what the page itself costs on top of the emulation. */
export function floorRows(summaries: readonly PageSummary[]): Row[] {
  const floor = summaries.find((s) => s.name === 'floor');
  if (!floor || floor.runs === 0) return [];
  return summaries
    .filter((s) => s !== floor && s.runs > 0)
    .map((s) => ({
      page: s.label,
      'LCP − floor ms': ms(s.metrics.lcp - floor.metrics.lcp),
      'TBT − floor ms': ms(s.metrics.tbt - floor.metrics.tbt),
      'FCP − floor ms': ms(s.metrics.fcp - floor.metrics.fcp),
      'JS − floor KiB': kib(s.jsBytes - floor.jsBytes),
      'all − floor KiB': kib(s.totalBytes - floor.totalBytes),
    }));
}

function table(rows: readonly Row[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Row[string] | undefined) => (v === undefined ? '' : String(v).replaceAll('|', '\\|'));
  return [
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}

export interface RunContext {
  machine: Row;
  chromium: string;
  lighthouse: string;
  runs: number;
  loadAverage: { start: string; end: string };
}

/** The figures as the Markdown section of docs/PERFORMANCE.md (between its pages markers). */
export function markdown(summaries: readonly PageSummary[], c: RunContext): string {
  const m = c.machine;
  const index = summaries.map((s) => `${s.name} ${Math.round(s.benchmarkIndex)}`).join(', ');
  const lines = [
    `_Measured ${String(m.date).slice(0, 16).replace('T', ' ')} UTC by \`pnpm bench pages\`: ${m.cpu}, ${m.cores} cores, ` +
      `${m.memoryGiB} GiB; Node ${m.node}; ${c.chromium}; Lighthouse ${c.lighthouse}; ${c.runs} run(s) per page, ` +
      `medians; load average ${c.loadAverage.start} at the start, ${c.loadAverage.end} at the end; ` +
      `Lighthouse's benchmark index (median per page) ${index}._`,
    '',
    table(pageRows(summaries)),
  ];
  const over = floorRows(summaries);
  if (over.length > 0) lines.push('', 'Over the floor (each page less the static page, medians):', '', table(over));
  const broken = summaries.filter((s) => s.errors.length > 0);
  if (broken.length > 0) {
    lines.push('', 'Attempts Lighthouse could not finish (each run was repeated, up to twice):', '');
    for (const s of broken) for (const e of s.errors) lines.push(`- ${s.label}: ${e}`);
  }
  lines.push('', '#### Audits not passed, per page', '');
  lines.push(
    'Every audit of the three categories that scored under 0.9 in at least one run (accessibility and best ' +
      "practices: failed; performance: an opportunity or diagnostic with savings), in how many runs, with Lighthouse's " +
      'own figure and up to three of the elements concerned.',
  );
  for (const s of summaries) {
    lines.push('', `**${s.label}**${s.failed.length === 0 ? ': none' : ''}`);
    if (s.failed.length > 0) lines.push('');
    for (const f of s.failed) {
      const where = f.where.length > 0 ? `; ${f.where.map((w) => `\`${w}\``).join(', ')}` : '';
      const value = f.displayValue ? ` — ${f.displayValue}` : '';
      lines.push(`- ${f.category} \`${f.id}\` (${f.runs}/${s.runs}): ${f.title.replaceAll('`', '')}${value}${where}`);
    }
    const shifts = s.shifts.filter((x) => x.value >= 0.01);
    if (s.failed.length === 0 && (shifts.length > 0 || s.lcpElement)) lines.push('');
    if (shifts.length > 0) {
      const list = shifts.map((x) => `${x.value.toFixed(3)} (${x.sources.map((w) => `\`${w}\``).join(', ') || '?'})`);
      lines.push(
        `- largest layout shifts, as the page saw them in the run of highest CLS (${s.worstCls.toFixed(3)}): ${list.join('; ')}`,
      );
    }
    if (s.lcpElement) lines.push(`- largest contentful paint: \`${s.lcpElement}\``);
  }
  const errored = [...new Set(summaries.flatMap((s) => s.errored))];
  if (errored.length > 0) {
    lines.push(
      '',
      `Lighthouse could not compute ${errored.map((e) => `\`${e}\``).join(', ')} (Lighthouse 12.2.3 with Chromium 156: see above).`,
    );
  }
  return lines.join('\n');
}
