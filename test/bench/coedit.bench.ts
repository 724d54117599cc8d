/**
 * Benchmark 2, co-editing (issue 9): DOCS documents × 3 editors replaying real typing at 10
 * operations per second per editor, one writer per document stamping a paragraph every 100 ms,
 * against Accord and, in the same run, the reference y-websocket server (persistence off and on) and
 * Hocuspocus with its SQLite extension, each driven by its own stock provider.
 *
 *   npx tsx test/bench/coedit.bench.ts                 # full size (40 documents, 30 s measured)
 *   ACCORD_BENCH_QUICK=1 npx tsx test/bench/coedit.bench.ts   # smoke run
 *
 * Settings (env): ACCORD_BENCH_DOCS, ACCORD_BENCH_RATE (ops/s per editor), ACCORD_BENCH_DURATION_MS,
 * ACCORD_BENCH_WARMUP_MS, ACCORD_BENCH_SERVERS (comma list of accord, y-websocket, y-websocket+leveldb,
 * hocuspocus+sqlite), and those of test/bench/lib/accord.ts (ACCORD_BENCH_PROF, ACCORD_BENCH_ACCORD_ROOT).
 *
 * Typing: the seph-blog1 trace (editing-traces by Joseph Gentle, CC BY 4.0) from ../shared/bench-data,
 * or a seeded synthetic trace when that folder is absent. Each editor owns one paragraph of the
 * agreement body (an XmlElement with an XmlText, as the ProseMirror binding makes) and replays the
 * trace from its own seeded offset, the paragraph prefilled with the trace's text at that offset, so
 * 120 editors type 120 different stretches of real typing, each transaction one Yjs update.
 *
 * Stamps: the first editor of each document also owns a stamp paragraph, whose text it replaces
 * with the stamp's scheduled time (one transaction: the old text deleted, the new inserted, as a
 * map key set replaces its value). It is a paragraph of the body because Accord's schema guard
 * refuses any root a document does not have (a `Y.Map('bench')` of stamps is closed as outside the
 * agreement schema); the other servers get the same updates.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { LoopWatch } from './lib/loop.js';
import { cpuMeter, rssKb } from './lib/proc.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { rng, SEED } from './lib/rng.js';
import { runSchedule } from './lib/schedule.js';
import { pinSelf } from './lib/spawn.js';
import { round, summarize } from './lib/stats.js';
import { applyPatches, loadSequentialTrace, textsAfter, type SequentialTrace } from './lib/traces.js';
import { allWithin, startTarget, TARGETS, type TargetKind, type YClient } from './lib/yjs-targets.js';

const QUICK = process.env.ACCORD_BENCH_QUICK === '1';
const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const DOCS = num('ACCORD_BENCH_DOCS', QUICK ? 8 : 40);
const EDITORS = 3;
const RATE = num('ACCORD_BENCH_RATE', 10);
const STAMP_EVERY_MS = 100;
const DURATION_MS = num('ACCORD_BENCH_DURATION_MS', QUICK ? 6_000 : 30_000);
const WARMUP_MS = num('ACCORD_BENCH_WARMUP_MS', QUICK ? 1_000 : 3_000);
/** After the last send: time for the last relays, and for deferred persistence (Hocuspocus stores 2 s after the last change) to be charged. */
const DRAIN_MS = 3_000;
const SERVERS = (process.env.ACCORD_BENCH_SERVERS ?? TARGETS.join(',')).split(',') as TargetKind[];

const BODY = 'body';

/** User and system CPU ms of a process so far (/proc/<pid>/stat utime, stime; 100 ticks/s). */
function cpuSplit(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(rest[11]) * 10, sys: Number(rest[12]) * 10 };
}

interface Editor {
  client: YClient;
  text: Y.XmlText | null;
  /** Next trace transaction this editor replays. */
  next: number;
}

function sameState(a: Y.Doc, b: Y.Doc): boolean {
  const sv = (d: Y.Doc) => Buffer.from(Y.encodeStateVector(d)).toString('base64');
  const content = (d: Y.Doc) => d.getXmlFragment(BODY).toJSON();
  return sv(a) === sv(b) && content(a) === content(b);
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

async function runTarget(
  kind: TargetKind,
  trace: SequentialTrace,
  starts: number[][],
  prefill: Map<number, string>,
): Promise<Row> {
  const target = await startTarget(kind, { docs: DOCS });
  const pid = target.server.pid;
  const rssIdleKb = rssKb(pid);
  try {
    const editors: Editor[][] = [];
    for (let d = 0; d < DOCS; d++) {
      editors.push(
        Array.from({ length: EDITORS }, (_, e) => ({ client: target.connect(d, e), text: null, next: starts[d]![e]! })),
      );
    }
    const all = editors.flat();
    await allWithin(
      all.map((e) => e.client.synced),
      60_000,
      `${kind}: editors synced`,
    );

    // Each editor adds its own paragraph, prefilled with the trace's text where its replay starts;
    // the first editor of each document its stamp paragraph too.
    const paragraph = (doc: Y.Doc, text: string): Y.XmlText => {
      const p = new Y.XmlElement('paragraph');
      doc.getXmlFragment(BODY).push([p]);
      const t = new Y.XmlText();
      p.insert(0, [t]);
      if (text) t.insert(0, text);
      return t;
    };
    /** Each document's stamp text in the replica of each of its editors. */
    const stampTexts: Y.XmlText[][] = [];
    for (const row of editors) {
      for (const ed of row) {
        const doc = ed.client.doc;
        doc.transact(() => {
          ed.text = paragraph(doc, prefill.get(ed.next)!);
          if (ed === row[0]) stampTexts.push([paragraph(doc, '')]);
        });
      }
    }
    // Everyone has everyone's paragraphs before the clock starts.
    const settled = await waitUntil(
      () => editors.every((row) => row.every((ed) => ed.client.doc.getXmlFragment(BODY).length === EDITORS + 1)),
      30_000,
    );
    if (!settled) throw new Error(`${kind}: prefill did not propagate`);
    // The stamp text in the other replicas: the item the writer made, by its id.
    editors.forEach((row, d) => {
      const id = stampTexts[d]![0]!._item!.id;
      for (const ed of row.slice(1)) {
        const item = Y.getItem(ed.client.doc.store, id);
        stampTexts[d]!.push((item.content as Y.ContentType).type as Y.XmlText);
      }
    });

    let measuring = false;
    /** Stamps scheduled before this (warm-up) are not counted, however late they arrive. */
    let measureFrom = Infinity;
    const latencies: number[] = [];
    for (const texts of stampTexts) {
      for (const text of texts.slice(1)) {
        text.observe(() => {
          const at = Number(text.toString());
          if (!measuring || !(at >= measureFrom)) return;
          latencies.push(performance.now() - at);
        });
      }
    }

    let edits = 0;
    let stamps = 0;
    const edit = (sender: number) => {
      const ed = editors[Math.floor(sender / EDITORS)]![sender % EDITORS]!;
      const patches = trace.txns[ed.next++ % trace.txns.length]!;
      ed.client.doc.transact(() => applyPatches(ed.text!, patches));
      edits++;
    };
    const stamp = (d: number, at: number) => {
      const text = stampTexts[d]![0]!;
      text.doc!.transact(() => {
        text.delete(0, text.length);
        text.insert(0, String(at));
      });
      stamps++;
    };
    const phase = (ms: number) =>
      Promise.all([runSchedule(DOCS * EDITORS, RATE, ms, edit), runSchedule(DOCS, 1000 / STAMP_EVERY_MS, ms, stamp)]);

    await phase(WARMUP_MS);
    await new Promise((r) => setTimeout(r, 500));
    edits = 0;
    stamps = 0;
    const loop = new LoopWatch();
    const cpu = cpuMeter(pid);
    const split0 = cpuSplit(pid);
    loop.start();
    measuring = true;
    const t0 = performance.now();
    measureFrom = t0;
    await phase(DURATION_MS);
    const sendMs = performance.now() - t0;
    const loopResult = loop.stop();
    const rssPeakKb = rssKb(pid);
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    measuring = false;
    const cpuUsed = cpu();
    const split1 = cpuSplit(pid);
    const sysShare = (split1.sys - split0.sys) / Math.max(1, split1.sys - split0.sys + split1.user - split0.user);
    const updates = edits + stamps;

    // Every replica and the server end in the same state: the three editors of a document agree,
    // and a fresh client loading the document from the server gets exactly that state.
    const replicasAgree = await waitUntil(
      () => editors.every((row) => row.every((ed) => sameState(ed.client.doc, row[0]!.client.doc))),
      20_000,
    );
    let serverAgrees = 0;
    for (let d = 0; d < DOCS; d++) {
      const fresh = target.connect(d, 0);
      await allWithin([fresh.synced], 20_000, `${kind}: fresh client of doc ${d}`);
      if (sameState(fresh.doc, editors[d]![0]!.client.doc)) serverAgrees++;
      fresh.destroy();
    }
    const identical = replicasAgree && serverAgrees === DOCS;
    for (const ed of all) ed.client.destroy();

    const lat = summarize(latencies);
    const expectedStamps = stamps * (EDITORS - 1);
    return {
      server: kind,
      persistence: target.persistence,
      'updates sent': updates,
      'updates/s': round(updates / (sendMs / 1000), 0),
      'stamps recv/exp': `${latencies.length}/${expectedStamps}`,
      'p50 ms': round(lat.p50, 1),
      'p99 ms': round(lat.p99, 1),
      'max ms': round(lat.max, 1),
      'CPU ms': round(cpuUsed, 0),
      'CPU ms/1k updates': round((cpuUsed / updates) * 1000, 1),
      'of it kernel': `${Math.round(sysShare * 100)}%`,
      'RSS MB (idle→end)': `${round(rssIdleKb / 1024, 0)}→${round(rssPeakKb / 1024, 0)}`,
      'loadgen loop p99 ms': round(loopResult.p99Ms, 1),
      result: loopResult.void ? 'VOID (load generator late)' : 'valid',
      'identical state': identical
        ? 'yes'
        : `NO (replicas ${replicasAgree ? 'agree' : 'differ'}, server ${serverAgrees}/${DOCS})`,
    };
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  pinSelf();
  const trace = loadSequentialTrace('seph-blog1', SEED);
  const random = rng(SEED);
  const perEditor = Math.ceil(((WARMUP_MS + DURATION_MS) / 1000) * RATE) + 10;
  // Skip the opening paste (txn 0): every editor starts somewhere in the typing that follows it.
  const starts = Array.from({ length: DOCS }, () =>
    Array.from({ length: EDITORS }, () => 1 + Math.floor(random() * (trace.txns.length - perEditor - 1))),
  );
  const prefill = textsAfter(trace.txns, starts.flat());
  console.log(
    `co-editing: ${DOCS} documents × ${EDITORS} editors at ${RATE} ops/s, stamps every ${STAMP_EVERY_MS} ms, ` +
      `${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up; trace ${trace.name} (${trace.source}), seed ${SEED}`,
  );
  const rows: Row[] = [];
  for (const kind of SERVERS) {
    console.log(`… ${kind}`);
    rows.push(await runTarget(kind, trace, starts, prefill));
  }
  printTable(`Co-editing: ${DOCS} docs × ${EDITORS} editors, ${RATE} ops/s each + 10 stamps/s per doc`, rows);
  const file = writeResult('coedit', {
    settings: {
      docs: DOCS,
      editors: EDITORS,
      rate: RATE,
      stampEveryMs: STAMP_EVERY_MS,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      seed: SEED,
      trace: trace.name,
      traceSource: trace.source,
    },
    rows,
  });
  console.log(`\nwritten to ${file}`);
  if (rows.some((r) => String(r['identical state']).startsWith('NO'))) process.exitCode = 1;
}

await main();
