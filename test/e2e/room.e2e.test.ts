import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];
// The customer's browser speaks Chinese, the others English: both translations are exercised.
const LOCALE: Record<Party, string> = { customer: 'zh-CN', platform: 'en-US', mediator: 'en-US' };

const editor = (p: Page) => p.getByTestId('agreement-editor');
/** The agreement's text without the other people's caret labels that sit inside it. */
const editorText = (p: Page) =>
  editor(p).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
    return [...copy.querySelectorAll('p')].map((para) => para.textContent).join('\n');
  });
const messageTexts = (p: Page) => p.locator('[data-testid="message"] .text').allInnerTexts();

describe.skipIf(!chromiumOrSkip())('the room in real Chromium, three parties', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const contexts = {} as Record<Party, BrowserContext>;
  const pages = {} as Record<Party, Page>;

  const shootAll = (name: string) => Promise.all(PARTIES.map((p) => screenshot(pages[p], `${name}-${p}`)));

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    c = await t.createCase('Early-repayment fee dispute');
    browser = await launchChromium();
    for (const party of PARTIES) {
      contexts[party] = await browser.newContext({ locale: LOCALE[party], viewport: { width: 1280, height: 900 } });
      pages[party] = await contexts[party].newPage();
      pages[party].on('pageerror', (err) => console.error(`[${party}] page error:`, err));
      await pages[party].goto(c.inviteUrls[party]);
    }
    for (const party of PARTIES) {
      const page = pages[party];
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
      await editor(page).waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('joins each party through its invite link with its role, and shows who is online', async () => {
    for (const party of PARTIES) {
      const page = pages[party];
      await expect
        .poll(() => page.locator('[data-testid^="participant-"][data-online="true"]').count())
        .toBeGreaterThanOrEqual(3);
    }
    await expect.poll(() => pages.customer.getByTestId('participant-mediator').innerText()).toContain('调解员');
    await expect.poll(() => pages.platform.getByTestId('participant-mediator').innerText()).toContain('Mediator');
    await shootAll('joined');
  });

  it('chats in both directions, with HTML shown as text', async () => {
    const composer = (p: Page) => p.locator('#chat-input');
    await composer(pages.customer).fill('您好，我对800元提前还款违约金有异议。<b>not bold</b>');
    await composer(pages.customer).press('Enter');
    await composer(pages.platform).fill('We have your message and will explain the fee.');
    await composer(pages.platform).press('Enter');
    for (const party of PARTIES) {
      await expect
        .poll(() => messageTexts(pages[party]))
        .toEqual([
          '您好，我对800元提前还款违约金有异议。<b>not bold</b>',
          'We have your message and will explain the fee.',
        ]);
      expect(await pages[party].locator('[data-testid="messages"] b').count()).toBe(0);
    }
    await shootAll('chat');
  });

  it('two parties type into the agreement at the same moment and all three see the same text', async () => {
    await editor(pages.customer).click();
    await editor(pages.platform).click();
    await Promise.all([
      pages.customer.keyboard.type('甲方同意分12期还款。', { delay: 15 }),
      pages.platform.keyboard.type('The platform waives the service fee.', { delay: 15 }),
    ]);
    const texts = () => Promise.all(PARTIES.map((p) => editorText(pages[p])));
    await expect.poll(async () => new Set(await texts()).size).toBe(1);
    const [text] = await texts();
    // Each party's keystrokes arrive whole and in order, interleaved or not.
    expect(text).toContain('甲方同意分12期还款。');
    expect(text).toContain('The platform waives the service fee.');
    await shootAll('co-editing');
  });

  it('terms edited by one party appear for the others, as integer cents', async () => {
    const agreed = pages.mediator.getByTestId('term-amountAgreedCents');
    await agreed.fill('1,0x0');
    await expect.poll(() => agreed.getAttribute('aria-invalid')).toBe('true');
    await agreed.fill('480.50');
    await agreed.press('Enter');
    await pages.mediator.getByTestId('term-instalments').fill('6');
    await pages.mediator.getByTestId('term-instalments').press('Tab');
    for (const party of ['customer', 'platform'] as const) {
      await expect.poll(() => pages[party].getByTestId('term-amountAgreedCents').inputValue()).toBe('480.50');
      await expect.poll(() => pages[party].getByTestId('term-instalments').inputValue()).toBe('6');
    }
    const doc = t.server.docs.loaded();
    expect(doc).toContain(c.caseId);
    await shootAll('terms');
  });

  it('goes offline, edits and writes, survives a reload, and everything arrives once when back', async () => {
    const page = pages.customer;
    // The service worker that keeps the app shell is in control before the network goes.
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state))).toBe('activated');
    await contexts.customer.setOffline(true);
    await page.locator('[data-testid="connection"] [data-state="offline"]').waitFor();

    await page.locator('#chat-input').fill('离线时写的消息');
    await page.locator('#chat-input').press('Enter');
    await expect.poll(() => page.getByTestId('pending-message').count()).toBe(1);
    await editor(page).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' 离线修改。');
    await page.getByTestId('term-feesWaivedCents').fill('320');
    await page.getByTestId('term-feesWaivedCents').press('Enter');
    await screenshot(page, 'offline-customer');

    // A reload while offline: the service worker serves the page, IndexedDB and the outbox keep the work.
    await page.waitForTimeout(300);
    await page.reload();
    await editor(page).waitFor();
    await expect.poll(() => editorText(page)).toContain('离线修改。');
    await expect.poll(() => page.getByTestId('pending-message').count()).toBe(1);
    expect(await page.getByTestId('term-feesWaivedCents').inputValue()).toBe('320.00');

    await contexts.customer.setOffline(false);
    await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    for (const party of PARTIES) {
      await expect.poll(() => messageTexts(pages[party])).toContain('离线时写的消息');
      await expect.poll(() => editorText(pages[party])).toContain('离线修改。');
      await expect.poll(() => pages[party].getByTestId('term-feesWaivedCents').inputValue()).toBe('320.00');
    }
    await expect.poll(() => page.getByTestId('pending-message').count()).toBe(0);
    await expect.poll(() => page.locator('.save-state[data-saved="true"]').count()).toBe(1);
    // Exactly once: on every screen and in the store.
    for (const party of PARTIES) {
      expect((await messageTexts(pages[party])).filter((x) => x === '离线时写的消息')).toHaveLength(1);
    }
    const stored = await t.server.store.listMessages(c.caseId, 'joint', { limit: 100 });
    expect(stored.filter((m) => m.text === '离线时写的消息')).toHaveLength(1);
    await shootAll('back-online');
  });

  it('fits a 375 px wide phone screen without horizontal scrolling', async () => {
    for (const party of PARTIES) {
      const page = pages[party];
      await page.setViewportSize({ width: 375, height: 812 });
      // Laid out again at the phone's width (the room turns into tabs below 768 px).
      await page.waitForFunction(() => window.innerWidth === 375 && document.querySelector('.room-tabs') !== null);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ party, overflow }).toEqual({ party, overflow: 0 });
      await screenshot(page, `phone-${party}`);
    }
  });

  it('is keyboard operable and every field has a label', async () => {
    const page = pages.platform;
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, select')]
        .filter((el) => {
          const id = el.getAttribute('id');
          const byFor = id ? document.querySelector(`label[for="${id}"]`) : null;
          return !byFor && !el.closest('label') && !el.getAttribute('aria-label');
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    await page.locator('#chat-input').focus();
    await page.keyboard.type('sent with the keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => messageTexts(pages.mediator)).toContain('sent with the keyboard');
  });
});
