import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { connectRoom } from '../helpers/clients';
import { complaint, form, pdf, png } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { passRightsGate } from '../helpers/rights';
import { startServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';

/**
 * The customer declares a hardship with a proof file from the tracking page (a phone, in Chinese); the
 * mediator and the lender's representative see it in the room, and see a change without reloading;
 * the lender's staff see it on the staff case page.
 */
describe.skipIf(!chromiumOrSkip())('hardship, declared and seen, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let customer: Page;
  let mediator: Page;
  let lender: Page;
  let filed: IntakeResult;
  let lenderId = '';
  const call = httpClient(() => t.url);
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  async function signIn(page: Page, username: string) {
    await page.goto(`${t.url}/login`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
  }

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
    for (const [username, staffRole, displayName] of [
      ['reviewer.li', 'reviewer', '李审核'],
      ['mediator.zhang', 'mediator', '张律师'],
      ['lender.wang', 'platform', '王经理'],
      ['centre.admin', 'admin', 'Admin'],
    ] as const) {
      const user = await t.server.cases.createStaff(null, {
        username,
        displayName,
        staffRole,
        password: PASSWORD,
        ...(staffRole === 'platform' ? { lenderId } : {}),
      });
      ids[username] = user.id;
      tokens[username] = (
        await call<{ token: string }>('POST', '/api/auth/login', undefined, { username, password: PASSWORD })
      ).body.token;
    }
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId, category: 'repayment_hardship' }), [{ name: '合同.pdf', data: pdf() }]),
    );
    filed = res.body;
    browser = await launchChromium();
    customer = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true })
    ).newPage();
    mediator = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
    lender = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the customer declares a job loss with a proof file from the tracking page, on a phone', async () => {
    await customer.goto(filed.trackingUrl.replace(/^https?:\/\/[^/]+/, t.url));
    await customer.locator('input[autocomplete="one-time-code"]').fill(filed.pin);
    await customer.getByRole('button', { name: '登录' }).click();
    await customer.getByTestId('tracking').waitFor();

    await customer.getByTestId('hardship-declare').click();
    await customer.getByTestId('hardship-kind').selectOption('job_loss');
    await customer.getByTestId('hardship-since').fill('2026-09-30');
    await customer
      .getByTestId('hardship-description')
      .fill('公司裁员，我于九月底失业，目前没有收入来源，无法按期还款。');
    await customer
      .getByTestId('hardship-files')
      .setInputFiles({ name: '解除劳动合同证明.png', mimeType: 'image/png', buffer: png });
    await customer.getByTestId('hardship-submit').click();
    // The file joins the case's evidence for good: asked first.
    await customer.getByRole('dialog').getByRole('button', { name: '提交申报' }).click();

    const view = customer.getByTestId('hardship-view');
    await expect.poll(() => view.getAttribute('data-kind')).toBe('job_loss');
    const text = await view.innerText();
    expect(text).toContain('失业');
    expect(text).toContain('2026年9月30日');
    expect(text).toContain('解除劳动合同证明.png');
    expect(text).not.toMatch(/job_loss|2026-09-30/);
    await expect.poll(() => customer.getByTestId('evidence-list').innerText()).toContain('解除劳动合同证明.png');
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(customer, 'hardship-track-375');
  });

  it('the mediator and the lender rep see it in the room, and a change arrives without a reload', async () => {
    const c = filed.caseId;
    const steps: [string, string, unknown][] = [
      ['review', 'reviewer.li', { decision: 'start' }],
      ['review', 'reviewer.li', { decision: 'accept', platformUserId: ids['lender.wang'] }],
      ['assign', 'reviewer.li', { mediatorUserId: ids['mediator.zhang'] }],
      [
        'schedule',
        'mediator.zhang',
        {
          startsAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 16) + ':00',
          timeZone: 'Asia/Shanghai',
        },
      ],
    ];
    for (const [step, who, body] of steps) {
      expect((await call('POST', `/api/cases/${c}/${step}`, tokens[who], body)).status, step).toBe(200);
    }
    // The session opens, with no waiting room.
    const opener = await connectRoom(t.url, tokens['mediator.zhang'] ?? '', c);
    expect((await opener.socket.emitWithAck('room:settings', { lobby: false })).ok).toBe(true);
    expect((await opener.socket.emitWithAck('room:phase', { phase: 'opening' })).ok).toBe(true);
    opener.close();

    await signIn(mediator, 'mediator.zhang');
    await signIn(lender, 'lender.wang');
    for (const page of [mediator, lender]) {
      await page.goto(`${t.url}/cases/${c}`);
      // The lender's representative is a party: asked to acknowledge the rights and duties first.
      if (page === lender) await passRightsGate(page);
      await expect.poll(() => page.getByTestId('hardship-view').getAttribute('data-kind')).toBe('job_loss');
      expect(await page.getByTestId('hardship-declare').count()).toBe(0);
    }
    expect(await lender.getByTestId('hardship-view').innerText()).toContain('Job loss');

    // The customer changes it (keeping the proof) from the tracking page.
    await customer.getByTestId('hardship-declare').click();
    await customer.getByTestId('hardship-kind').selectOption('illness');
    await customer.getByTestId('hardship-description').fill('失业后又确诊慢性病，需要长期治疗，医疗支出很大。');
    await customer.getByTestId('hardship-submit').click();
    await expect.poll(() => customer.getByTestId('hardship-view').getAttribute('data-kind')).toBe('illness');

    for (const page of [mediator, lender]) {
      await expect.poll(() => page.getByTestId('hardship-view').getAttribute('data-kind')).toBe('illness');
      await expect.poll(() => page.getByTestId('activity').innerText()).toContain('changed the hardship declaration');
    }
    expect(await mediator.getByTestId('hardship-view').innerText()).toContain('慢性病');
    await screenshot(mediator, 'hardship-room-mediator');

    // In the room the customer sees it too, and may change it from there.
    await customer.goto(`${t.url}/cases/${c}`);
    await passRightsGate(customer);
    await expect.poll(() => customer.getByTestId('hardship-view').getAttribute('data-kind')).toBe('illness');
    await openRoomTab(customer, 'people');
    await customer.getByTestId('hardship-declare').click();
    await customer.getByTestId('hardship-kind').selectOption('accident');
    await customer.getByTestId('hardship-submit').click();
    await expect.poll(() => mediator.getByTestId('hardship-view').getAttribute('data-kind')).toBe('accident');
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(customer, 'hardship-room-375');

    // The lender's staff see it on the staff case page too.
    await lender.goto(`${t.url}/staff/cases/${c}`);
    await expect.poll(() => lender.getByTestId('hardship-view').getAttribute('data-kind')).toBe('accident');
    await expect
      .poll(() => lender.getByTestId('history').innerText())
      .toContain('Hardship declaration changed: Accident');
  });

  it("an admin sets the lender's repayment-plan limits on the accounts page; a wrong value is named", async () => {
    const admin = await (
      await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 740 } })
    ).newPage();
    await signIn(admin, 'centre.admin');
    await admin.goto(`${t.url}/admin/accounts`);
    const row = admin.locator(`[data-testid="plan-policy"][data-lender="${lenderId}"]`);
    await expect.poll(() => row.innerText()).toContain('No limits set');
    await row.getByRole('button', { name: 'Set limits' }).click();
    await admin.getByTestId('plan-policy-instalments').fill('400');
    await admin.getByTestId('plan-policy-waiver').fill('500');
    await admin.getByTestId('plan-policy-holiday').fill('3');
    await admin.getByTestId('plan-policy-save').click();
    await expect
      .poll(() => admin.getByTestId('plan-policies').getByRole('alert').innerText())
      .toContain('Most instalments');
    await admin.getByTestId('plan-policy-instalments').fill('24');
    await admin.getByTestId('plan-policy-save').click();
    await expect.poll(() => row.innerText()).toContain('At most 24 instalments');
    expect(await row.innerText()).toContain('RMB 500.00');
    await screenshot(admin, 'lender-plan-policy-375');
    // The page's accounts table is wider than a phone (as before); the limits fit it.
    const box = await admin.getByTestId('plan-policies').boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 999)).toBeLessThanOrEqual(375);
    const seen = await call<{ policy: unknown }>(
      'GET',
      `/api/cases/${filed.caseId}/plan-policy`,
      tokens['lender.wang'],
    );
    expect(seen.body.policy).toEqual({ maxInstalments: 24, maxWaiverCents: 50_000, maxHolidayMonths: 3 });
  });
});
