import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

const messageTexts = (p: Page) => p.locator('[data-testid="message"] .text').allInnerTexts();

describe.skipIf(!chromiumOrSkip())('the room’s rough edges, in real Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  let phone: BrowserContext;
  let customer: Page;
  let mediator: Page;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    c = await t.createCase('Rough edges');
    browser = await launchChromium();
    // The customer on a phone in Chinese, the mediator on a desktop in English.
    phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 } });
    const desk = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    customer = await phone.newPage();
    mediator = await desk.newPage();
    for (const [page, role] of [
      [customer, 'customer'],
      [mediator, 'mediator'],
    ] as const) {
      page.on('pageerror', (err) => console.error(`[${role}] page error:`, err));
      await page.goto(c.inviteUrls[role]);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('Enter sends and leaves the box empty; Shift+Enter is a new line; an IME’s Enter sends nothing', async () => {
    const box = customer.locator('#chat-input');
    await box.fill('第一条消息');
    await box.press('Enter');
    await expect.poll(() => messageTexts(mediator)).toContain('第一条消息');
    // Not a blank line left behind by the Enter that sent.
    expect(await box.inputValue()).toBe('');
    await box.press('Shift+Enter');
    expect(await box.inputValue()).toBe('\n');
    await box.fill('拼音');
    // Enter that confirms a pinyin candidate (composing; Safari's keyCode 229 after compositionend).
    for (const init of [{ isComposing: true }, { keyCode: 229 }]) {
      const prevented = await box.evaluate(
        (el, i) =>
          !el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...i })),
        init,
      );
      expect(prevented).toBe(false);
    }
    expect(await box.inputValue()).toBe('拼音');
    await box.press('Enter');
    await expect.poll(() => messageTexts(mediator)).toEqual(['第一条消息', '拼音']);
    expect(await box.inputValue()).toBe('');
    await screenshot(customer, 'edges-chat-enter');
  });

  it('a date typed and left with Tab is saved for everyone', async () => {
    const date = mediator.getByTestId('term-firstDueDate');
    await date.click();
    // en-US: month, day, year.
    await mediator.keyboard.type('01152027');
    await mediator.keyboard.press('Tab');
    await expect.poll(() => customer.getByTestId('term-firstDueDate').inputValue()).toBe('2027-01-15');
    await openRoomTab(customer, 'agreement');
    await customer.getByTestId('term-firstDueDate').scrollIntoViewIfNeeded();
    await screenshot(customer, 'edges-date-tab');
  });

  it('says nothing about saving in the waiting room, and one thing when offline', async () => {
    const bar = (p: Page) => p.getByTestId('connection');
    const d = await t.createCase('Waiting', { lobby: true, phase: 'scheduled' });
    const waiting = await phone.newPage();
    await waiting.goto(d.inviteUrls.customer);
    await waiting.getByTestId('lobby').waitFor();
    await bar(waiting).locator('[data-state="connected"]').waitFor();
    // Nothing can be changed in the waiting room: no "all changes saved".
    expect(await bar(waiting).locator('.save-state').count()).toBe(0);
    expect(await bar(waiting).innerText()).not.toContain('保存');
    await screenshot(waiting, 'edges-waiting-room');
    await waiting.close();

    await phone.setOffline(true);
    await bar(customer).locator('[data-state="offline"]').waitFor();
    const offline = await bar(customer).innerText();
    // Not "kept on this device" beside "not yet saved".
    expect(offline).toContain('本设备');
    expect(offline).not.toContain('尚未保存');
    await screenshot(customer, 'edges-offline');
    await phone.setOffline(false);
    await bar(customer).locator('[data-state="connected"]').waitFor();
    await expect.poll(() => bar(customer).locator('.save-state[data-saved="true"]').count()).toBe(1);
  });
});
