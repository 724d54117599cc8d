import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDigest } from '@accord/shared';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot, ARTIFACTS } from '../helpers/browser';
import { repoRoot, runCli } from '../helpers/process';
import { agreeEveryClause } from './consent-support';
import { makeTempDir, NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];
const AGREEMENT = '平台于2026年12月31日前退还服务费480元；王女士撤回投诉。';

/** The mediator writes the agreement and its key terms, then moves the room to signing (which freezes it). */
async function draftAndFreeze(pages: Record<Party, Page>): Promise<void> {
  const m = pages.mediator;
  await m.getByTestId('agreement-editor').click();
  await m.keyboard.type(AGREEMENT);
  for (const [term, value] of [
    ['amountAgreedCents', '880'],
    ['feesWaivedCents', '480'],
  ] as const) {
    await m.getByTestId(`term-${term}`).fill(value);
    await m.getByTestId(`term-${term}`).press('Enter');
    await expect.poll(() => pages.customer.getByTestId(`term-${term}`).inputValue()).toBe(`${value}.00`);
  }
  await agreeEveryClause(pages, m);
  await expect.poll(() => m.getByTestId('phase-signing').isEnabled()).toBe(true);
  await m.getByTestId('phase-signing').click();
  for (const party of PARTIES) await pages[party].getByTestId('frozen-text').waitFor();
}

/**
 * Each party signs the frozen text in turn, as the signing panel asks (their own name as confirmation,
 * PIN, the confirmation box), and waits until everyone sees that signature. The one place to adapt when the panel changes.
 */
async function signInTurn(pages: Record<Party, Page>, c: TestCase): Promise<void> {
  for (const party of PARTIES) {
    const page = pages[party];
    const form = page.locator('.sign-form');
    await form.locator('input[autocomplete="name"]').fill(NAMES[party]);
    await form.locator('input[type="password"]').fill(c.pins[party]);
    await form.locator('input[type="checkbox"]').check();
    await page.getByTestId('sign').click();
    for (const other of PARTIES) {
      await expect.poll(() => pages[other].getByTestId(`signer-${party}`).getAttribute('data-signed')).toBe('true');
    }
  }
  for (const party of PARTIES) await pages[party].getByTestId('sealed').waitFor();
}

describe.skipIf(!chromiumOrSkip())('the outcome PDF, from a settlement in Chromium to the CLI', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const pages = {} as Record<Party, Page>;
  const pdfFile = join(ARTIFACTS, 'downloaded-outcome.pdf');

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await t.createCase('Fee refund settlement');
    browser = await launchChromium();
    for (const party of PARTIES) {
      const context = await browser.newContext({
        locale: party === 'customer' ? 'zh-CN' : 'en-US',
        acceptDownloads: true,
      });
      pages[party] = await context.newPage();
      await pages[party].goto(c.inviteUrls[party]);
      await pages[party].getByTestId('agreement-editor').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('three parties reach a sealed settlement; the customer downloads the PDF; the CLI verifies it', async () => {
    await draftAndFreeze(pages);
    await signInTurn(pages, c);

    const page = pages.customer;
    await page.goto(`${t.url}/cases/${c.caseId}/record`);
    await page.getByTestId('download-pdf').waitFor();
    await screenshot(page, 'record-with-pdf-button');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
    expect(download.suggestedFilename()).toMatch(/^accord-outcome-.+\.pdf$/);
    await download.saveAs(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const key = ((await (await fetch(`${t.url}/api/outcome/public-key`)).json()) as { publicKey: string }).publicKey;
    const out = await runCli(['verify', pdfFile, '--key', key], makeTempDir('accord-cli-'));
    expect(out).toMatch(/^VALID/);
    expect(out).toContain('settled');
    expect(out).toContain('matches the published key');
  });

  it('the verify page checks the PDF alone, in the browser, and refuses a PDF without a record', async () => {
    const page = pages.platform;
    // pdf.js runs under the page's CSP (no eval, workers of this origin only): any violation is kept.
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(e.violatedDirective));
    });
    const violations = () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    // As the PDF's QR code opens it: the fragment names the case and the record's digest.
    const sealed = await t.server.store.getOutcome(c.caseId);
    const record = JSON.parse(sealed?.record ?? 'null') as { caseNumber: string };
    await page.goto(`${t.url}/verify#case=${record.caseNumber}&record=${await recordDigest(record)}`);
    await page.getByTestId('verify-expected').waitFor();
    await page.locator('input[type="file"]').setInputFiles(pdfFile);
    await expect.poll(() => page.getByTestId('record-verification').getAttribute('data-valid')).toBe('true');
    expect(await page.getByTestId('verify-qr-match').getAttribute('data-match')).toBe('true');
    await page.getByTestId('verify-from-pdf').waitFor();
    expect(await page.getByTestId('record').innerText()).toContain('退还服务费480元');
    expect(await violations()).toEqual([]);
    await screenshot(page, 'verify-pdf');
    // A QR code that names another record, opened afresh as a scan does: the page says this file is not it.
    await page.goto('about:blank');
    await page.goto(`${t.url}/verify#case=${record.caseNumber}&record=${'0'.repeat(16)}`);
    await page.locator('input[type="file"]').setInputFiles(pdfFile);
    await expect.poll(() => page.getByTestId('verify-qr-match').getAttribute('data-match')).toBe('false');

    const bare =
      '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'other.pdf', mimeType: 'application/pdf', buffer: Buffer.from(bare) });
    await expect.poll(() => page.getByTestId('verify-problem').innerText()).toContain('does not carry');
    expect(await page.getByTestId('record').count()).toBe(0);
  });
});
