import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { fileComplaint } from '../helpers/cases';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}
interface WebManifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
}

/** Width and height from a PNG's IHDR chunk, which always comes first. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Waits until the service worker is active and controls the page (clientsClaim makes it take the open page). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
}

/**
 * The app's own page, not Chromium's "no internet" page: its header, the URL it was opened at, and the
 * page's own code (a lazily loaded chunk) in place of the loading message.
 */
async function expectAppShell(page: Page, path: string): Promise<void> {
  expect(new URL(page.url()).pathname).toBe(path);
  await page.locator('header.app-bar .brand').waitFor();
  expect(await page.locator('header.app-bar .brand').innerText()).toBe('Accord 调解室');
  await page.locator('main#main > p.page-message[role="status"]').waitFor({ state: 'detached' });
}

describe.skipIf(!chromiumOrSkip())(
  'installable: manifest, icons, and a service worker that opens pages offline',
  () => {
    let t: TestServer;
    let c: TestCase;
    let filed: IntakeResult;
    let browser: Browser;
    let phone: BrowserContext;
    let page: Page;
    const cspErrors: string[] = [];

    beforeAll(async () => {
      if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
        throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
      }
      t = await startServer();
      c = await t.createCase('Installable');
      const lenderId = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
      filed = (await fileComplaint(t.url, lenderId)).filed;
      browser = await launchChromium();
      phone = await browser.newContext({
        locale: 'zh-CN',
        viewport: { width: 375, height: 812 },
        isMobile: true,
        hasTouch: true,
      });
      page = await phone.newPage();
      page.on('pageerror', (err) => console.error('page error:', err));
      page.on('console', (msg) => {
        if (/Content.Security.Policy/i.test(msg.text())) cspErrors.push(msg.text());
      });
    });

    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('links a valid manifest whose icons are PNGs of the stated sizes', async () => {
      await page.goto(`${t.url}/`);
      const head = await page.evaluate(() => ({
        manifest: document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href ?? null,
        themeColor: document.querySelector<HTMLMetaElement>('meta[name="theme-color"]')?.content ?? null,
        description: document.querySelector<HTMLMetaElement>('meta[name="description"]')?.content ?? '',
        appleTouchIcon: document.querySelector<HTMLLinkElement>('link[rel="apple-touch-icon"]')?.href ?? null,
        icons: [...document.querySelectorAll<HTMLLinkElement>('link[rel="icon"]')].map((l) => l.href),
      }));
      expect(head.manifest).toBe(`${t.url}/manifest.webmanifest`);
      expect(head.themeColor).toBe('#0b2545');
      expect(head.description).toContain('调解');

      const res = await fetch(head.manifest ?? '');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
      const manifest = (await res.json()) as WebManifest;
      expect(manifest).toMatchObject({
        name: 'Accord 调解室',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0b2545',
        background_color: '#f6f7f9',
      });
      expect(manifest.short_name.length).toBeLessThanOrEqual(12);
      const purposes = manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`);
      expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));

      for (const icon of manifest.icons) {
        const got = await fetch(new URL(icon.src, head.manifest ?? ''));
        expect(got.status, icon.src).toBe(200);
        expect(got.headers.get('content-type'), icon.src).toBe('image/png');
        expect(icon.type).toBe('image/png');
        const { width, height } = pngSize(Buffer.from(await got.arrayBuffer()));
        expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
      }
      const apple = await fetch(head.appleTouchIcon ?? '');
      expect(apple.headers.get('content-type')).toBe('image/png');
      expect(pngSize(Buffer.from(await apple.arrayBuffer()))).toEqual({ width: 180, height: 180 });
      expect(head.icons.length).toBeGreaterThan(0);
      for (const href of head.icons) expect((await fetch(href)).status, href).toBe(200);
    });

    it('registers a service worker that controls the page, served so that updates reach users', async () => {
      await controlled(page);
      const sw = await fetch(`${t.url}/sw.js`);
      expect(sw.status).toBe(200);
      expect(sw.headers.get('cache-control')).toBe('no-cache');
      // The whole shell is kept: the page, its script and style, and the room's and tracking page's code.
      const cached = await page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys()) {
          for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
        }
        return urls;
      });
      expect(cached).toContain('/index.html');
      expect(cached.some((u) => /^\/assets\/RoomPage-.*\.js$/.test(u))).toBe(true);
      expect(cached.some((u) => /^\/assets\/TrackPage-.*\.js$/.test(u))).toBe(true);
      expect(cached.some((u) => /^\/assets\/index-.*\.css$/.test(u))).toBe(true);
      // Not what a phone need not download up front.
      expect(cached.filter((u) => /pdf\.worker|pdf-record|DashboardPage/.test(u))).toEqual([]);
    });

    it('reopens the tracking page without a network, from the cached app shell', async () => {
      const path = new URL(filed.trackingUrl).pathname;
      await page.goto(`${t.url}${path}`);
      await page.locator('input[autocomplete="one-time-code"]').fill(filed.pin);
      await page.locator('form button[type="submit"]').click();
      await page.getByTestId('tracking').waitFor();
      await controlled(page);

      await phone.setOffline(true);
      await page.reload();
      await expectAppShell(page, path);
      // The case as this phone last saw it, said to be that: not an empty page.
      await page.getByTestId('tracking').waitFor();
      const copy = page.getByTestId('progress-saved-copy');
      expect(await copy.innerText()).toMatch(
        /^您目前处于离线状态，以下是 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 时的进度；联网后会自动更新。$/,
      );
      expect(await page.getByTestId('tracking').innerText()).toContain(filed.caseNumber);
      await screenshot(page, 'installable-track-offline');
      await phone.setOffline(false);
      await page.getByTestId('tracking').waitFor();
      await copy.waitFor({ state: 'detached' });
    });

    it('reopens the room without a network, from the cached app shell', async () => {
      await page.goto(c.inviteUrls.customer);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
      await controlled(page);

      await phone.setOffline(true);
      await page.reload();
      await expectAppShell(page, `/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="offline"]').waitFor();
      await screenshot(page, 'installable-room-offline');
      // Nothing of the API or the live channels went into a cache.
      const cached = await page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys()) {
          for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
        }
        return urls;
      });
      expect(cached.filter((u) => /^\/(api|socket\.io|yjs)\//.test(u))).toEqual([]);
      await phone.setOffline(false);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    });

    it('a page open across an update loads again, once, when a chunk of its old build is gone', async () => {
      // No worker here: the browser asks the server, which after a deploy no longer has the old build's chunks.
      const ctx = await browser.newContext({ locale: 'zh-CN', serviceWorkers: 'block' });
      const p = await ctx.newPage();
      await p.goto(`${t.url}/`);
      await p.locator('header.app-bar .brand').waitFor();
      await p.route(/\/assets\/LoginPage-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: '' }));
      let loads = 0;
      const errorsAfterReload: string[] = [];
      p.on('load', () => (loads += 1));
      p.on('pageerror', (err) => {
        if (loads === 1) errorsAfterReload.push(err.message);
      });
      await p.evaluate(() => {
        history.pushState(null, '', '/login');
        dispatchEvent(new PopStateEvent('popstate'));
      });
      await expect.poll(() => loads).toBe(1);
      // Still missing after the reload: the error is left to show, with no second reload.
      await expect.poll(() => errorsAfterReload.join('\n')).toMatch(/dynamically imported module/);
      expect(loads).toBe(1);
      await ctx.close();
    });

    it('breaks no rule of the content security policy', () => {
      expect(cspErrors).toEqual([]);
    });
  },
);
