import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
// playwright-core is the test workspace's (test/package.json), found from here by Node's lookup upwards.
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAccordServer, loadConfig } from '@accord/server';
import { CHROMIUM, CHROMIUM_ARGS, FAKE_MEDIA_ARGS } from '../../helpers/browser.js';
import { tempDir } from './accord.js';
import { FLOOR_PAGE } from './call-floor-page.js';
import { ROOM_BENCH_ENV, startAccordServe } from './rooms.js';
import { repoRoot, type BenchProcess } from './spawn.js';

// The browser half of the call benchmark: how long from "join with video" to the first decoded frame
// of every peer, in Accord's client and between bare RTCPeerConnections (the floor).

export const JOIN_TIMEOUT_MS = 60_000;
/** ACCORD_BENCH_CALL_TRACE=1: prints what the joiner's every poll saw (per peer: state, audio and video bytes in, frames decoded). */
const TRACE = process.env.ACCORD_BENCH_CALL_TRACE === '1';
const ROLES = ['customer', 'platform', 'mediator'] as const;

export interface FramesSettings {
  pages: number;
  repeats: number;
  /** `bare` runs the floor, `accord` Accord's client. */
  sides: readonly string[];
}

export interface Quantiles {
  median: number;
  p90: number;
}

/** One timed join, in ms from the click (Accord) or the first offer (the floor). */
export interface JoinSample {
  /** Which repeat: the two sides' joins of one repeat ran back to back. */
  repeat: number;
  /** Until the joiner decoded video from every peer. */
  joiner: number;
  /** Until every page decoded video from every peer. */
  everyone: number;
  /** Until the joiner was in the call (Accord: its join acknowledged; the floor: at once). */
  joined: number;
  /** Until the joiner had a connection to every peer (Accord: its client made them; the floor: at once). */
  links: number;
  /** Until every connection of the joiner was 'connected' (ICE and DTLS done). */
  connected: number;
}

export interface FramesSide {
  side: string;
  joins: JoinSample[];
  failed: number;
  summary: { joiner: Quantiles; everyone: Quantiles; joined: Quantiles; links: Quantiles; connected: Quantiles };
}

export interface FramesResult {
  chromium: string;
  sides: FramesSide[];
  /** Why Accord's side did not run, if it did not. */
  skipped: string | null;
}

interface Timing {
  startAt: number;
  doneAt: number;
  ms: number;
  /** From the click until the page was in the call (its join acknowledged), and until every connection was connected. */
  joinedMs: number;
  /** From the click until the page had a connection to every peer (Accord; the floor: at once). */
  linksMs: number;
  connectedMs: number;
  trace?: [number, [string, number, number, number][]][];
}

/** Nearest-rank quantiles, as the other benchmarks report latency. */
export function quantiles(xs: readonly number[]): Quantiles {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { median: at(0.5), p90: at(0.9) };
}

/** One side of the comparison: pages set up once, then a join and a leave per repeat. */
interface Side {
  name: string;
  join(): Promise<{ timing: Timing; everyone: number }>;
  leave(): Promise<void>;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      ...FAKE_MEDIA_ARGS,
      '--autoplay-policy=no-user-gesture-required',
      // Every page is "in the background" for a headless browser; its 20 ms polls must not be slowed.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

export async function newPage(browser: Browser, label: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${label}] page error:`, err.message));
  return page;
}

/** The floor: plain pages on a local origin (getUserMedia needs a secure context), signals passed by this process. */
async function floorSide(browser: Browser, n: number): Promise<Side> {
  const http = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(FLOOR_PAGE));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const page = await newPage(browser, `floor p${i}`);
    await page.exposeFunction('floorSend', (to: string, msg: unknown) => {
      const target = pages[Number(to.slice(1))];
      void target?.evaluate(`window.floor.receive('p${i}', ${JSON.stringify(msg)})`);
    });
    await page.goto(url);
    await page.evaluate('window.floor.media()');
    pages.push(page);
  }
  const joiner = pages[n - 1]!;
  const others = pages.slice(0, -1);
  // The others are in a call with each other already, as in Accord's side.
  for (let i = 0; i < others.length; i++) {
    for (let j = i + 1; j < others.length; j++) await others[i]!.evaluate(`window.floor.call('p${j}')`);
  }
  await Promise.all(others.map((p) => p.evaluate(`window.floor.untilFrames(${n - 2}, ${JOIN_TIMEOUT_MS})`)));
  const names = others.map((_, i) => `p${i}`);
  return {
    name: 'bare RTCPeerConnection (floor)',
    async join() {
      const waits = others.map((p) => p.evaluate<number>(`window.floor.untilFrames(${n - 1}, ${JOIN_TIMEOUT_MS})`));
      const t = await joiner.evaluate<Timing>(`window.floor.join(${JSON.stringify(names)}, ${JOIN_TIMEOUT_MS})`);
      const last = Math.max(t.doneAt, ...(await Promise.all(waits)));
      return { timing: t, everyone: last - t.startAt };
    },
    async leave() {
      await joiner.evaluate('window.floor.hangUpAll()');
      await Promise.all(others.map((p) => p.evaluate(`window.floor.hangUp('p${n - 1}')`)));
    },
    async close() {
      await Promise.all(pages.map((p) => p.context().close()));
      http.close();
    },
  };
}

/** A case with one invite per page, the room open (no waiting room); the server is started on it afterwards. */
export async function prepareCallCase(dataDir: string, n: number): Promise<{ caseId: string; invitePaths: string[] }> {
  const server = createAccordServer(
    loadConfig({ PORT: '0', ACCORD_DATA_DIR: dataDir, ACCORD_LOG_LEVEL: 'silent', ...ROOM_BENCH_ENV }),
  );
  await server.listen();
  try {
    const c = await server.cases.createCaseAsSystem({
      title: 'Call benchmark',
      category: 'fees_and_charges',
      amountInDisputeCents: 48_000,
    });
    const invitePaths: string[] = [];
    for (let i = 0; i < n; i++) {
      const role = ROLES[i % ROLES.length]!;
      const invite = await server.cases.createInviteAsSystem(c.id, { role, displayName: `${role} ${i + 1}` });
      invitePaths.push(`/join/${invite.url.split('/join/')[1]}`);
    }
    await server.store.updateRoomState(c.id, { lobby: false, phase: 'joint' });
    return { caseId: c.id, invitePaths };
  } finally {
    await server.close();
  }
}

/**
 * In a room page: polls `window.__accordCall.stats()` every 20 ms until `count` peers each decoded a
 * frame; the absolute time. `marks` (a variable of the surrounding script) gets when the page was first
 * in the call and when every connection was first 'connected'.
 */
const accordUntilFrames = (count: number, marks = '{}') => `(async (marks) => {
  const now = () => performance.timeOrigin + performance.now();
  const end = performance.now() + ${JOIN_TIMEOUT_MS};
  for (;;) {
    if (marks.joinedAt === undefined && window.__accordCall.state().inCall) marks.joinedAt = now();
    const s = await window.__accordCall.stats();
    if (marks.trace) marks.trace.push([now(), s.map((p) => [p.connectionState, p.audioBytesIn, p.videoBytesIn, p.framesDecoded])]);
    if (s.length >= ${count}) {
      if (marks.linksAt === undefined) marks.linksAt = now();
      if (marks.connectedAt === undefined && s.every((p) => p.connectionState === 'connected')) marks.connectedAt = now();
      if (s.every((p) => p.framesDecoded > 0)) return now();
    }
    if (performance.now() > end) throw new Error('no frames from every peer in time: ' + JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 20));
  }
})(${marks})`;

/** The timed click: the mark is taken in the page, right before the button's click handler runs. */
const accordTimedJoin = (count: number) => `(async () => {
  const button = document.querySelector('[data-testid="call-join-video"]');
  const marks = ${TRACE ? '{ trace: [] }' : '{}'};
  const startAt = performance.timeOrigin + performance.now();
  button.click();
  const doneAt = await ${accordUntilFrames(count, 'marks')};
  return {
    startAt,
    doneAt,
    ms: doneAt - startAt,
    joinedMs: (marks.joinedAt ?? doneAt) - startAt,
    linksMs: (marks.linksAt ?? doneAt) - startAt,
    connectedMs: (marks.connectedAt ?? doneAt) - startAt,
    trace: marks.trace?.map(([at, peers]) => [Math.round(at - startAt), peers]),
  };
})()`;

const statsCount = (p: Page) => p.evaluate<number>('window.__accordCall.stats().then((s) => s.length)');
const inCall = (p: Page) => p.evaluate<boolean>('window.__accordCall.state().inCall');

export async function until(check: () => Promise<boolean>, what: string, timeoutMs = JOIN_TIMEOUT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the preview and waits until it shows the camera: the user sees themself before choosing to join. */
export async function openPreview(page: Page): Promise<void> {
  await page.getByTestId('call-join').click();
  await page.getByTestId('call-join-video').waitFor({ state: 'visible', timeout: JOIN_TIMEOUT_MS });
  await until(
    () =>
      page
        .getByTestId('call-preview-video')
        .evaluate((v) => (v as HTMLVideoElement).videoWidth > 0)
        .catch(() => false),
    'the preview to show the camera',
  );
  await until(() => page.getByTestId('call-join-video').isEnabled(), 'join with video to be enabled');
}

/** Past the signing PIN shown once to a party (noted, as a person would), to the room's call panel. */
export async function enterRoom(page: Page): Promise<boolean> {
  try {
    const first = page.locator('[data-testid="call-panel"], [data-testid="pin-notice"]').first();
    await first.waitFor({ timeout: JOIN_TIMEOUT_MS });
    if (await page.getByTestId('pin-notice').isVisible())
      await page.locator('[data-testid="pin-notice"] button').click();
    await page.getByTestId('call-panel').waitFor({ timeout: JOIN_TIMEOUT_MS });
    return await page.evaluate<boolean>('typeof window.__accordCall === "object"');
  } catch {
    return false;
  }
}

async function accordSide(browser: Browser, n: number): Promise<{ side: Side } | { skipped: string }> {
  const dataDir = tempDir('accord-bench-call-frames-');
  const { caseId, invitePaths } = await prepareCallCase(dataDir, n);
  const proc: BenchProcess = await startAccordServe({ ACCORD_DATA_DIR: dataDir });
  const url = `http://127.0.0.1:${proc.port}`;
  const pages: Page[] = [];
  const closeAll = async () => {
    await Promise.all(pages.map((p) => p.context().close()));
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < n; i++) {
      const page = await newPage(browser, `accord ${ROLES[i % ROLES.length]}`);
      pages.push(page);
      await page.goto(url + invitePaths[i]!);
      await page.waitForURL(`**/cases/${caseId}`, { timeout: JOIN_TIMEOUT_MS });
      const ready = await enterRoom(page);
      if (!ready) {
        const shot = join(repoRoot, 'test/bench/results', `call-no-ui-${Date.now()}.png`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        await closeAll();
        return {
          skipped: `Accord side not run: the room page has no call UI (no call-panel or window.__accordCall; see ${shot})`,
        };
      }
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const joiner = pages[n - 1]!;
  const others = pages.slice(0, -1);
  for (const p of others) {
    await openPreview(p);
    await p.getByTestId('call-join-video').click();
  }
  await Promise.all(others.map((p) => p.evaluate(accordUntilFrames(n - 2))));
  return {
    side: {
      name: 'Accord',
      async join() {
        await openPreview(joiner);
        const waits = others.map((p) => p.evaluate<number>(accordUntilFrames(n - 1)));
        const t = await joiner.evaluate<Timing>(accordTimedJoin(n - 1));
        if (t.trace) console.log(t.trace.map(([at, peers]) => `${at} ms: ${JSON.stringify(peers)}`).join('\n'));
        const last = Math.max(t.doneAt, ...(await Promise.all(waits)));
        return { timing: t, everyone: last - t.startAt };
      },
      async leave() {
        await joiner.getByTestId('call-leave').click();
        await until(async () => !(await inCall(joiner)) && (await statsCount(joiner)) === 0, 'the joiner to be out');
        for (const p of others) await until(async () => (await statsCount(p)) === n - 2, 'the others to drop it');
      },
      close: closeAll,
    },
  };
}

/** Lets Chromium use every core: the benchmark process was pinned to the load generator's core, and Chromium inherits that. */
function unpinSelf(): void {
  const all = `0-${cpus().length - 1}`;
  spawnSync('taskset', ['-pc', all, String(process.pid)], { stdio: 'ignore' });
}

/**
 * Runs both sides with their pages open side by side, the joins alternating (floor, Accord, floor, …)
 * so that the machine's changing load falls on both alike.
 */
export async function runFrames(s: FramesSettings): Promise<FramesResult> {
  unpinSelf();
  const browser = await launch();
  const version = browser.version();
  const sides: Side[] = [];
  let skipped: string | null = null;
  try {
    if (s.sides.includes('bare')) sides.push(await floorSide(browser, s.pages));
    if (s.sides.includes('accord')) {
      const a = await accordSide(browser, s.pages);
      if ('side' in a) sides.push(a.side);
      else skipped = a.skipped;
    }
    const results = sides.map((side) => ({ side: side.name, joins: [] as JoinSample[], failed: 0 }));
    for (let repeat = 1; repeat <= s.repeats; repeat++) {
      for (const [k, side] of sides.entries()) {
        const r = results[k]!;
        try {
          const { timing: t, everyone } = await side.join();
          r.joins.push({
            repeat,
            joiner: t.ms,
            everyone,
            joined: t.joinedMs,
            links: t.linksMs,
            connected: t.connectedMs,
          });
          console.log(
            `${side.name}: join ${repeat}: frames from every peer ${t.ms.toFixed(0)} ms (in the call ` +
              `${t.joinedMs.toFixed(0)}, connections made ${t.linksMs.toFixed(0)}, connected ${t.connectedMs.toFixed(0)}; every page ${everyone.toFixed(0)} ms)`,
          );
        } catch (err) {
          r.failed++;
          console.error(`${side.name}: join ${repeat} failed: ${(err as Error).message.slice(0, 500)}`);
        }
        await side.leave();
      }
    }
    const q = (r: (typeof results)[number], key: keyof Omit<JoinSample, 'repeat'>) =>
      quantiles(r.joins.map((j) => j[key]));
    return {
      chromium: version,
      skipped,
      sides: results.map((r) => ({
        ...r,
        summary: {
          joiner: q(r, 'joiner'),
          everyone: q(r, 'everyone'),
          joined: q(r, 'joined'),
          links: q(r, 'links'),
          connected: q(r, 'connected'),
        },
      })),
    };
  } finally {
    for (const side of sides) await side.close().catch(() => undefined);
    await browser.close();
  }
}
