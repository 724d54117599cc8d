import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { startServer, type TestServer, type TestCaseOf } from '../helpers/server';

/** A two-page PDF (pdf.js rebuilds the cross-reference table it lacks). */
function twoPages(): Buffer {
  const content = '0 0 1 rg 40 40 220 320 re f';
  return Buffer.from(
    [
      '%PDF-1.4',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Contents 5 0 R >> endobj',
      '4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] >> endobj',
      `5 0 obj << /Length ${content.length} >> stream`,
      content,
      'endstream endobj',
      'trailer << /Root 1 0 R >>',
      '%%EOF',
      '',
    ].join('\n'),
    'latin1',
  );
}

/**
 * The evidence panel on a phone (375 px): the mediator adds a PDF (confirmed), the lender's
 * representative sees it with who added it, and opens it in the page: pdf.js draws it on a canvas,
 * with page navigation.
 */
describe.skipIf(!chromiumOrSkip())('evidence in the room, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let c: TestCaseOf<'mediator' | 'platform' | 'customer'>;
  let mediator: Page;
  let platform: Page;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await t.createCase('Evidence viewer');
    browser = await launchChromium();
    const phone = { locale: 'en-US', viewport: { width: 375, height: 740 }, isMobile: true };
    mediator = await (await browser.newContext(phone)).newPage();
    platform = await (await browser.newContext(phone)).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the mediator adds a PDF; the lender opens it in the page and turns its pages', async () => {
    await mediator.goto(c.inviteUrls.mediator);
    await openRoomTab(mediator, 'evidence');
    const panel = mediator.getByTestId('evidence-panel');
    await panel.getByLabel('Files to add').setInputFiles({
      name: 'statement.pdf',
      mimeType: 'application/pdf',
      buffer: twoPages(),
    });
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await mediator.getByTestId('confirm-ok').click();
    await panel.getByRole('button', { name: 'Open statement.pdf' }).waitFor();

    await platform.goto(c.inviteUrls.platform);
    await openRoomTab(platform, 'evidence');
    const item = platform.getByTestId('evidence-item').filter({ hasText: 'statement.pdf' });
    await item.waitFor();
    expect(await item.textContent()).toContain('the mediator (张律师)');
    await item.getByRole('button', { name: 'Open statement.pdf' }).click();
    const viewer = platform.getByRole('dialog', { name: 'statement.pdf' });
    await viewer.waitFor();
    await platform.locator('[data-testid="pdf-page"]:not([data-rendered="0"])').waitFor();
    expect(await viewer.getByTestId('pdf-page-number').textContent()).toBe('Page 1 of 2');
    const width = await platform.getByTestId('pdf-page').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(100);
    await viewer.getByRole('button', { name: 'Next page' }).click();
    await platform.locator('[data-testid="pdf-page"][data-page="2"]:not([data-rendered="1"])').waitFor();
    expect(await viewer.getByTestId('pdf-page-number').textContent()).toBe('Page 2 of 2');
    // The viewer fits the phone: nothing wider than the screen.
    const overflow = await platform.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(375);
    await screenshot(platform, 'evidence-viewer-phone');
    await viewer.getByRole('button', { name: 'Close' }).click();
    await viewer.waitFor({ state: 'hidden' });
  });
});
