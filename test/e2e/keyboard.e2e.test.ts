import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];

/** Tab presses allowed to reach one control: the room is long, but not this long. */
const MAX_TABS = 400;

/** What has the focus, in words a failure can print. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '(nothing)';
    const id = el.getAttribute('data-testid') ?? el.id;
    return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
  });

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`, as a keyboard user moves
 * through the page; fails with the path taken when it never gets there. Then checks what a sighted
 * keyboard user needs: the focus is visible, a ring of at least 2 px (outline or box-shadow) on the
 * element or on the box around it (the editor's text draws none of its own), at 3:1 or more against
 * the background it is drawn on.
 */
async function tabTo(page: Page, selector: string, options: { back?: boolean } = {}): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < MAX_TABS; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const ring = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const luminance = (c: string) => {
          const [r = 0, g = 0, b = 0] = rgb(c).map((v) => v / 255);
          const lin = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        };
        // What the ring is drawn on: the nearest box around it with a background of its own.
        const behind = (el: Element) => {
          for (let e = el.parentElement; e; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if ((rgb(bg)[3] ?? 1) > 0) return bg;
          }
          return 'rgb(255, 255, 255)';
        };
        const el = document.activeElement;
        if (!el?.matches(':focus-visible')) return { shown: false, contrast: 0 };
        // The element itself, or the box drawn around it for it (the editor, a choice's label).
        for (let e: Element | null = el, up = 0; e && up < 3; e = e.parentElement, up++) {
          const s = getComputedStyle(e);
          if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && (rgb(s.outlineColor)[3] ?? 1) > 0) {
            const [a, b] = [luminance(s.outlineColor), luminance(behind(e))];
            return { shown: true, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
          }
          // A ring drawn as a shadow: its colour is not read here, only that it is there.
          if (s.boxShadow !== 'none') return { shown: true, contrast: 3 };
        }
        return { shown: false, contrast: 0 };
      });
      expect(ring.shown, `no visible focus indicator on ${await focused(page)}`).toBe(true);
      // WCAG 1.4.11: a focus ring stands out at 3:1 from what is around it.
      expect(ring.contrast, `the focus ring on ${await focused(page)} is too faint`).toBeGreaterThanOrEqual(3);
      return;
    }
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    path.push(await focused(page));
  }
  throw new Error(`Tab never reached ${selector}; it went through:\n  ${path.slice(-60).join('\n  ')}`);
}

const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe.skipIf(!chromiumOrSkip())('the room with the keyboard alone, in Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const pages = {} as Record<Party, Page>;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await t.createCase('键盘操作');
    browser = await launchChromium();
    for (const party of PARTIES) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
      pages[party] = await context.newPage();
      await pages[party].goto(c.inviteUrls[party]);
      await pages[party].getByTestId('agreement-editor').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the first Tab shows the skip link, and Enter on it takes the next Tab into the main content', async () => {
    const page = pages.customer;
    await page.reload();
    await page.getByTestId('agreement-editor').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    const box = await page.locator('.skip-link').boundingBox();
    expect(box && box.x >= 0 && box.y >= 0 && box.width > 0).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
  });

  it('a party chats, writes the agreement and raises a hand, with Tab, Shift+Tab, Enter and Space only', async () => {
    const { customer, mediator } = pages;
    await customer.reload();
    await customer.getByTestId('agreement-editor').waitFor();

    await tabTo(customer, '#chat-input');
    await customer.keyboard.type('我只用键盘发送这条消息。');
    await customer.keyboard.press('Enter');
    await expect.poll(() => mediator.getByTestId('messages').innerText()).toContain('我只用键盘发送这条消息');

    await tabTo(customer, '[data-testid="agreement-editor"]');
    await customer.keyboard.type('平台退还服务费480元。');
    await expect.poll(() => mediator.getByTestId('agreement-editor').innerText()).toContain('平台退还服务费480元');
    await screenshot(customer, 'keyboard-editor-focus');

    // Back up the page to the hand (it comes before the conversation), and press it with Space.
    await tabTo(customer, '[data-testid="raise-hand"]', { back: true });
    await customer.keyboard.press('Space');
    await expect.poll(() => customer.getByTestId('raise-hand').getAttribute('aria-pressed')).toBe('true');
    await mediator.getByTestId('hand-customer').waitFor();
    await screenshot(customer, 'keyboard-hand-focus');
  });

  it('a party agrees and signs with the keyboard; the confirm dialog keeps the focus, Escape closes it', async () => {
    const { customer, platform, mediator } = pages;
    // The mediator and the platform are not under test here: they use the mouse.
    await mediator.getByTestId('term-feesWaivedCents').fill('480');
    await mediator.getByTestId('term-feesWaivedCents').press('Enter');
    await mediator.getByTestId('term-amountAgreedCents').fill('480');
    await mediator.getByTestId('term-amountAgreedCents').press('Enter');
    await expect.poll(() => customer.getByTestId('term-amountAgreedCents').inputValue()).toBe('480.00');
    const clauses = mediator.locator('[data-testid^="clause-"][data-clause-id]');
    await expect.poll(() => clauses.count()).toBeGreaterThan(0);
    const count = await clauses.count();
    for (let n = 1; n <= count; n++) {
      const clause = mediator.getByTestId(`clause-${n}`);
      for (const [role, page] of [
        ['platform', platform],
        ['customer', customer],
      ] as const) {
        // Consent names the clause's hash as the page shows it: a page a moment behind is refused and
        // agrees again, as in consent-support.ts; the customer presses Enter on the button instead of clicking.
        for (let attempt = 1; (await clause.getAttribute(`data-${role}`)) !== 'agreed'; attempt++) {
          if (role === 'platform') await page.getByTestId(`clause-${n}-agree`).click();
          else {
            await tabTo(page, `[data-testid="clause-${n}-agree"]`);
            await page.keyboard.press('Enter');
          }
          try {
            await expect.poll(() => clause.getAttribute(`data-${role}`), { timeout: 10_000 }).toBe('agreed');
          } catch (err) {
            if (attempt >= 5) throw err;
          }
        }
      }
    }
    await expect.poll(() => mediator.getByTestId('phase-signing').isEnabled()).toBe(true);
    await mediator.getByTestId('phase-signing').click();
    await customer.getByTestId('frozen-text').waitFor();

    await tabTo(customer, '.sign-form input[autocomplete="name"]');
    await customer.keyboard.type(NAMES.customer);
    await tabTo(customer, '.sign-form input[type="password"]');
    await customer.keyboard.type(c.pins.customer);
    await tabTo(customer, '.sign-form input[type="checkbox"]');
    await customer.keyboard.press('Space');
    await tabTo(customer, '[data-testid="sign"]');
    await screenshot(customer, 'keyboard-sign-focus');
    await customer.keyboard.press('Enter');
    await expect.poll(() => mediator.getByTestId('signer-customer').getAttribute('data-signed')).toBe('true');

    // The mediator, by keyboard too: back to drafting asks first, in a dialog that holds the focus.
    await tabTo(mediator, '[data-testid="phase-drafting"]');
    await mediator.keyboard.press('Enter');
    const dialog = mediator.getByTestId('confirm-dialog');
    await dialog.waitFor();
    const inDialog = () => mediator.evaluate(() => document.activeElement?.closest('dialog') !== null);
    expect(await inDialog()).toBe(true);
    const seen = new Set<string | null>();
    for (let i = 0; i < 5; i++) {
      await mediator.keyboard.press('Tab');
      expect(await inDialog(), `Tab ${i + 1} left the dialog for ${await focused(mediator)}`).toBe(true);
      seen.add(await activeTestId(mediator));
    }
    expect([...seen].sort()).toEqual(['confirm-cancel', 'confirm-ok']);
    for (let i = 0; i < 3; i++) {
      await mediator.keyboard.press('Shift+Tab');
      expect(await inDialog(), `Shift+Tab ${i + 1} left the dialog`).toBe(true);
    }
    await screenshot(mediator, 'keyboard-confirm-dialog');
    await mediator.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Back where the person was, and nothing happened.
    expect(await activeTestId(mediator)).toBe('phase-drafting');
    expect((await t.server.store.getRoomState(c.caseId)).phase).toBe('signing');
  });
});
