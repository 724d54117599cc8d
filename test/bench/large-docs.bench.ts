/**
 * Benchmark 4, large documents (issue 9): an agreement document built from the full seph-blog1
 * trace (56,769 characters; editing-traces by Joseph Gentle, CC BY 4.0) and one ten times that,
 * stored in Accord through a real client. Measured: connect → synced, cold (server just started, or
 * the document unloaded) and warm (loaded because someone else has it open), with a stock provider
 * (includes the client building its Y.Doc) and with a raw protocol client (sync step 1 sent, sync
 * step 2 received: the server's part and the transfer); the server's own load time (store read and
 * Y.Doc build, from its `doc.loaded` debug line); and a probe document's propagation latency while
 * two other clients repeatedly sync the big one.
 *
 *   npx tsx test/bench/large-docs.bench.ts
 *   ACCORD_BENCH_QUICK=1 npx tsx test/bench/large-docs.bench.ts
 *
 * Settings (env): ACCORD_BENCH_SIZES (default 1,10), ACCORD_BENCH_REPEAT, ACCORD_BENCH_PROBE_MS, and
 * those of test/bench/lib/accord.ts (ACCORD_BENCH_PROF, ACCORD_BENCH_ACCORD_ROOT).
 *
 * Accord runs with its production defaults except ACCORD_DOC_UNLOAD_MS=0 (a document nobody has open
 * is unloaded at once, so every connection after the last one closed is a cold load) and
 * ACCORD_LOG_LEVEL=debug (for the load timings).
 */
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { prepareAccordCases, startAccordProcess, tempDir, type BenchCase } from './lib/accord.js';
import { LoopWatch } from './lib/loop.js';
import { rssKb } from './lib/proc.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { runSchedule } from './lib/schedule.js';
import { pinSelf, type BenchProcess } from './lib/spawn.js';
import { round, summarize } from './lib/stats.js';
import { applyPatches, loadSequentialTrace, type SequentialTrace } from './lib/traces.js';
import { allWithin, yWebsocketClient, type YClient } from './lib/yjs-targets.js';

const QUICK = process.env.ACCORD_BENCH_QUICK === '1';
const REPEAT = Number(process.env.ACCORD_BENCH_REPEAT ?? (QUICK ? 2 : 5));
const PROBE_MS = Number(process.env.ACCORD_BENCH_PROBE_MS ?? (QUICK ? 4_000 : 10_000));
const PROBE_EVERY_MS = 25;
const SIZES = (process.env.ACCORD_BENCH_SIZES ?? '1,10').split(',').map(Number);
/** Trace transactions per Yjs transaction while building (a typing session's worth of edits per update). */
const BUILD_CHUNK = 1000;

const env = { ACCORD_DOC_UNLOAD_MS: '0', ACCORD_LOG_LEVEL: 'debug' };

interface LogLine {
  event?: string;
  doc?: string;
  readMs?: number;
  applyMs?: number;
  bytes?: number;
  updates?: number;
  ms?: number;
}

class Node {
  constructor(
    public proc: BenchProcess,
    private readonly dataDir: string,
  ) {}
  get url(): string {
    return `ws://127.0.0.1:${this.proc.port}/yjs`;
  }
  lines(event: string, doc: string): LogLine[] {
    const out: LogLine[] = [];
    for (const line of this.proc.output().split('\n')) {
      if (!line.includes(`"event":"${event}"`) || !line.includes(doc)) continue;
      try {
        out.push(JSON.parse(line) as LogLine);
      } catch {
        // A line cut by the pipe's buffering; the next read has it whole.
      }
    }
    return out;
  }
  async waitFor(event: string, doc: string, count: number, ms = 30_000): Promise<LogLine> {
    const until = performance.now() + ms;
    for (;;) {
      const lines = this.lines(event, doc);
      if (lines.length >= count) return lines[count - 1]!;
      if (performance.now() > until) {
        const tail = this.proc.output().split('\n').slice(-15).join('\n');
        throw new Error(`no ${event} #${count} for ${doc} within ${ms} ms; the server's last lines:\n${tail}`);
      }
      await sleep(5);
    }
  }
  async restart(): Promise<void> {
    await this.proc.stop();
    this.proc = await start(this.dataDir);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(dataDir: string): Promise<BenchProcess> {
  return startAccordProcess(dataDir, env);
}

/** Stock WebsocketProvider: connect → synced, including the client applying the document. */
async function stockSync(node: Node, c: BenchCase, keep = false): Promise<{ ms: number; client: YClient | null }> {
  const t0 = performance.now();
  const client = yWebsocketClient(node.url, c.caseId, new Y.Doc(), { token: c.tokens.mediator! });
  await allWithin([client.synced], 60_000, 'stock sync');
  const ms = performance.now() - t0;
  if (!keep) client.destroy();
  return { ms, client: keep ? client : null };
}

/**
 * A raw y-websocket protocol client: sends sync step 1 with an empty state vector and stops the
 * clock when sync step 2 (the whole document) has arrived; does not decode it.
 */
function rawSync(node: Node, c: BenchCase): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const ws = new WebSocket(`${node.url}/${c.caseId}?token=${encodeURIComponent(c.tokens.platform!)}`);
  return new Promise((resolve, reject) => {
    ws.on('open', () => ws.send(new Uint8Array([0, 0, 1, 0])));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === 1) {
        const ms = performance.now() - t0;
        ws.close();
        resolve({ ms, bytes: data.byteLength });
      }
    });
    ws.on('error', reject);
    ws.on('close', (code) => code !== 1005 && code !== 1000 && reject(new Error(`closed ${code}`)));
  });
}

async function build(
  node: Node,
  c: BenchCase,
  trace: SequentialTrace,
  sections: number,
): Promise<{ chars: number; updates: number }> {
  const writer = yWebsocketClient(node.url, c.caseId, new Y.Doc(), { token: c.tokens.customer! });
  await allWithin([writer.synced], 30_000, 'writer synced');
  const doc = writer.doc;
  let updates = 0;
  doc.on('update', () => updates++);
  for (let s = 0; s < sections; s++) {
    let text: Y.XmlText | null = null;
    doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      doc.getXmlFragment('body').push([p]);
      text = new Y.XmlText();
      p.insert(0, [text]);
    });
    for (let i = 0; i < trace.txns.length; i += BUILD_CHUNK) {
      doc.transact(() => {
        for (let j = i; j < Math.min(i + BUILD_CHUNK, trace.txns.length); j++) applyPatches(text!, trace.txns[j]!);
      });
      // Let the provider's socket drain, as typing over minutes would.
      await sleep(1);
    }
  }
  const chars = doc
    .getXmlFragment('body')
    .toArray()
    .reduce((n, p) => n + ((p as Y.XmlElement).firstChild as Y.XmlText).length, 0);
  // Stored: a fresh client gets the writer's whole state from the server.
  const want = Buffer.from(Y.encodeStateVector(doc)).toString('base64');
  for (let tries = 0; ; tries++) {
    const check = yWebsocketClient(node.url, c.caseId, new Y.Doc(), { token: c.tokens.platform! });
    await allWithin([check.synced], 60_000, 'check synced');
    const same = Buffer.from(Y.encodeStateVector(check.doc)).toString('base64') === want;
    check.destroy();
    if (same) break;
    if (tries > 20) throw new Error('the built document did not reach the server');
    await sleep(500);
  }
  writer.destroy();
  return { chars, updates };
}

async function probe(node: Node, probeCase: BenchCase, bigCase: BenchCase | null): Promise<Row> {
  const writer = yWebsocketClient(node.url, probeCase.caseId, new Y.Doc(), { token: probeCase.tokens.customer! });
  const reader = yWebsocketClient(node.url, probeCase.caseId, new Y.Doc(), { token: probeCase.tokens.platform! });
  await allWithin([writer.synced, reader.synced], 30_000, 'probe synced');
  const latencies: number[] = [];
  let measuring = false;
  let measureFrom = Infinity;
  const map = reader.doc.getMap<number>('bench');
  map.observe((ev) => {
    const at = map.get('t')!;
    if (measuring && ev.keysChanged.has('t') && at >= measureFrom) latencies.push(performance.now() - at);
  });
  const loadsBefore = bigCase ? node.lines('doc.loaded', bigCase.caseId).length : 0;
  const buildsBefore = bigCase ? node.lines('doc.built', bigCase.caseId).length : 0;
  let churning = true;
  const syncs: number[] = [];
  const churn = async () => {
    while (churning && bigCase) syncs.push((await rawSync(node, bigCase)).ms);
  };
  const churners = bigCase ? [churn(), sleep(50).then(churn)] : [];
  // Warm-up: a second of stamps, not counted (JIT, the first syncs of the big document).
  await runSchedule(1, 1000 / PROBE_EVERY_MS, 1000, (_s, at) => writer.doc.getMap<number>('bench').set('t', at));
  await sleep(200);
  const loop = new LoopWatch();
  loop.start();
  measuring = true;
  measureFrom = performance.now();
  let sent = 0;
  await runSchedule(1, 1000 / PROBE_EVERY_MS, PROBE_MS, (_s, at) => {
    writer.doc.getMap<number>('bench').set('t', at);
    sent++;
  });
  await sleep(300);
  measuring = false;
  const l = loop.stop();
  churning = false;
  await Promise.all(churners);
  writer.destroy();
  reader.destroy();
  const s = summarize(latencies);
  const sy = summarize(syncs);
  return {
    while: bigCase ? `2 clients re-syncing the ${Math.max(...SIZES)}× doc` : 'nothing else',
    'probe stamps recv/sent': `${latencies.length}/${sent}`,
    'p50 ms': round(s.p50),
    'p99 ms': round(s.p99),
    'max ms': round(s.max),
    'big-doc syncs': bigCase ? syncs.length : '-',
    'of which cold loads': bigCase ? node.lines('doc.loaded', bigCase.caseId).length - loadsBefore : '-',
    'Y.Doc builds': bigCase ? node.lines('doc.built', bigCase.caseId).length - buildsBefore : '-',
    'big sync p50 / max ms': bigCase ? `${round(sy.p50)} / ${round(sy.max)}` : '-',
    'loadgen loop p99 ms': round(l.p99Ms),
    result: l.void ? 'VOID (load generator late)' : 'valid',
  };
}

const median = (xs: number[]) => round(summarize(xs).p50);

async function main(): Promise<void> {
  pinSelf();
  const trace = loadSequentialTrace('seph-blog1');
  const dataDir = tempDir('accord-large-');
  const cases = await prepareAccordCases(dataDir, SIZES.length + 1);
  const probeCase = cases[SIZES.length]!;
  const node = new Node(await start(dataDir), dataDir);
  const rows: Row[] = [];
  let probes: Row[] = [];
  try {
    console.log(
      `large documents: ${SIZES.map((k) => `${k}×`).join(', ')} ${trace.name} (${trace.source}); ${REPEAT} repeats`,
    );
    const built: { chars: number; updates: number }[] = [];
    for (const [i, k] of SIZES.entries()) {
      const t0 = performance.now();
      built.push(await build(node, cases[i]!, trace, k));
      await node.waitFor('doc.unloaded', cases[i]!.caseId, 1);
      console.log(
        `… built ${k}× (${built[i]!.chars} characters, ${built[i]!.updates} updates) in ${round((performance.now() - t0) / 1000)} s`,
      );
    }

    for (const [i, k] of SIZES.entries()) {
      const c = cases[i]!;
      const id = c.caseId;
      // Cold, server just started: the first connection loads it from the store.
      await node.restart();
      const coldStart = await stockSync(node, c);
      const firstLoad = await node.waitFor('doc.loaded', id, 1);
      let unloads = 1;
      await node.waitFor('doc.unloaded', id, unloads);
      // Cold, unloaded (everyone had left).
      const coldStock: number[] = [];
      const coldRaw: number[] = [];
      const bytes: number[] = [];
      for (let r = 0; r < REPEAT; r++) {
        coldStock.push((await stockSync(node, c)).ms);
        await node.waitFor('doc.unloaded', id, ++unloads);
        const raw = await rawSync(node, c);
        coldRaw.push(raw.ms);
        bytes.push(raw.bytes);
        await node.waitFor('doc.unloaded', id, ++unloads);
      }
      const loads = node.lines('doc.loaded', id);
      // Warm: someone has it open.
      const holder = await stockSync(node, c, true);
      const warmStock: number[] = [];
      const warmRaw: number[] = [];
      for (let r = 0; r < REPEAT; r++) {
        warmStock.push((await stockSync(node, c)).ms);
        warmRaw.push((await rawSync(node, c)).ms);
      }
      holder.client!.destroy();
      await node.waitFor('doc.unloaded', id, ++unloads);
      rows.push({
        document: `${k}× seph-blog1`,
        characters: built[i]!.chars,
        'stored bytes': firstLoad.bytes ?? NaN,
        'sync step 2 bytes': bytes[0] ?? NaN,
        'cold, just started: stock ms': round(coldStart.ms),
        'cold, unloaded: stock ms (p50)': median(coldStock),
        'cold: raw ms (p50)': median(coldRaw),
        'warm: stock ms (p50)': median(warmStock),
        'warm: raw ms (p50)': median(warmRaw),
        'server load: store read ms (p50)': median(loads.map((l) => l.readMs ?? NaN)),
        'server load: Y.Doc build ms (p50)': median(loads.map((l) => l.applyMs ?? NaN)),
        'Y.Doc builds (deferred)': node.lines('doc.built', id).length,
        'RSS MB': round(rssKb(node.proc.pid) / 1024, 0),
      });
      console.log(`… measured ${k}×`);
    }

    // Let the server settle (the big documents just unloaded: their memory is reclaimed).
    await sleep(2000);
    const bigIndex = SIZES.indexOf(Math.max(...SIZES));
    probes = [await probe(node, probeCase, null), await probe(node, probeCase, cases[bigIndex]!)];
  } finally {
    await node.proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  printTable(
    'Large documents: connect → synced (Accord, production defaults, documents unloaded when nobody has them open)',
    rows,
  );
  printTable(
    `Probe document (a stamp every ${PROBE_EVERY_MS} ms for ${PROBE_MS / 1000} s) while the big document is synced again and again`,
    probes,
  );
  const file = writeResult('large-docs', {
    settings: {
      sizes: SIZES,
      repeat: REPEAT,
      probeMs: PROBE_MS,
      probeEveryMs: PROBE_EVERY_MS,
      trace: trace.name,
      traceSource: trace.source,
    },
    rows,
    probes,
  });
  console.log(`\nwritten to ${file}`);
}

await main();
