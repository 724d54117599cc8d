import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { pdf } from '../helpers/files';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';

describe.skipIf(!chromiumOrSkip())('from complaint to a scheduled session, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let customer: Page;
  let staff: Page;
  let admin: Page;
  let caseNumber = '';

  async function signIn(page: Page, username: string) {
    await page.goto(`${t.url}/login`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('go-queue').waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    await t.server.cases.createStaff(null, {
      username: 'reviewer.li',
      displayName: '李审核',
      staffRole: 'reviewer',
      password: PASSWORD,
    });
    // The lender complained about, and its representative for the room.
    const lender = await t.server.accounts.createLender(null, '甲消费金融有限公司');
    await t.server.cases.createStaff(null, {
      username: 'lender.wang',
      displayName: '王经理',
      staffRole: 'platform',
      password: PASSWORD,
      lenderId: lender.id,
    });
    await t.server.cases.createStaff(null, {
      username: 'centre.admin',
      displayName: 'Admin',
      staffRole: 'admin',
      password: PASSWORD,
    });
    const m = await t.server.cases.createStaff(null, {
      username: 'mediator.zhang',
      displayName: '张律师',
      staffRole: 'mediator',
      password: PASSWORD,
    });
    await t.server.store.putMediatorProfile({
      userId: m.id,
      organisation: '北京金融纠纷调解中心',
      languages: ['zh-CN'],
      specialities: ['fees'],
    });
    browser = await launchChromium();
    customer = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    staff = await (await browser.newContext({ locale: 'en-US' })).newPage();
    admin = await (await browser.newContext({ locale: 'en-US' })).newPage();
    for (const p of [customer, staff, admin]) p.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a customer files a complaint with a PDF and gets a case number, a tracking link and a PIN', async () => {
    await customer.goto(`${t.url}/`);
    await customer.getByTestId('go-complain').click();
    const form = customer.getByTestId('intake-form');
    // The privacy notice comes first; the ID number and phone are asked for only after both consents.
    await form.getByTestId('privacy-notice').waitFor();
    expect(await form.getByLabel('手机号码', { exact: true }).isDisabled()).toBe(true);
    expect(await form.getByLabel('身份证号码', { exact: true }).isDisabled()).toBe(true);
    await form.getByLabel('我已阅读并同意上述个人信息处理告知').check();
    expect(await form.getByLabel('身份证号码', { exact: true }).isDisabled()).toBe(true);
    await form.getByLabel(/我单独同意处理我的身份证号码和手机号码/).check();
    await form.getByLabel('姓名', { exact: true }).fill('王小红');
    await form.getByLabel('手机号码', { exact: true }).fill('13812345678');
    await form.getByLabel('身份证号码', { exact: true }).fill('110101199003071234');
    await form.getByLabel('被投诉的金融机构').selectOption({ label: '甲消费金融有限公司' });
    await form.getByLabel('借款或合同编号').fill('HT-2025-0042');
    await form.getByLabel('争议金额（元）').fill('1,280');
    await form
      .getByLabel('事情经过')
      .fill('平台在提前还款时收取了合同中未明确告知的违约金800元和服务费480元，我要求退还。');
    await form.getByLabel('您的诉求').fill('退还1,280元');
    await form
      .locator('input[type="file"]')
      .setInputFiles({ name: '借款合同.pdf', mimeType: 'application/pdf', buffer: pdf() });
    await form.getByRole('button', { name: '提交投诉' }).click();
    await customer.getByTestId('intake-done').waitFor();
    caseNumber = (await customer.getByRole('heading').last().innerText()).match(/AC-\d{4}-\d{6}/)?.[0] ?? '';
    expect(caseNumber).not.toBe('');
    const pin = await customer.getByTestId('tracking-pin').innerText();
    await screenshot(customer, 'intake-done');
    await customer.getByRole('button', { name: '查看办理进度' }).click();
    await customer.getByLabel('PIN 码').fill(pin);
    await customer.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => customer.getByTestId('progress').getAttribute('data-status')).toBe('submitted');
  });

  it('staff review and accept it; the tracking page follows without a reload', async () => {
    await signIn(staff, 'reviewer.li');
    await staff.getByTestId('go-queue').click();
    await staff.getByTestId(`queue-${caseNumber}`).getByRole('button').click();
    await staff.getByTestId('start-review').click();
    await expect.poll(() => customer.getByTestId('progress').getAttribute('data-status')).toBe('under_review');
    await expect.poll(() => staff.getByTestId('rules').innerText()).not.toContain('✗');
    // Staff words, not the customer's: the complainant's request, the amount they entered, the rules worded
    // by the client (this reviewer reads English).
    expect(await staff.getByTestId('staff-case').innerText()).toContain('What the complainant asks for');
    expect(await staff.getByTestId('amount-in-dispute').innerText()).toBe('RMB 1,280.00');
    expect(await staff.getByTestId('rules').innerText()).toContain('Contract or loan number given');
    // The lender's representative in the room is chosen here, from the lender's own staff.
    await staff.getByTestId('accept').click();
    await staff.getByText("Choose the lender's representative before accepting").waitFor();
    await staff.getByLabel("Lender's representative in the room").selectOption({ label: '王经理' });
    await staff.getByTestId('accept').click();
    await expect.poll(() => customer.getByTestId('progress').getAttribute('data-status')).toBe('accepted');
    await screenshot(staff, 'staff-case');
  });

  it('an admin assigns a mediator and schedules the session; the customer sees both as they happen', async () => {
    await signIn(admin, 'centre.admin');
    await admin.getByTestId('go-queue').click();
    await admin.getByTestId(`queue-${caseNumber}`).getByRole('button').click();
    const option = admin.getByTestId('mediator-select').locator('option', { hasText: '张律师' });
    await admin.getByTestId('mediator-select').selectOption((await option.getAttribute('value')) ?? '');
    await admin.getByTestId('assign').click();
    await expect.poll(() => customer.getByTestId('progress').getAttribute('data-status')).toBe('mediator_assigned');
    expect(await customer.getByTestId('progress').innerText()).toContain('张律师');
    await admin.getByTestId('starts-at').fill('2026-12-15T14:00');
    // Beijing time unless another zone is picked from the list, named in words.
    expect(await admin.getByTestId('time-zone').inputValue()).toBe('Asia/Shanghai');
    await admin.getByTestId('schedule').click();
    await expect.poll(() => customer.getByTestId('progress').getAttribute('data-status')).toBe('scheduled');
    // The session and its history in the reader's words: the wall time as scheduled, the zone in words.
    expect(await customer.getByTestId('session').innerText()).toContain('2026年12月15日 14:00（北京时间）');
    const scheduledStep = await customer.getByTestId('timeline').locator('li[data-status="scheduled"]').innerText();
    expect(scheduledStep).toContain('2026年12月15日 14:00');
    expect(scheduledStep).not.toMatch(/\d{4}-\d{2}-\d{2}T|Asia\//);
    const timeline = await customer
      .getByTestId('timeline')
      .locator('li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(timeline).toEqual(['submitted', 'under_review', 'accepted', 'mediator_assigned', 'scheduled']);
    await screenshot(customer, 'tracking-scheduled');
  });
});
