import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { report, violationsAtWidths } from './a11y-support';
import { createTestCase, startServer, type TestCaseOf, type TestServer } from '../helpers/server';

/**
 * The rights and duties before the room, on a 375 px phone: a customer opening their invite reads them
 * in Chinese (the language switch turns them to English), cannot go on before ticking that they have read
 * them, acknowledges, and enters the room; a reload, or the link opened on another device, does not ask
 * again. In the room the text can be read again.
 */
describe.skipIf(!chromiumOrSkip())('rights and duties before the room, in real Chromium', () => {
  let t: TestServer;
  let c: TestCaseOf<'customer' | 'mediator'>;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  const overflow = (p: Page) =>
    p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const newPhone = () =>
    browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await createTestCase(t.server, t.url, { roles: ['customer', 'mediator'], acknowledgeRights: false });
    browser = await launchChromium();
    phone = await newPhone();
    page = await phone.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the text in Chinese before the room; continuing waits for the tick', async () => {
    await page.goto(c.inviteUrls.customer);
    await page.waitForURL(`**/cases/${c.caseId}`);
    const gate = page.getByTestId('rights-gate');
    await gate.waitFor();
    await expect.poll(() => page.getByTestId('rights-text').locator('h1').innerText()).toContain('权利与义务');
    expect(await page.getByTestId('rights-text').innerText()).toContain('随时终止调解');
    // The room is not entered (nor connected) behind it.
    expect(await page.getByTestId('room-tab-chat').count()).toBe(0);
    expect(await overflow(page)).toBe(0);
    const go = page.getByTestId('rights-continue');
    expect(await go.isDisabled()).toBe(true);
    await screenshot(page, 'rights-gate-phone-zh');
    // Readable by everyone, on a phone and a desktop: no serious accessibility violation (axe).
    const found = await violationsAtWidths(page, 'rights gate');
    expect(found, report(found)).toEqual([]);

    // The page's language is the text's.
    await page.locator('.lang select').selectOption('en');
    await expect.poll(() => page.getByTestId('rights-text').locator('h1').innerText()).toContain('rights and duties');
    await page.locator('.lang select').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('rights-text').locator('h1').innerText()).toContain('权利与义务');
    expect(await t.server.store.listRightsAcks(c.caseId)).toEqual([]);
  });

  it('acknowledged, the room opens; the server has it in Chinese', async () => {
    await page.getByTestId('rights-check').check();
    const go = page.getByTestId('rights-continue');
    expect(await go.isEnabled()).toBe(true);
    await go.click();
    await page.getByTestId('room-tab-chat').waitFor();
    expect(await page.getByTestId('rights-gate').count()).toBe(0);
    const acks = await t.server.store.listRightsAcks(c.caseId);
    expect(acks.map((a) => [a.userId, a.role, a.language, a.version])).toEqual([
      [c.userIds.customer, 'customer', 'zh-CN', '2026-12-05'],
    ]);
  });

  it('reads them again from the room, read-only', async () => {
    await page.getByTestId('rights-link').click();
    const reader = page.getByTestId('rights-reader');
    await reader.getByTestId('rights-text').waitFor();
    expect(await reader.getByTestId('rights-acknowledged').innerText()).toContain('您已于');
    expect(await reader.getByTestId('rights-check').count()).toBe(0);
    await screenshot(page, 'rights-reader-phone-zh');
    const found = await violationsAtWidths(page, 'rights reader', [375]);
    expect(found, report(found)).toEqual([]);
    await reader.getByTestId('rights-close').click();
    await expect.poll(() => reader.count()).toBe(0);
  });

  it('a reload, or the invite on another phone, goes straight into the room', async () => {
    await page.reload();
    await page.getByTestId('room-tab-chat').waitFor();
    expect(await page.getByTestId('rights-gate').count()).toBe(0);

    // A device that never saw the acknowledgement: the server says it was made.
    const other = await (await newPhone()).newPage();
    await other.goto(c.inviteUrls.customer);
    await other.waitForURL(`**/cases/${c.caseId}`);
    await other.getByTestId('room-tab-chat').waitFor();
    expect(await other.getByTestId('rights-gate').count()).toBe(0);
    expect(await t.server.store.listRightsAcks(c.caseId)).toHaveLength(1);
  });
});
