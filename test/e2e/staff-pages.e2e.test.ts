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

/** Every input, select and textarea of the page without a label (a <label> or an aria-label). */
const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
        'input, select, textarea',
      ),
    ]
      .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML.slice(0, 120)),
  );

describe.skipIf(!chromiumOrSkip())('staff pages: navigation, the queue table, the live case page', () => {
  let t: TestServer;
  let browser: Browser;
  let reviewer: Page;
  let admin: Page;
  let intake: IntakeResult;
  let customerToken = '';
  let adminToken = '';
  const call = httpClient(() => t.url);

  async function signIn(page: Page, username: string, labels: { user: string; password: string; submit: string }) {
    await page.goto(`${t.url}/login`);
    await page.getByLabel(labels.user).fill(username);
    await page.getByLabel(labels.password).fill(PASSWORD);
    await page.getByRole('button', { name: labels.submit }).click();
    await page.getByTestId('staff-nav').waitFor();
  }

  let lenderId: string;
  let lenderRepId: string;
  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    const lender = await t.server.accounts.createLender(null, '甲消费金融有限公司');
    lenderRepId = (
      await t.server.cases.createStaff(null, {
        username: 'lender.wang',
        displayName: '王经理',
        staffRole: 'platform',
        password: PASSWORD,
        lenderId: lender.id,
      })
    ).id;
    lenderId = lender.id;
    for (const [username, displayName, staffRole] of [
      ['reviewer.li', '李审核', 'reviewer'],
      ['centre.admin', '王主任', 'admin'],
      ['mediator.zhang', '张律师', 'mediator'],
    ] as const) {
      const user = await t.server.cases.createStaff(null, { username, displayName, staffRole, password: PASSWORD });
      if (staffRole === 'mediator') {
        await t.server.store.putMediatorProfile({
          userId: user.id,
          organisation: '北京金融纠纷调解中心',
          languages: ['zh-CN'],
          specialities: ['fees'],
        });
      }
    }
    adminToken = (
      await call<{ token: string }>('POST', '/api/auth/login', undefined, {
        username: 'centre.admin',
        password: PASSWORD,
      })
    ).body.token;
    // A complaint with no evidence yet: the customer adds it while the reviewer has the case open.
    intake = (await call<IntakeResult>('POST', '/api/intake', undefined, form(complaint({ lenderId }), []))).body;
    customerToken = (
      await call<{ token: string }>(
        'POST',
        `/api/track/${intake.trackingUrl.split('/track/')[1] ?? ''}/sign-in`,
        undefined,
        { pin: intake.pin },
      )
    ).body.token;
    browser = await launchChromium();
    reviewer = await (await browser.newContext({ locale: 'en-US' })).newPage();
    admin = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the staff navigation with who is signed in, the current page marked', async () => {
    await signIn(reviewer, 'reviewer.li', { user: 'Username', password: 'Password', submit: 'Sign in' });
    const nav = reviewer.getByTestId('staff-nav');
    // A reviewer sees the queue and their cases, not the administration.
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Review queue', 'My cases', 'Outcomes']);
    expect(await reviewer.getByTestId('signed-in-as').innerText()).toBe('李审核 · Reviewer');
    expect(await nav.getByRole('link', { name: 'My cases' }).getAttribute('aria-current')).toBe('page');
    await nav.getByRole('link', { name: 'Review queue' }).click();
    await reviewer.getByTestId('queue-table').waitFor();
    expect(await nav.getByRole('link', { name: 'Review queue' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'My cases' }).getAttribute('aria-current')).toBeNull();

    // An admin, in Chinese: the administration too, the role in words.
    await signIn(admin, 'centre.admin', { user: '用户名', password: '密码', submit: '登录' });
    expect(await admin.getByTestId('staff-nav').getByRole('link').allInnerTexts()).toEqual([
      '审核队列',
      '我的案件',
      '调解员管理',
      '账号与机构',
      '成效统计',
    ]);
    expect(await admin.getByTestId('signed-in-as').innerText()).toBe('王主任 · 管理员');
  });

  it('lists the queue in a table with column headers, formatted amounts and dates, filterable by status', async () => {
    const table = reviewer.getByTestId('queue-table');
    expect(await table.locator('caption').innerText()).toMatch(/Cases matching the filters \(\d+\)/);
    expect(await table.locator('thead th[scope="col"]').allInnerTexts()).toEqual([
      'Case',
      'Type',
      'Amount in dispute',
      'Filed',
      'Status',
      'Waiting ▼',
      'Mediator',
    ]);
    const row = reviewer.getByTestId(`queue-${intake.caseNumber}`);
    expect(await row.locator('th[scope="row"]').innerText()).toContain(intake.caseNumber);
    expect(await row.getByTestId('queue-amount').innerText()).toBe('RMB 1,280.00');
    expect(await row.getByTestId('queue-status').innerText()).toBe('Submitted');
    const filed = await row.locator('time').innerText();
    expect(filed).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(filed).toBe(
      new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(new Date()),
    );
    // Sorting by the filed date is announced on its header.
    await reviewer.getByTestId('sort-filed').click();
    await expect.poll(() => table.locator('th[aria-sort]').first().getAttribute('aria-sort')).toBe('ascending');
    // Filtering by status: the case is not under review yet.
    await reviewer.getByLabel('Status').selectOption('under_review');
    await expect.poll(() => row.count()).toBe(0);
    await reviewer.getByLabel('Status').selectOption('');
    await row.waitFor();
    expect(await unlabelled(reviewer)).toEqual([]);
  });

  it('turns the table into cards on a 375 px phone, without sideways scrolling', async () => {
    await reviewer.setViewportSize({ width: 375, height: 800 });
    const row = reviewer.getByTestId(`queue-${intake.caseNumber}`);
    await expect.poll(() => row.evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
    expect(await reviewer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // Each cell says which column it is.
    expect(await row.getByTestId('queue-amount').getAttribute('data-label')).toBe('Amount in dispute');
    await screenshot(reviewer, 'staff-queue-375');
    await reviewer.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows evidence the customer adds and a decision taken elsewhere, live, with reasons in the history', async () => {
    await reviewer.getByTestId(`queue-${intake.caseNumber}`).getByRole('button').click();
    await reviewer.getByTestId('staff-case').waitFor();
    // The queue stays marked as the section the case was opened from.
    expect(
      await reviewer.getByTestId('staff-nav').getByRole('link', { name: 'Review queue' }).getAttribute('aria-current'),
    ).toBe('true');
    await reviewer.getByTestId('start-review').click();
    await expect.poll(() => reviewer.getByTestId('progress').getAttribute('data-status')).toBe('under_review');
    expect(await reviewer.getByText('No evidence has been added yet.').count()).toBe(1);

    // The customer uploads a statement: it appears on the open page without a reload.
    const upload = await call(
      'POST',
      `/api/cases/${intake.caseId}/evidence`,
      customerToken,
      form({}, [{ name: 'fee-statement.pdf', data: pdf('statement') }]),
    );
    expect(upload.status).toBe(201);
    await expect.poll(() => reviewer.getByTestId('evidence-list').innerText()).toContain('fee-statement.pdf');
    await expect.poll(() => reviewer.getByTestId('history').innerText()).toContain('Evidence added');
    // The rule that needed it is met now, also without a reload.
    await expect.poll(() => reviewer.getByTestId('rules').innerText()).not.toContain('✗');

    // Revealing the phone number asks why, and the history shows the reason and who.
    await reviewer.getByTestId('reveal-phone').click();
    await reviewer.getByLabel('Why you need to see it (recorded in the case history)').fill('To call the complainant');
    await reviewer.getByTestId('reveal-confirm').click();
    await expect
      .poll(() => reviewer.getByTestId('history').locator('li[data-kind="pii_revealed"]').innerText())
      .toContain('Reason: To call the complainant');
    expect(await reviewer.getByTestId('history').locator('li[data-kind="pii_revealed"]').innerText()).toContain(
      'by 李审核',
    );
    expect(await unlabelled(reviewer)).toEqual([]);

    // An administrator accepts the case elsewhere: the reviewer's page follows, reason and all.
    const accepted = await call('POST', `/api/cases/${intake.caseId}/review`, adminToken, {
      decision: 'accept',
      platformUserId: lenderRepId,
      reason: 'Documents complete',
    });
    expect(accepted.status).toBe(200);
    await expect.poll(() => reviewer.getByTestId('progress').getAttribute('data-status')).toBe('accepted');
    await expect
      .poll(() => reviewer.getByTestId('history').locator('li[data-status="accepted"]').innerText())
      .toContain('Reason: Documents complete');
    expect(await reviewer.getByTestId('history').locator('li[data-status="accepted"]').innerText()).toContain(
      'by 王主任',
    );
    await screenshot(reviewer, 'staff-case-live');
  });

  it('labels every control of the admin’s pages, in Chinese; the assignment’s reason is in the history', async () => {
    await admin.goto(`${t.url}/staff/cases/${intake.caseId}`);
    await admin.getByTestId('mediator-select').waitFor();
    expect(await unlabelled(admin)).toEqual([]);
    const select = admin.getByTestId('mediator-select');
    const option = select.locator('option', { hasText: '张律师' });
    await select.selectOption((await option.getAttribute('value')) ?? '');
    await admin.getByLabel('选择该调解员的理由（记入案件记录）').fill('熟悉费用类纠纷');
    await admin.getByTestId('assign').click();
    await expect.poll(() => admin.getByTestId('progress').getAttribute('data-status')).toBe('mediator_assigned');
    const step = admin.getByTestId('history').locator('li[data-status="mediator_assigned"]');
    await expect.poll(() => step.innerText()).toContain('理由：熟悉费用类纠纷');
    expect(await step.innerText()).toContain('调解员：张律师');
    // The scheduling form, and the mediators page reached from the navigation.
    await admin.getByTestId('schedule-reason').waitFor();
    expect(await unlabelled(admin)).toEqual([]);
    await admin.getByTestId('staff-nav').getByRole('link', { name: '调解员管理' }).click();
    await admin.getByTestId('mediators').waitFor();
    expect(
      await admin.getByTestId('staff-nav').getByRole('link', { name: '调解员管理' }).getAttribute('aria-current'),
    ).toBe('page');
    expect(await unlabelled(admin)).toEqual([]);
  });

  it('signs out from the navigation: back home, the navigation gone, the staff pages closed', async () => {
    await reviewer.getByTestId('sign-out').click();
    await reviewer.waitForURL(`${t.url}/`);
    expect(await reviewer.getByTestId('staff-nav').count()).toBe(0);
    expect(await reviewer.evaluate(() => localStorage.getItem('accord.staff'))).toBeNull();
    await reviewer.goto(`${t.url}/staff`);
    await reviewer.waitForURL(/\/login\?next=/);
  });
});
