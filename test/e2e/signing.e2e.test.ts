import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot, ARTIFACTS } from '../helpers/browser';
import { repoRoot, runCli } from '../helpers/process';
import { agreeEveryClause } from './consent-support';
import { NAMES, makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];

describe.skipIf(!chromiumOrSkip())('signing in turn and the sealed record, in Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const pages = {} as Record<Party, Page>;

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

  it('the mediator freezes the draft; everyone sees the same text, once, and a matching fingerprint', async () => {
    const m = pages.mediator;
    // Until the agreement says something and its amount is set, signing is not offered, and the page says why.
    expect(await m.getByTestId('phase-signing').isDisabled()).toBe(true);
    expect(await m.getByTestId('signoff-missing').innerText()).toMatch(/no text|amount agreed/i);
    await m.getByTestId('agreement-editor').click();
    await m.keyboard.type('平台于2026年12月31日前退还服务费480元；王女士撤回投诉。');
    await m.getByTestId('term-feesWaivedCents').fill('480');
    await m.getByTestId('term-feesWaivedCents').press('Enter');
    await m.getByTestId('term-amountAgreedCents').fill('480');
    await m.getByTestId('term-amountAgreedCents').press('Enter');
    await expect.poll(() => pages.customer.getByTestId('term-amountAgreedCents').inputValue()).toBe('480.00');
    // Not before both parties agreed to every clause.
    expect(await m.getByTestId('phase-signing').isDisabled()).toBe(true);
    await agreeEveryClause(pages, m);
    await expect.poll(() => m.getByTestId('phase-signing').isEnabled()).toBe(true);
    await screenshot(m, 'ready-for-signing-mediator');
    await m.getByTestId('phase-signing').click();
    const fingerprints = [];
    for (const party of PARTIES) {
      const page = pages[party];
      await page.getByTestId('frozen-text').waitFor();
      expect(await page.getByTestId('frozen-text').innerText()).toContain('退还服务费480元');
      await expect.poll(() => page.getByTestId('fingerprint-check').getAttribute('class')).toBe('ok');
      fingerprints.push((await page.getByTestId('fingerprint').innerText()).replace(/\s/g, ''));
      // The frozen text is shown once: the editor is not shown beside it.
      expect(await page.getByTestId('agreement-editor').count()).toBe(0);
      expect(await page.getByTestId('frozen-text').count()).toBe(1);
    }
    expect(new Set(fingerprints).size).toBe(1);
    const status = await t.server.store.currentFreeze(c.caseId);
    expect(fingerprints[0]).toBe(status?.fingerprint);
  });

  it('three parties sign in turn, as who they are, with PIN and confirmation; each then sees the sealed record', async () => {
    // The platform typing the customer's name cannot sign.
    const impostor = pages.platform.locator('.sign-form');
    expect(await pages.platform.getByTestId('sign-as').innerText()).toContain(NAMES.platform);
    await impostor.locator('input[autocomplete="name"]').fill(NAMES.customer);
    await impostor.locator('input[type="password"]').fill(c.pins.platform);
    await impostor.locator('input[type="checkbox"]').check();
    await pages.platform.getByTestId('name-mismatch').waitFor();
    expect(await pages.platform.getByTestId('sign').isDisabled()).toBe(true);
    await impostor.locator('input[type="checkbox"]').uncheck();
    await impostor.locator('input[type="password"]').fill('');
    await screenshot(pages.customer, 'signing-customer-before');
    for (const party of PARTIES) {
      const page = pages[party];
      const form = page.locator('.sign-form');
      await form.locator('input[autocomplete="name"]').fill(NAMES[party]);
      await form.locator('input[type="password"]').fill(c.pins[party]);
      expect(await page.getByTestId('sign').isDisabled()).toBe(true);
      await form.locator('input[type="checkbox"]').check();
      await page.getByTestId('sign').click();
      for (const other of PARTIES) {
        await expect.poll(() => pages[other].getByTestId(`signer-${party}`).getAttribute('data-signed')).toBe('true');
      }
      if (party === 'customer') {
        // Back to drafting would void the signature: the mediator is asked first, with the count; cancelled here.
        await pages.mediator.getByTestId('phase-drafting').click();
        const dialog = pages.mediator.getByTestId('confirm-dialog');
        await dialog.waitFor();
        expect(await dialog.innerText()).toContain('1');
        await screenshot(pages.mediator, 'confirm-back-to-drafting');
        await pages.mediator.getByTestId('confirm-cancel').click();
        await dialog.waitFor({ state: 'detached' });
        expect((await t.server.store.getRoomState(c.caseId)).phase).toBe('signing');
      }
    }
    for (const party of PARTIES) {
      await pages[party].getByTestId('sealed').waitFor();
      await screenshot(pages[party], `sealed-${party}`);
    }
  });

  it('the downloaded record verifies with the CLI, and in the browser', async () => {
    const page = pages.customer;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-record').click()]);
    const file = join(ARTIFACTS, 'downloaded-record.json');
    await download.saveAs(file);
    const key = ((await (await fetch(`${t.url}/api/outcome/public-key`)).json()) as { publicKey: string }).publicKey;
    const out = await runCli(['verify', file, '--key', key], makeTempDir('accord-cli-'));
    expect(out).toMatch(/^VALID/);
    expect(out).toContain('settled');

    // The printable record page verifies it too.
    await page.goto(`${t.url}/cases/${c.caseId}/record`);
    await expect.poll(() => page.getByTestId('record-verification').getAttribute('data-valid')).toBe('true');
    await screenshot(page, 'record-print');
    // And the verify page, from the file.
    await page.goto(`${t.url}/verify`);
    await page.locator('input[type="file"]').setInputFiles(file);
    await expect.poll(() => page.getByTestId('record-verification').getAttribute('data-valid')).toBe('true');
  });
});
