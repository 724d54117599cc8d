import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CallPeerStats as PeerStats, CallProbe } from '@accord/shared';
import { ARTIFACTS } from '../helpers/browser';
import { sleep } from '../helpers/wait';

interface ProbedWindow {
  __accordCall?: CallProbe;
  __mediaRequests?: number;
  __mediaTracks?: MediaStreamTrack[];
  __sawPreview?: boolean;
}

export type Metric = 'audioBytesIn' | 'videoBytesIn' | 'framesDecoded' | 'bytesIn';

export async function callStats(page: Page): Promise<PeerStats[]> {
  return page.evaluate(() => {
    const probe = (window as unknown as ProbedWindow).__accordCall;
    return probe ? probe.stats() : [];
  });
}

export async function callState(page: Page): Promise<{ inCall: boolean; peerId: string | null } | null> {
  return page.evaluate(() => (window as unknown as ProbedWindow).__accordCall?.state() ?? null);
}

/**
 * What `page` receives from `userId`, summed over its connections to them; null when it has none open
 * (a closed connection carries nothing, which is what "stopped" means for a pair the client cut).
 */
export async function received(page: Page, userId: string, metric: Metric): Promise<number | null> {
  const mine = (await callStats(page)).filter((s) => s.userId === userId && s.connectionState !== 'closed');
  if (mine.length === 0) return null;
  const of = (s: PeerStats) => (metric === 'bytesIn' ? s.audioBytesIn + s.videoBytesIn : s[metric]);
  return mine.reduce((n, s) => n + of(s), 0);
}

const POLL_MS = 250;
/** Two samples this far apart show media moving (the client's stats are not cached longer than this). */
const GROWTH_SPAN_MS = 1000;
/** Two equal samples this far apart show it stopped. */
const STILL_SPAN_MS = 1500;

/**
 * Waits until `page` receives more of `metric` from `userId` over a second or more: a first sample, then
 * polling until a later one, at least a second after it, exceeds it. A counter that starts again (a
 * connection rebuilt) starts the comparison again. Returns how long it took.
 */
export async function expectGrowing(
  page: Page,
  userId: string,
  metric: Metric,
  what: string,
  limitMs = 90_000,
): Promise<number> {
  const started = Date.now();
  let first = await received(page, userId, metric);
  let firstAt = Date.now();
  let last: number | null = first;
  for (;;) {
    await sleep(POLL_MS);
    const at = Date.now();
    last = await received(page, userId, metric);
    if (last === null || first === null || last < first) {
      first = last;
      firstAt = at;
    } else if (last > first && at - firstAt >= GROWTH_SPAN_MS) {
      return Date.now() - started;
    }
    if (Date.now() - started > limitMs) {
      throw new Error(`${what}: ${metric} not growing after ${limitMs} ms (${String(first)} → ${String(last)})`);
    }
  }
}

/**
 * Waits until what `page` receives of `metric` from `userId` stops: two samples 1.5 s apart equal (or no
 * connection to them at all), and a further sample 1.5 s later still equal. Returns how long after the
 * call it was first seen still, so a test can bound "at once".
 */
export async function expectStopped(
  page: Page,
  userId: string,
  metric: Metric,
  what: string,
  limitMs = 60_000,
): Promise<number> {
  const started = Date.now();
  let a = await received(page, userId, metric);
  let aAt = Date.now();
  for (;;) {
    await sleep(STILL_SPAN_MS);
    const b = await received(page, userId, metric);
    if (b === a) {
      const stillSince = aAt - started;
      await sleep(STILL_SPAN_MS);
      const c = await received(page, userId, metric);
      if (c !== b) throw new Error(`${what}: ${metric} moved again after it had stopped (${String(b)} → ${String(c)})`);
      return stillSince;
    }
    if (Date.now() - started > limitMs) {
      throw new Error(`${what}: ${metric} still moving after ${limitMs} ms (${String(a)} → ${String(b)})`);
    }
    a = b;
    aAt = Date.now();
  }
}

/**
 * Counts the page's requests for camera or microphone, and notes whether the join preview ever showed
 * (a MutationObserver from the first moment of every document in this context).
 */
export async function probeMedia(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as ProbedWindow;
    w.__mediaRequests = 0;
    w.__mediaTracks = [];
    w.__sawPreview = false;
    const devices = navigator.mediaDevices as MediaDevices | undefined;
    if (devices) {
      const original = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
        w.__mediaRequests = (w.__mediaRequests ?? 0) + 1;
        const stream = await original(constraints);
        // The tracks as opened: the client may take one out of its stream later.
        w.__mediaTracks?.push(...stream.getTracks());
        return stream;
      };
    }
    new MutationObserver(() => {
      if (!w.__sawPreview && document.querySelector('[data-testid="call-preview"]')) w.__sawPreview = true;
    }).observe(document, { childList: true, subtree: true });
  });
}

export const mediaRequests = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as ProbedWindow).__mediaRequests ?? -1);
/** Camera and microphone tracks the page opened and has not stopped (a camera's light is on while one is live). */
export const liveTracks = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    ((window as unknown as ProbedWindow).__mediaTracks ?? []).filter((t) => t.readyState === 'live').map((t) => t.kind),
  );
export const sawPreview = (page: Page): Promise<boolean> =>
  page.evaluate(() => (window as unknown as ProbedWindow).__sawPreview ?? false);

export type JoinMode = 'video' | 'audio' | 'listen';

/** Joins the call as a person does: the call button, the preview, then how they want to take part. */
export async function joinCall(page: Page, mode: JoinMode): Promise<void> {
  await page.getByTestId('call-join').click();
  await page.getByTestId('call-preview').waitFor();
  await page.getByTestId(`call-join-${mode}`).click();
  await page.locator('[data-testid="call-panel"][data-in-call="true"]').waitFor();
  await page.getByTestId('call-tile-self').waitFor();
}

/** The tile of `userId` on `page`, as its data attributes. */
export async function tile(page: Page, userId: string): Promise<Record<string, string | null>> {
  const el = page.getByTestId(userId === 'self' ? 'call-tile-self' : `call-tile-${userId}`);
  if ((await el.count()) === 0) return { present: null };
  const attrs = ['data-audio', 'data-video', 'data-muted', 'data-separated', 'data-connection'] as const;
  const values = await Promise.all(attrs.map((a) => el.getAttribute(a)));
  return { present: 'true', ...Object.fromEntries(attrs.map((a, i) => [a.slice(5), values[i] ?? null])) };
}

/**
 * The browser's network service (it holds WebRTC's UDP sockets and every HTTP and WebSocket connection),
 * found through the DevTools protocol. Stopping it with SIGSTOP is a network that drops for this browser
 * alone: nothing it sends leaves, nothing sent to it is read, and its peers see the path fail.
 */
export async function networkServicePid(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  await cdp.detach();
  const net = info.processInfo.find((p) => p.type === 'network.mojom.NetworkService');
  if (!net) throw new Error(`no network service process among ${JSON.stringify(info.processInfo)}`);
  return net.id;
}

/** No horizontal scrolling on the page as it is now. */
export const overflowX = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The call panel alone, as the person sees it (a full-page shot of a phone is too tall to read it in). */
export async function callPanelShot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.getByTestId('call-panel').screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
