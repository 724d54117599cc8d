import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { fileComplaint } from '../helpers/cases';
import { courtWorld, PASSWORD, USERNAMES, type CourtWorld } from '../helpers/court-package';
import { pagePdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { passRightsGate } from '../helpers/rights';
import { startServer, type TestServer } from '../helpers/server';

const CONTRACT = '借款合同全文.pdf';

/** What a Chinese page must never show: English words of the features, codes, ISO timestamps, JSON keys. */
function expectReadableChinese(text: string): void {
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|loan_contract|documents\.|evidence\.|provided|declined|overdue/);
  expect(text).not.toMatch(/\b(Document|Evidence|Lender|Open|Due|Added by)\b/);
}

/**
 * Everyone works from the same facts, walked as its three people would: the borrower on a phone asks the
 * lender for the complete loan contract from the tracking page; the lender's staff answer with the PDF
 * from the case page on a desktop; the borrower sees it provided live. Once the session is scheduled,
 * all three enter the room without typing an address (the borrower from the tracking page, the lender's
 * representative and the mediator from their home pages), the two parties through the rights and duties,
 * and each opens the contract from the room's evidence panel: pdf.js draws it in the page.
 */
describe.skipIf(!chromiumOrSkip())('a requested contract, answered and opened in the room by all three', () => {
  let t: TestServer;
  let world: CourtWorld;
  let browser: Browser;
  let customer: Page;
  let lender: Page;
  let mediator: Page;
  let filed: IntakeResult;
  const call = httpClient(() => t.url);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    world = await courtWorld(t);
    ({ filed } = await fileComplaint(t.url, world.lenderId));
    browser = await launchChromium();
    const phone = { locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };
    customer = await (await browser.newContext(phone)).newPage();
    const desktop = { locale: 'zh-CN', viewport: { width: 1280, height: 900 } };
    lender = await (await browser.newContext(desktop)).newPage();
    mediator = await (await browser.newContext(desktop)).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page, username: string) => {
    await page.goto(`${t.url}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
  };

  /** Opens the contract from the room's evidence panel and waits for pdf.js to have drawn its page. */
  const openContract = async (page: Page) => {
    await openRoomTab(page, 'evidence');
    const item = page.getByTestId('evidence-item').filter({ hasText: CONTRACT });
    await item.waitFor();
    const text = await item.innerText();
    expect(text).toContain('平台方（李华）');
    expectReadableChinese(text);
    await item.getByRole('button', { name: `查看 ${CONTRACT}` }).click();
    const viewer = page.getByRole('dialog', { name: CONTRACT });
    await viewer.waitFor();
    await page.locator('[data-testid="pdf-page"]:not([data-rendered="0"])').waitFor();
    const drawn = await page.getByTestId('pdf-page').evaluate((el) => el.getBoundingClientRect().width);
    expect(drawn).toBeGreaterThan(100);
    return viewer;
  };

  it('the borrower asks for the complete loan contract on the tracking page, on a phone', async () => {
    await customer.goto(filed.trackingUrl.replace(/^https?:\/\/[^/]+/, t.url));
    await customer.locator('input[autocomplete="one-time-code"]').fill(filed.pin);
    await customer.getByRole('button', { name: '登录' }).click();
    const panel = customer.getByTestId('document-requests');
    await panel.waitFor();
    await panel.getByLabel('材料').selectOption('loan_contract');
    await panel.getByRole('button', { name: '向贷款方申请' }).click();
    await customer.getByRole('dialog').getByRole('button', { name: '向贷款方申请' }).click();
    const request = panel.getByTestId('document-request');
    await expect.poll(() => request.getAttribute('data-status')).toBe('open');
    // Five working days by default, said as a date, never as an ISO timestamp.
    expect(await request.innerText()).toMatch(/应于 .+ 前答复/);
    expectReadableChinese(await panel.innerText());
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });

  it("the lender's staff answer with the contract's PDF from the case page, on a desktop", async () => {
    await signIn(lender, USERNAMES.lender);
    await lender.getByRole('link', { name: '审核队列' }).click();
    const row = lender.getByTestId(`queue-${filed.caseNumber}`);
    await expect.poll(() => row.getByTestId('queue-documents').innerText()).toBe('1 项材料申请待答复');
    await row.getByRole('button', { name: filed.caseNumber }).click();
    const panel = lender.getByTestId('document-requests');
    await expect.poll(() => panel.getByTestId('document-request').innerText()).toContain('完整的借款合同');
    await panel.getByLabel('要提供的材料（PDF、JPEG 或 PNG）').setInputFiles({
      name: CONTRACT,
      mimeType: 'application/pdf',
      buffer: pagePdf(['Loan contract HT-2025-0042', 'Clause 7: early repayment fee, 3% of the principal left']),
    });
    await panel.getByRole('button', { name: '提交材料' }).click();
    await lender.getByRole('dialog').getByRole('button', { name: '提交材料' }).click();
    await expect.poll(() => panel.getByTestId('document-request').getAttribute('data-status')).toBe('provided');
    expectReadableChinese(await panel.innerText());
    await screenshot(lender, 'documents-in-room-staff-answered');
  });

  it('the borrower sees it provided without reloading', async () => {
    const request = customer.getByTestId('document-requests').getByTestId('document-request');
    await expect.poll(() => request.getAttribute('data-status')).toBe('provided');
    expect(await request.getByRole('button', { name: CONTRACT }).count()).toBe(1);
    await request.scrollIntoViewIfNeeded();
    await screenshot(customer, 'documents-in-room-track-provided-375');
  });

  it('all three enter the room without typing an address and open the contract in the page', async () => {
    const c = filed.caseId;
    const review = `/api/cases/${c}/review`;
    expect((await call('POST', review, world.tokens.reviewer, { decision: 'start' })).status).toBe(200);
    const accept = { decision: 'accept', platformUserId: world.ids.lender };
    expect((await call('POST', review, world.tokens.reviewer, accept)).status).toBe(200);
    const assign = { mediatorUserId: world.ids.mediator };
    expect((await call('POST', `/api/cases/${c}/assign`, world.tokens.admin, assign)).status).toBe(200);
    const schedule = { startsAt: '2027-01-15T14:00:00', timeZone: 'Asia/Shanghai' };
    expect((await call('POST', `/api/cases/${c}/schedule`, world.tokens.admin, schedule)).status).toBe(200);

    // The mediator, from the home page's list of their cases.
    await signIn(mediator, USERNAMES.mediator);
    await mediator.getByRole('button', { name: new RegExp(`进入调解室 · ${filed.caseNumber}`) }).click();
    await mediator.getByTestId('evidence-panel').waitFor();

    // The borrower, from the tracking page: the room's PIN, then the rights and duties, then the lobby.
    await customer.reload();
    await customer.getByTestId('enter-room').click();
    await customer.getByTestId('room-pin').waitFor();
    await customer.getByTestId('enter-room-now').click();
    await passRightsGate(customer);
    // The lender's representative, from their home page; also asked to acknowledge first.
    await lender.goto(`${t.url}/`);
    await lender.getByRole('button', { name: new RegExp(`进入调解室 · ${filed.caseNumber}`) }).click();
    await passRightsGate(lender);

    // Whoever waits in the lobby is let in by the mediator.
    for (const [party, page] of [
      ['customer', customer],
      ['platform', lender],
    ] as const) {
      await Promise.race([
        page.getByTestId('lobby').waitFor(),
        page.getByTestId('evidence-panel').waitFor({ state: 'attached' }),
      ]);
      if ((await page.getByTestId('lobby').count()) > 0) await mediator.getByTestId(`admit-${party}`).click();
      await page.getByTestId('evidence-panel').waitFor({ state: 'attached' });
    }

    for (const [page, name] of [
      [customer, 'documents-in-room-customer-375'],
      [lender, 'documents-in-room-lender'],
      [mediator, 'documents-in-room-mediator'],
    ] as const) {
      const viewer = await openContract(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        page.viewportSize()?.width ?? 0,
      );
      await screenshot(page, name);
      await viewer.getByRole('button', { name: '关闭' }).click();
      await viewer.waitFor({ state: 'hidden' });
    }
    // On a desktop the evidence and the requests sit below the three columns, one jump from the top.
    await mediator.getByTestId('evidence-jump').click();
    await expect.poll(() => mediator.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await mediator
      .locator('#room-evidence')
      .screenshot({ path: join(repoRoot, 'test/artifacts/e2e/documents-in-room-mediator-evidence.png') });

    // Each opening read the decrypted file and was audited with who read it: the three of them.
    const log = await t.server.audit.all(c);
    const readers = new Set(log.filter((e) => e.kind === 'evidence.downloaded').map((e) => e.actorId));
    const customerId = (await t.server.store.getCase(c))?.customerId;
    expect(readers).toEqual(new Set([world.ids.lender, world.ids.mediator, customerId]));
  });
});
