import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';

/** What the Chinese page must never show: English words, codes, ISO timestamps, JSON keys. */
function expectReadableChinese(text: string): void {
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|loan_contract|documents\.|provided|declined|overdue|open\b/);
  expect(text).not.toMatch(/\b(Document|Lender|Send|Due)\b/);
}

/**
 * A document request walked as its people would: the borrower asks on the tracking page (a phone, in
 * Chinese: the panel is a chunk of its own, with its own words); the lender's staff answer it with a
 * PDF from the case page; the borrower sees it provided without reloading, with the file to download.
 */
describe.skipIf(!chromiumOrSkip())('document requests, asked and answered, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let customer: Page;
  let lender: Page;
  let filed: IntakeResult;
  const call = httpClient(() => t.url);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    const lenderId = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
    await t.server.cases.createStaff(null, {
      username: 'lender.li',
      displayName: '李经理',
      staffRole: 'platform',
      password: PASSWORD,
      lenderId,
    });
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId }), [{ name: '合同.pdf', data: pdf() }]),
    );
    expect(res.status).toBe(201);
    filed = res.body;
    browser = await launchChromium();
    customer = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true })
    ).newPage();
    lender = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the borrower asks for the loan contract on the tracking page, on a phone, in Chinese', async () => {
    await customer.goto(filed.trackingUrl.replace(/^https?:\/\/[^/]+/, t.url));
    await customer.locator('input[autocomplete="one-time-code"]').fill(filed.pin);
    await customer.getByRole('button', { name: '登录' }).click();
    const panel = customer.getByTestId('document-requests');
    await panel.waitFor();
    expect(await panel.innerText()).toContain('尚未申请任何材料');
    await panel.getByLabel('材料').selectOption('loan_contract');
    await panel.getByLabel('补充说明（可选）').fill('2024年签订的借款合同全文');
    await panel.getByRole('button', { name: '向贷款方申请' }).click();
    const dialog = customer.getByRole('dialog');
    expect(await dialog.innerText()).toContain('不能撤回');
    await dialog.getByRole('button', { name: '向贷款方申请' }).click();

    const request = panel.getByTestId('document-request');
    await expect.poll(() => request.getAttribute('data-status')).toBe('open');
    const text = await request.innerText();
    expect(text).toContain('完整的借款合同');
    expect(text).toContain('等待贷款方答复');
    expect(text).toMatch(/应于 .+ 前答复/);
    await expect.poll(() => customer.getByTestId('timeline').innerText()).toContain('您向贷款方申请了材料');
    expectReadableChinese(await panel.innerText());
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(customer, 'documents-track-asked-375');
  });

  it("the lender's staff see the badge in the queue and answer with a PDF from the case page", async () => {
    await lender.goto(`${t.url}/login`);
    await lender.getByLabel('用户名').fill('lender.li');
    await lender.getByLabel('密码').fill(PASSWORD);
    await lender.getByRole('button', { name: '登录' }).click();
    await lender.waitForURL((url) => url.pathname !== '/login');
    await lender.getByRole('link', { name: '审核队列' }).click();
    const row = lender.getByTestId(`queue-${filed.caseNumber}`);
    await expect.poll(() => row.getByTestId('queue-documents').innerText()).toBe('1 项材料申请待答复');
    await row.getByRole('button', { name: filed.caseNumber }).click();

    const panel = lender.getByTestId('document-requests');
    await expect.poll(() => panel.getByTestId('document-request').innerText()).toContain('完整的借款合同');
    await panel.getByLabel('要提供的材料（PDF、JPEG 或 PNG）').setInputFiles({
      name: '借款合同.pdf',
      mimeType: 'application/pdf',
      buffer: pdf('Full loan contract'),
    });
    await panel.getByRole('button', { name: '提交材料' }).click();
    await lender.getByRole('dialog').getByRole('button', { name: '提交材料' }).click();
    await expect.poll(() => panel.getByTestId('document-request').getAttribute('data-status')).toBe('provided');
    const text = await panel.innerText();
    expect(text).toContain('借款合同.pdf');
    expect(text).toContain('贷款方（李经理）');
    expectReadableChinese(text);
    await expect.poll(() => lender.getByTestId('history').innerText()).toContain('申请的材料已提供');
    await screenshot(lender, 'documents-staff-provided');
  });

  it('the borrower sees it provided without reloading, with the file to download', async () => {
    const request = customer.getByTestId('document-requests').getByTestId('document-request');
    await expect.poll(() => request.getAttribute('data-status')).toBe('provided');
    expect(await request.getByRole('button', { name: '借款合同.pdf' }).count()).toBe(1);
    expect(await customer.getByTestId('timeline').innerText()).toContain('贷款方提供了您申请的材料');
    expectReadableChinese(await customer.getByTestId('document-requests').innerText());
    await screenshot(customer, 'documents-track-provided-375');
  });
});
