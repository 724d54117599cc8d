import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';

/**
 * A phone on a weak network: a page's code (its own chunk) may not arrive. The borrower reads why, in
 * their language, and can try again, instead of an empty screen.
 */
describe.skipIf(!chromiumOrSkip())('a page whose code does not arrive', () => {
  let t: TestServer;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    browser = await launchChromium();
    // No service worker: this is the first visit, before anything could be kept.
    phone = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      serviceWorkers: 'block',
    });
    page = await phone.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('says so in Chinese with a way to try again, and trying again once the network is back shows the form', async () => {
    let blocked = true;
    await page.route(/\/assets\/IntakePage-[^/]+\.js$/, (route) =>
      blocked ? route.abort('failed') : route.continue(),
    );
    await page.goto(`${t.url}/complain`);
    const failed = page.getByTestId('page-failed');
    await failed.waitFor();
    expect(await failed.innerText()).toContain('页面没能加载。请检查网络连接，然后重试。');
    await screenshot(page, 'weak-network-page-failed-375');

    blocked = false;
    await failed.getByRole('button', { name: '重试' }).click();
    await page.locator('form').first().waitFor();
    expect(await page.getByTestId('page-failed').count()).toBe(0);
    expect(await page.locator('h1, h2').first().innerText()).not.toBe('');
  });
});
