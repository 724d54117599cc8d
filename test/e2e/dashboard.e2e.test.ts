import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DASHBOARD_CSV_COLUMNS, type IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const PASSWORD = 'correct horse battery';
type Who = 'admin' | 'reviewer' | 'mediator' | 'lenderA' | 'lenderB';

/** Whether a canvas has anything drawn on it (any pixel not fully transparent). */
const drawn = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) return false;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) return true;
      return false;
    });

/**
 * The outcomes dashboard in the browser (issue 19): a centre admin on a desktop, in Chinese, sees the
 * figures and the charts drawn, filters by lender and downloads the CSV; a lender's staff member on
 * a phone sees only their own lender's cases.
 */
describe.skipIf(!chromiumOrSkip())('outcomes dashboard in the browser', () => {
  let t: TestServer;
  let browser: Browser;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  const numbers: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };
  const rooms: RoomClient[] = [];

  const file = async (lenderId: string) => {
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId }), [{ name: 'contract.pdf', data: pdf() }]),
    );
    expect(res.status).toBe(201);
    const c = await t.server.store.getCase(res.body.caseId);
    return { caseId: res.body.caseId, number: c?.number ?? '' };
  };
  const accept = async (caseId: string, rep: 'lenderA' | 'lenderB') => {
    expect((await call('POST', `/api/cases/${caseId}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(
      200,
    );
    const res = await call('POST', `/api/cases/${caseId}/review`, tokens.reviewer, {
      decision: 'accept',
      platformUserId: ids[rep],
    });
    expect(res.status).toBe(200);
  };

  async function signIn(page: Page, username: string) {
    await page.goto(`${t.url}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('staff-nav').waitFor();
    await page.getByTestId('staff-nav').getByRole('link', { name: '成效统计' }).click();
    await page.getByTestId('headline-cases').waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    const lenderA = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
    const lenderB = (await t.server.accounts.createLender(null, '乙银行')).id;
    for (const [username, displayName, staffRole, lenderId] of [
      ['admin', '王主任', 'admin', undefined],
      ['reviewer', '李审核', 'reviewer', undefined],
      ['mediator', '张律师', 'mediator', undefined],
      ['lenderA', '陈经理', 'platform', lenderA],
      ['lenderB', '赵经理', 'platform', lenderB],
    ] as const) {
      const user = await t.server.cases.createStaff(null, {
        username: `dash.${username}`,
        displayName,
        staffRole,
        password: PASSWORD,
        ...(lenderId ? { lenderId } : {}),
      });
      ids[username] = user.id;
      tokens[username] = (
        await call<{ token: string }>('POST', '/api/auth/login', undefined, {
          username: `dash.${username}`,
          password: PASSWORD,
        })
      ).body.token;
    }
    // A1: a session with caucuses with both sides, ended without a settlement.
    const a1 = await file(lenderA);
    numbers.a1 = a1.number;
    await accept(a1.caseId, 'lenderA');
    expect(
      (await call('POST', `/api/cases/${a1.caseId}/assign`, tokens.admin, { mediatorUserId: ids.mediator })).status,
    ).toBe(200);
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 16) + ':00';
    expect(
      (await call('POST', `/api/cases/${a1.caseId}/schedule`, tokens.mediator, { startsAt, timeZone: 'Asia/Shanghai' }))
        .status,
    ).toBe(200);
    const m = await connectRoom(t.url, tokens.mediator, a1.caseId);
    rooms.push(m);
    expect((await emit(m, 'room:phase', { phase: 'opening' })).ok).toBe(true);
    expect((await emit(m, 'room:phase', { phase: 'joint' })).ok).toBe(true);
    const customerId = (await t.server.store.listMembers(a1.caseId)).find((x) => x.role === 'customer')?.userId ?? '';
    expect((await emit(m, 'caucus:open', { userId: customerId })).ok).toBe(true);
    expect((await emit(m, 'caucus:open', { userId: ids.lenderA })).ok).toBe(true);
    expect((await emit(m, 'caucus:close', {})).ok).toBe(true);
    expect((await emit(m, 'outcome:seal', { outcome: 'not_settled', reason: '双方未能就退费金额达成一致。' })).ok).toBe(
      true,
    );
    await waitFor(async () => (await t.server.store.getCase(a1.caseId))?.status === 'not_settled', 'A1 not settled');
    // A2: under review; B1: accepted.
    const a2 = await file(lenderA);
    numbers.a2 = a2.number;
    expect((await call('POST', `/api/cases/${a2.caseId}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(
      200,
    );
    const b1 = await file(lenderB);
    numbers.b1 = b1.number;
    await accept(b1.caseId, 'lenderB');
    // Five customers' answers to A1-like sessions, stored as the survey stores them.
    for (const satisfaction of [5, 4, 4, 3, 2]) {
      await t.server.store.submitSurvey(
        { caseId: a1.caseId, userId: randomUUID(), at: new Date().toISOString() },
        {
          id: randomUUID(),
          caseId: a1.caseId,
          role: 'customer',
          day: new Date().toISOString().slice(0, 10),
          satisfaction,
          heard: satisfaction >= 3,
          fair: satisfaction >= 4,
          again: satisfaction >= 4,
          comment: satisfaction === 2 ? '希望调解员多给我一些时间' : '',
        },
      );
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const r of rooms) r.close();
    await browser?.close();
    await t?.close();
  });

  it('an admin on a desktop, in Chinese: the figures, the charts drawn, a lender filter, the CSV', async () => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await signIn(page, 'dash.admin');
    expect(await page.getByTestId('headline-cases').innerText()).toContain('3');
    expect(await page.getByTestId('headline-settlement').innerText()).toContain('0%');
    // The charts are drawn on their canvases.
    for (const chart of ['chart-states', 'chart-mediator', 'chart-type', 'chart-lender']) {
      await expect.poll(() => drawn(page, chart), { message: chart }).toBe(true);
    }
    expect(await page.getByTestId('survey-customer').innerText()).toMatch(/5\s+3\.6\s+80%\s+60%\s+60%/);
    expect(await page.getByTestId('survey-platform').innerText()).toContain('答卷太少');
    expect(await page.getByTestId('dashboard-comments').innerText()).toContain('希望调解员多给我一些时间');
    const session = page.getByTestId(`session-${numbers.a1}`);
    expect(await session.innerText()).toContain('甲消费金融有限公司');
    expect(await session.getAttribute('data-balance')).not.toBe('none');
    // No raw keys, ISO times or English on the Chinese page.
    const text = await page.getByTestId('dashboard').innerText();
    expect(text).not.toMatch(/dashboard\.|not_settled|under_review|fees_charges|\d{4}-\d{2}-\d{2}T|undefined|NaN/);
    expect(text).not.toMatch(/\b(hours?|days?|minutes?|seconds?|Settlement|Cases)\b/);
    await screenshot(page, 'dashboard-admin-desktop');

    // Only lender B: one case, its state in words.
    await page.getByTestId('dashboard-lender').selectOption({ label: '乙银行' });
    await page.getByTestId('dashboard-apply').click();
    await expect.poll(() => page.getByTestId('headline-cases').innerText()).toContain('1');
    expect(await page.getByTestId('dashboard-sessions').innerText()).toContain('此范围内没有调解会议');
    await page.getByTestId('dashboard-lender').selectOption({ label: '全部金融机构' });
    await page.getByTestId('dashboard-apply').click();
    await expect.poll(() => page.getByTestId('headline-cases').innerText()).toContain('3');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dashboard-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^accord-dashboard-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = readFileSync((await download.path()) ?? '');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes, { bom: true });
    expect(rows[0]).toEqual([...DASHBOARD_CSV_COLUMNS]);
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([numbers.a1, numbers.a2, numbers.b1].sort());
    await context.close();
  });

  it("a lender's staff member on a phone sees their own lender's cases only", async () => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signIn(page, 'dash.lenderA');
    expect(await page.getByTestId('dashboard-scope').innerText()).toContain('甲消费金融有限公司');
    expect(await page.getByTestId('dashboard-lender').count()).toBe(0);
    expect(await page.getByTestId('headline-cases').innerText()).toContain('2');
    await expect.poll(() => drawn(page, 'chart-states')).toBe(true);
    const text = await page.getByTestId('dashboard').innerText();
    expect(text).toContain(numbers.a1);
    expect(text).not.toContain(numbers.b1);
    expect(text).not.toContain('乙银行');
    // Comments are for the centre's admins only.
    expect(await page.getByTestId('dashboard-comments').count()).toBe(0);
    // Nothing wider than the phone's screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'dashboard-lender-375');
    await context.close();
  });
});
