import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { agreeEveryClause } from './consent-support';

/**
 * The room made for a phone: below 768 px one part at a time in tabs (chat, agreement, people, evidence, call),
 * with badges for what happened on a closed tab; nothing wider than a 320 px screen; the composer in
 * sight, above the on-screen keyboard too. A desktop keeps its three columns.
 */

type Who = 'customer' | 'platform' | 'mediatorPhone' | 'mediatorDesk';
const SETUP: Record<
  Who,
  { role: 'customer' | 'platform' | 'mediator'; width: number; height: number; locale: string }
> = {
  customer: { role: 'customer', width: 375, height: 740, locale: 'zh-CN' },
  platform: { role: 'platform', width: 320, height: 640, locale: 'zh-CN' },
  mediatorPhone: { role: 'mediator', width: 320, height: 640, locale: 'zh-CN' },
  mediatorDesk: { role: 'mediator', width: 1280, height: 900, locale: 'en-US' },
};
const TABS = ['chat', 'agreement', 'people', 'call'] as const;

const tab = (p: Page, name: string) => p.getByTestId(`room-tab-${name}`);
const badge = (p: Page, name: string) => p.getByTestId(`room-tab-badge-${name}`);
const overflow = (p: Page) =>
  p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const messageTexts = (p: Page) => p.locator('[data-testid="messages"] [data-testid="message"] .text').allInnerTexts();

describe.skipIf(!chromiumOrSkip())('the room on a phone, in real Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const pages = {} as Record<Who, Page>;

  /** Opens each tab in turn: none may need sideways scrolling; a screenshot of each. */
  const everyTabFits = async (who: Who, shot: string) => {
    const page = pages[who];
    for (const name of TABS) {
      if ((await tab(page, name).count()) === 0) continue;
      await tab(page, name).click();
      await expect.poll(() => tab(page, name).getAttribute('aria-selected')).toBe('true');
      expect({ who, name, overflow: await overflow(page) }).toEqual({ who, name, overflow: 0 });
      await screenshot(page, `${shot}-${who}-${name}`);
    }
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await t.createCase('提前还款违约金争议 https://example.com/a-very-long-link-without-any-break-in-it-at-all', {
      lobby: true,
      phase: 'scheduled',
    });
    browser = await launchChromium();
    for (const who of Object.keys(SETUP) as Who[]) {
      const s = SETUP[who];
      const context = await browser.newContext({
        locale: s.locale,
        viewport: { width: s.width, height: s.height },
        ...(s.width < 768 ? { isMobile: true, hasTouch: true } : {}),
      });
      pages[who] = await context.newPage();
      pages[who].on('pageerror', (err) => console.error(`[${who}] page error:`, err));
      pages[who].on('dialog', (d) => void d.accept());
    }
    for (const who of ['mediatorPhone', 'mediatorDesk'] as const) {
      await pages[who].goto(c.inviteUrls.mediator);
      await pages[who].waitForURL(`**/cases/${c.caseId}`);
      await pages[who].getByTestId('moderation').waitFor({ state: 'attached' });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the waiting room fits 320 px; the mediator’s people tab counts who waits, and admits them', async () => {
    for (const who of ['customer', 'platform'] as const) {
      await pages[who].goto(c.inviteUrls[SETUP[who].role]);
      await pages[who].getByTestId('lobby').waitFor();
      expect(await overflow(pages[who])).toBe(0);
      await screenshot(pages[who], `phone-lobby-${who}`);
    }
    const m = pages.mediatorPhone;
    await expect.poll(() => badge(m, 'people').getAttribute('data-count')).toBe('2');
    expect(await m.getByTestId('admit-customer').isVisible()).toBe(false);
    await screenshot(m, 'phone-lobby-mediatorPhone');
    await tab(m, 'people').click();
    await expect.poll(() => badge(m, 'people').count()).toBe(0);
    await m.getByTestId('admit-customer').click();
    await m.getByTestId('admit-platform').click();
    for (const who of ['customer', 'platform'] as const) await tab(pages[who], 'chat').waitFor();
  });

  it('shows ARIA tabs that switch by touch and by keyboard, one panel at a time', async () => {
    const p = pages.customer;
    expect(await p.getByRole('tablist').count()).toBe(1);
    expect(await p.getByRole('tab').count()).toBe(5);
    expect(await tab(p, 'chat').getAttribute('aria-selected')).toBe('true');
    expect(await p.locator('#chat-input').isVisible()).toBe(true);
    expect(await p.getByTestId('agreement-editor').isVisible()).toBe(false);

    await tab(p, 'agreement').click();
    await p.getByTestId('agreement-editor').waitFor({ state: 'visible' });
    expect(await p.locator('#chat-input').isVisible()).toBe(false);
    const panel = p.locator('#room-panel-agreement');
    expect(await panel.getAttribute('role')).toBe('tabpanel');
    expect(await panel.getAttribute('aria-labelledby')).toBe('room-tab-agreement');
    expect(await tab(p, 'agreement').getAttribute('aria-controls')).toBe('room-panel-agreement');

    // The keyboard: one tab stop; the arrows move and open, Home and End go to the ends.
    expect(await tab(p, 'chat').getAttribute('tabindex')).toBe('-1');
    await tab(p, 'agreement').focus();
    await p.keyboard.press('ArrowRight');
    await expect.poll(() => tab(p, 'people').getAttribute('aria-selected')).toBe('true');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('room-tab-people');
    await p.getByTestId('participant-mediator').waitFor({ state: 'visible' });
    await p.keyboard.press('End');
    await expect.poll(() => tab(p, 'call').getAttribute('aria-selected')).toBe('true');
    await p.getByTestId('call-join').waitFor({ state: 'visible' });
    await p.keyboard.press('ArrowRight');
    await expect.poll(() => tab(p, 'chat').getAttribute('aria-selected')).toBe('true');
    await p.keyboard.press('ArrowLeft');
    await expect.poll(() => tab(p, 'call').getAttribute('aria-selected')).toBe('true');
    await p.keyboard.press('Home');
    await expect.poll(() => tab(p, 'chat').getAttribute('aria-selected')).toBe('true');
    expect(await p.locator('#chat-input').isVisible()).toBe(true);
  });

  it('counts unread messages on the chat tab while away, and clears them when it is opened', async () => {
    const { customer, platform, mediatorDesk } = pages;
    await mediatorDesk.getByTestId('phase-opening').click();
    await mediatorDesk.getByTestId('phase-joint').click();
    await expect.poll(() => platform.getByTestId('room-banner').getAttribute('data-phase')).toBe('joint');
    await tab(customer, 'agreement').click();
    for (const text of ['您好，请说明违约金的依据。', '超长的链接https://example.com/' + 'x'.repeat(120)]) {
      await platform.locator('#chat-input').fill(text);
      await platform.locator('#chat-input').press('Enter');
    }
    await expect.poll(() => badge(customer, 'chat').getAttribute('data-count')).toBe('2');
    expect(await badge(customer, 'chat').innerText()).toContain('2');
    await screenshot(customer, 'phone-badge-chat-customer');
    await tab(customer, 'chat').click();
    await expect.poll(() => badge(customer, 'chat').count()).toBe(0);
    await expect.poll(() => messageTexts(customer)).toContain('您好，请说明违约金的依据。');
    // Read here: away again, the count does not come back for the same messages.
    await tab(customer, 'people').click();
    expect(await badge(customer, 'chat').count()).toBe(0);
    await tab(customer, 'chat').click();
  });

  it('marks the agreement tab when someone changes the terms or the text while away', async () => {
    const { customer, mediatorDesk } = pages;
    await mediatorDesk.getByTestId('phase-drafting').click();
    expect(await tab(customer, 'chat').getAttribute('aria-selected')).toBe('true');
    expect(await badge(customer, 'agreement').count()).toBe(0);
    await mediatorDesk.getByTestId('term-amountAgreedCents').fill('480');
    await mediatorDesk.getByTestId('term-amountAgreedCents').press('Enter');
    await badge(customer, 'agreement').waitFor();
    await screenshot(customer, 'phone-badge-agreement-customer');
    await tab(customer, 'agreement').click();
    await expect.poll(() => badge(customer, 'agreement').count()).toBe(0);
    expect(await customer.getByTestId('term-amountAgreedCents').inputValue()).toBe('480.00');
  });

  it('keeps the composer in sight, and above the on-screen keyboard', async () => {
    for (const who of ['customer', 'platform'] as const) {
      const p = pages[who];
      const { width, height } = SETUP[who];
      await tab(p, 'chat').click();
      await p.evaluate(() => window.scrollTo(0, 0));
      const box = async () => (await p.locator('#chat-input').boundingBox())!;
      // Opened at the top of the page: the list and the composer fit the screen.
      await expect.poll(async () => (await box()).y + (await box()).height).toBeLessThanOrEqual(height);
      // The keyboard takes ~45 % of the screen (interactive-widget=resizes-content shrinks the viewport).
      const keyboardUp = Math.round(height * 0.55);
      await p.setViewportSize({ width, height: keyboardUp });
      await p.locator('#chat-input').focus();
      await expect.poll(async () => (await box()).y + (await box()).height).toBeLessThanOrEqual(keyboardUp);
      expect((await box()).y).toBeGreaterThanOrEqual(0);
      // The tabs stay at the top; the newest message is in sight between them and the composer.
      const tabsBox = (await p.getByRole('tablist').boundingBox())!;
      expect(tabsBox.y).toBeGreaterThanOrEqual(-1);
      const last = p.locator('[data-testid="messages"] [data-testid="message"]').last();
      const lastBox = (await last.boundingBox())!;
      expect(lastBox.y + lastBox.height).toBeLessThanOrEqual((await box()).y + 1);
      expect(lastBox.y + lastBox.height).toBeGreaterThan(tabsBox.y + tabsBox.height);
      await screenshot(p, `phone-keyboard-${who}`);
      await p.setViewportSize({ width, height });
    }
  });

  it('needs no sideways scrolling at 320 px on any tab, for a party and for the mediator', async () => {
    await everyTabFits('platform', 'phone-session');
    await everyTabFits('mediatorPhone', 'phone-session');
    await everyTabFits('customer', 'phone-session');
  });

  it('fades another writer’s caret name after a moment, and shows it again when they type', async () => {
    const { customer, mediatorDesk } = pages;
    await tab(customer, 'agreement').click();
    await mediatorDesk.getByTestId('agreement-editor').click();
    await mediatorDesk.keyboard.type('调解员草拟：');
    const label = customer.locator('.collaboration-carets__label', { hasText: /./ });
    await label.first().waitFor();
    await expect.poll(() => label.first().getAttribute('class'), { timeout: 10_000 }).toContain('idle');
    await mediatorDesk.keyboard.type('分12期。');
    await expect.poll(() => label.first().getAttribute('class')).not.toContain('idle');
  });

  it('keeps three columns on a desktop, with no tabs', async () => {
    const d = pages.mediatorDesk;
    expect(await d.getByRole('tablist').count()).toBe(0);
    const boxes = await Promise.all(
      ['.room-grid > .side', '.room-grid > .conversation', '.room-grid > .agreement-col'].map(
        async (sel) => (await d.locator(sel).boundingBox())!,
      ),
    );
    expect(boxes.every((b) => b.width > 150)).toBe(true);
    expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
    expect(boxes[1]!.x).toBeLessThan(boxes[2]!.x);
    expect(new Set(boxes.map((b) => Math.round(b.y))).size).toBe(1);
    expect(await d.getByTestId('call-panel').isVisible()).toBe(true);
    await screenshot(d, 'desktop-room-mediator');
  });

  it('keeps every part as it was when a desktop window is narrowed to a phone and widened again', async () => {
    const d = pages.mediatorDesk;
    const reason = d.locator('#end-reason');
    await reason.fill('双方同意暂停调解，待补充材料后再约时间。');
    await d.getByTestId('end-seal').click();
    const dialog = d.getByTestId('confirm-dialog');
    await dialog.waitFor();
    // Across the phone width and back (a window resized, a tablet turned): the parts become tabs and
    // columns again, and nothing is drawn anew, so the open dialog and the typed reason are still there.
    await d.setViewportSize({ width: 375, height: 812 });
    await d.getByRole('tablist').waitFor();
    await d.setViewportSize({ width: 1280, height: 900 });
    await d.getByRole('tablist').waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    await d.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await reason.inputValue()).toBe('双方同意暂停调解，待补充材料后再约时间。');
    await reason.fill('');
    expect((await t.server.store.getRoomState(c.caseId)).phase).not.toBe('concluded');
  });

  it('in signing every tab fits 320 px, and a phone not yet told where to look opens on the text to sign', async () => {
    const { customer, platform, mediatorDesk, mediatorPhone } = pages;
    await tab(platform, 'agreement').click();
    await agreeEveryClause({ customer, platform }, mediatorDesk);
    await mediatorDesk.getByTestId('phase-signing').click();
    await platform.getByTestId('frozen-text').waitFor();
    await everyTabFits('platform', 'phone-signing');
    // A fresh page of the customer's (no tab chosen yet): the text to sign first.
    const fresh = await customer.context().newPage();
    await fresh.goto(`${t.url}/cases/${c.caseId}`);
    await fresh.getByTestId('frozen-text').waitFor();
    expect(await tab(fresh, 'agreement').getAttribute('aria-selected')).toBe('true');
    expect(await overflow(fresh)).toBe(0);
    await screenshot(fresh, 'phone-signing-customer-first');
    await fresh.close();
    await tab(mediatorPhone, 'people').click();
    expect(await overflow(mediatorPhone)).toBe(0);
  });

  it('after the session ends every tab still fits 320 px, and the outcome comes first', async () => {
    const d = pages.mediatorDesk;
    await d.locator('#end-reason').fill('双方未能就还款方案达成一致，调解结束。');
    await d.getByTestId('end-seal').click();
    const confirm = d.getByTestId('confirm-ok');
    await confirm.click();
    await expect.poll(() => pages.platform.getByTestId('room-banner').getAttribute('data-phase')).toBe('concluded');
    // Never chosen by hand there, the mediator's phone now opens on the agreement (the outcome).
    await everyTabFits('platform', 'phone-concluded');
    await everyTabFits('mediatorPhone', 'phone-concluded');
  });
});
