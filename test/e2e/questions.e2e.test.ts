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
const QUESTION = '合同第七条写的提前还款手续费，是按剩余本金还是按借款总额计算？';
const ANSWER = '按剩余本金的3%计收，最低50元；您已还的部分不再收取。';

/** What the Chinese page must never show: English words, codes, ISO timestamps, JSON keys. */
function expectReadableChinese(text: string): void {
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|question_|answered|open\b|lender|customer|centre/);
  expect(text).not.toMatch(/\b(Question|Answer|Send|Awaiting)\b/);
}

/**
 * The pre-session question thread, walked as its people would: the borrower asks on the tracking page
 * (a phone, in Chinese); the lender's staff find the question from the queue's badge on a desktop and
 * answer it; the borrower sees the answer arrive, and both steps in the timeline.
 */
describe.skipIf(!chromiumOrSkip())('questions about the contract, asked and answered, in Chromium', () => {
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
      username: 'lender.wang',
      displayName: '王经理',
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

  it('the borrower asks a question on the tracking page, on a phone, in Chinese', async () => {
    await customer.goto(filed.trackingUrl.replace(/^https?:\/\/[^/]+/, t.url));
    await customer.locator('input[autocomplete="one-time-code"]').fill(filed.pin);
    await customer.getByRole('button', { name: '登录' }).click();
    const panel = customer.getByTestId('questions');
    await panel.waitFor();
    expect(await panel.innerText()).toContain('还没有问题');

    // Too short: the browser's own check keeps it from being sent; nothing is asked.
    await customer.getByTestId('question-text').fill('费用');
    await customer.getByTestId('question-send').click();
    expect(await customer.getByRole('dialog').count()).toBe(0);

    await customer.getByTestId('question-text').fill(QUESTION);
    await customer.getByTestId('question-send').click();
    // A question cannot be taken back: asked first.
    const dialog = customer.getByRole('dialog');
    expect(await dialog.innerText()).toContain('不能修改或撤回');
    await dialog.getByRole('button', { name: '发送问题' }).click();

    const asked = panel.getByTestId('question');
    await expect.poll(() => asked.getAttribute('data-status')).toBe('open');
    const text = await asked.innerText();
    expect(text).toContain(QUESTION);
    expect(text).toContain('您的提问');
    expect(text).toContain('等待答复');
    expect(await customer.getByTestId('question-text').inputValue()).toBe('');
    await expect.poll(() => customer.getByTestId('timeline').innerText()).toContain('您就合同提出了问题');
    expectReadableChinese(await panel.innerText());
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(customer, 'questions-track-asked-375');
  });

  it("the lender's staff find it from the queue's badge and answer it, on a desktop", async () => {
    await lender.goto(`${t.url}/login`);
    await lender.getByLabel('用户名').fill('lender.wang');
    await lender.getByLabel('密码').fill(PASSWORD);
    await lender.getByRole('button', { name: '登录' }).click();
    await lender.waitForURL((url) => url.pathname !== '/login');
    await lender.getByRole('link', { name: '审核队列' }).click();

    const row = lender.getByTestId(`queue-${filed.caseNumber}`);
    await expect.poll(() => row.getByTestId('queue-questions').innerText()).toBe('1 个问题待答复');
    await screenshot(lender, 'questions-staff-queue');
    await row.getByRole('button', { name: filed.caseNumber }).click();

    const panel = lender.getByTestId('questions');
    await expect.poll(() => panel.getByTestId('question').innerText()).toContain(QUESTION);
    expect(await panel.getByTestId('question').innerText()).toContain('申请人提问');
    await panel.getByTestId('answer-text').fill(ANSWER);
    await panel.getByTestId('answer-send').click();
    await lender.getByRole('dialog').getByRole('button', { name: '发送答复' }).click();

    await expect.poll(() => panel.getByTestId('question').getAttribute('data-status')).toBe('answered');
    const text = await panel.innerText();
    expect(text).toContain(ANSWER);
    expect(text).toContain('贷款机构（王经理）');
    expect(await panel.getByTestId('answer-text').count()).toBe(0);
    await expect.poll(() => lender.getByTestId('history').innerText()).toContain('问题已答复');
    expectReadableChinese(text);
    await screenshot(lender, 'questions-staff-answered');

    // Answered: the badge is gone from the queue.
    await lender.getByRole('link', { name: '审核队列' }).click();
    await lender.getByTestId(`queue-${filed.caseNumber}`).waitFor();
    expect(await lender.getByTestId(`queue-${filed.caseNumber}`).getByTestId('queue-questions').count()).toBe(0);
  });

  it('the borrower sees the answer arrive without reloading, and both steps in the timeline', async () => {
    const question = customer.getByTestId('questions').getByTestId('question');
    await expect.poll(() => question.getAttribute('data-status')).toBe('answered');
    const text = await question.innerText();
    expect(text).toContain(ANSWER);
    expect(text).toContain('贷款机构（王经理）');
    expect(text).toContain('已答复');
    const timeline = await customer.getByTestId('timeline').innerText();
    expect(timeline).toContain('您就合同提出了问题');
    expect(timeline).toContain('您的问题已获答复');
    expectReadableChinese(timeline);
    expectReadableChinese(await customer.getByTestId('questions').innerText());
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(customer, 'questions-track-answered-375');
  });
});
