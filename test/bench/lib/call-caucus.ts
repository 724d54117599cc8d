import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { tempDir } from './accord.js';
import {
  enterRoom,
  launch,
  newPage,
  openPreview,
  prepareCallCase,
  quantiles,
  until,
  type Quantiles,
} from './call-frames.js';
import { startAccordServe } from './rooms.js';

/**
 * How long a caucus takes to part the call, and closing it to join it again, as the people in it meet
 * it: the mediator clicks "private session with the customer" in Chromium; parted is when the excluded
 * party (the platform) holds no connection to anyone and the customer none to the platform (each
 * closed connection carries nothing either way); joined again is when, after "end the private
 * session", every page is connected to both others and has decoded a frame from each. Every time is
 * taken in the pages against one clock (`performance.timeOrigin + now()`, same machine), polled every
 * 10 ms. The bar: parted within one second.
 */
export interface CaucusResult {
  repeats: number;
  partedMs: number[];
  joinedMs: number[];
  parted: Quantiles;
  joined: Quantiles;
}

/** Polls `window.__accordCall.stats()` in a page until `test` holds; the absolute time it first did. */
const pollUntil = (test: string) => `(async () => {
  const now = () => performance.timeOrigin + performance.now();
  const end = performance.now() + 60000;
  for (;;) {
    const s = await window.__accordCall.stats();
    if ((${test})(s)) return now();
    if (performance.now() > end) throw new Error('timed out: ' + JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 10));
  }
})()`;

const NONE = '(s) => s.length === 0';
const ONLY_ONE = '(s) => s.length === 1';
const BOTH_FLOWING =
  "(s) => s.length === 2 && s.every((p) => p.connectionState === 'connected' && p.framesDecoded > 0)";

/** Clicks a button in the page, with the time taken there right before its handler runs. */
const timedClick = (testId: string) => `(() => {
  const at = performance.timeOrigin + performance.now();
  document.querySelector('[data-testid="${testId}"]').click();
  return at;
})()`;

export async function runCaucus(repeats: number): Promise<CaucusResult> {
  const browser = await launch();
  const dataDir = tempDir('accord-bench-call-caucus-');
  const { caseId, invitePaths } = await prepareCallCase(dataDir, 3);
  const proc = await startAccordServe({ ACCORD_DATA_DIR: dataDir });
  const url = `http://127.0.0.1:${proc.port}`;
  try {
    const pages: Page[] = [];
    for (const [i, path] of invitePaths.entries()) {
      const page = await newPage(browser, `caucus ${i}`);
      pages.push(page);
      await page.goto(url + path);
      await page.waitForURL(`**/cases/${caseId}`, { timeout: 60_000 });
      if (!(await enterRoom(page))) throw new Error('the room page has no call UI');
    }
    const [customer, platform, mediator] = pages as [Page, Page, Page];
    for (const p of pages) {
      await openPreview(p);
      await p.getByTestId('call-join-video').click();
    }
    await Promise.all(pages.map((p) => p.evaluate<number>(pollUntil(BOTH_FLOWING))));
    const partedMs: number[] = [];
    const joinedMs: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      await until(() => mediator.getByTestId('caucus-customer').isVisible(), 'the caucus button');
      const parted = [platform.evaluate<number>(pollUntil(NONE)), customer.evaluate<number>(pollUntil(ONLY_ONE))];
      const openedAt = await mediator.evaluate<number>(timedClick('caucus-customer'));
      const partedAt = Math.max(...(await Promise.all(parted)));
      await until(() => mediator.getByTestId('close-caucus').isVisible(), 'the end-caucus button');
      const joined = pages.map((p) => p.evaluate<number>(pollUntil(BOTH_FLOWING)));
      const closedAt = await mediator.evaluate<number>(timedClick('close-caucus'));
      const joinedAt = Math.max(...(await Promise.all(joined)));
      // The first round warms up (the caucus controls' first render, the first rebuild of each connection).
      if (i === 0) continue;
      partedMs.push(partedAt - openedAt);
      joinedMs.push(joinedAt - closedAt);
    }
    return { repeats, partedMs, joinedMs, parted: quantiles(partedMs), joined: quantiles(joinedMs) };
  } finally {
    await browser.close();
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
