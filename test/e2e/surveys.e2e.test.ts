import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IntakeResult, OutcomeStatus, RoomInviteResult } from '@accord/shared';
import { seedAgreement } from '../helpers/agreement';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { agreeToEveryClause } from '../helpers/negotiation';
import { repoRoot } from '../helpers/process';
import { acceptInvite, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const PASSWORD = 'correct horse battery';
const COMMENT = '调解员讲得很清楚，谢谢。';

/**
 * The survey after a settled session: the borrower answers on the tracking page (a phone, in Chinese),
 * the lender's representative in the room (a desktop, in Chinese), each reaching it by clicking; the
 * thanks stay after a reload; the store has both answers, linked to nobody.
 */
describe.skipIf(!chromiumOrSkip())('the survey after the session, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let borrower: Page;
  let lender: Page;
  let filed: IntakeResult;
  /** The borrower's room invite: the same person as the tracking link, in the room. */
  let roomLink = '';
  const call = httpClient(() => t.url);
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const rooms: RoomClient[] = [];

  const noWiderThan = async (page: Page, width: number) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    const lenderId = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
    for (const [username, staffRole, displayName] of [
      ['reviewer.li', 'reviewer', '李审核'],
      ['mediator.zhang', 'mediator', '张律师'],
      ['lender.wang', 'platform', '王经理'],
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
      form(complaint({ lenderId }), [{ name: '合同.pdf', data: pdf() }]),
    );
    expect(res.status).toBe(201);
    filed = res.body;
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
    browser = await launchChromium();
    borrower = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true })
    ).newPage();
    lender = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    for (const r of rooms) r.close();
    await browser?.close();
    await t?.close();
  });

  it('before the session ends the tracking page asks nothing', async () => {
    await borrower.goto(filed.trackingUrl.replace(/^https?:\/\/[^/]+/, t.url));
    await borrower.locator('input[autocomplete="one-time-code"]').fill(filed.pin);
    await borrower.getByRole('button', { name: '登录' }).click();
    await borrower.getByTestId('tracking').waitFor();
    await expect.poll(() => borrower.getByTestId('status').innerText()).toBe('已安排调解');
    expect(await borrower.getByTestId('survey').count()).toBe(0);
  });

  it('the session ends in a signed settlement (through the protocol)', async () => {
    const c = filed.caseId;
    // The borrower's room invite and signing PIN, as the tracking page's "enter the room" gets them.
    const tracking = await call<{ token: string }>(
      'POST',
      `/api/track/${filed.trackingUrl.split('/track/')[1]}/sign-in`,
      undefined,
      { pin: filed.pin },
    );
    const invite = await call<RoomInviteResult>('GET', `/api/cases/${c}/room-invite`, tracking.body.token);
    expect(invite.status).toBe(200);
    roomLink = invite.body.url.replace(/^https?:\/\/[^/]+/, t.url);
    const customerToken = (await acceptInvite(t.url, invite.body.url)).token;
    await seedAgreement(t.server.store, c);
    const mediator = await connectRoom(t.url, tokens['mediator.zhang'] ?? '', c);
    rooms.push(mediator);
    expect((await mediator.socket.emitWithAck('room:settings', { lobby: false })).ok).toBe(true);
    for (const phase of ['opening', 'joint', 'drafting'] as const) {
      expect((await mediator.socket.emitWithAck('room:phase', { phase })).ok, phase).toBe(true);
    }
    const customer = await connectRoom(t.url, customerToken, c);
    const platform = await connectRoom(t.url, tokens['lender.wang'] ?? '', c);
    rooms.push(customer, platform);
    await agreeToEveryClause({ customer, platform }, { watchers: [mediator] });
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
    const fingerprint = await waitFor(
      async () => ((await emit(customer, 'outcome:status', {})).data as OutcomeStatus).freeze?.fingerprint,
      'frozen',
    );
    const customerId = (await t.server.store.getCase(c))?.customerId ?? '';
    const customerName = (await t.server.store.getMember(c, customerId))?.displayName ?? '';
    for (const [client, fullName, secret] of [
      [customer, customerName, invite.body.pin ?? ''],
      [platform, '王经理', PASSWORD],
      [mediator, '张律师', PASSWORD],
    ] as const) {
      const signed = await emit(client, 'outcome:sign', { fingerprint, fullName, secret });
      expect(signed.error, fullName).toBeUndefined();
    }
    await waitFor(async () => (await t.server.store.getCase(c))?.status === 'settled', 'settled');
  });

  it('in the room the borrower is asked too, under the sealed outcome (here on a phone in English)', async () => {
    const room = await (
      await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 740 }, isMobile: true })
    ).newPage();
    await room.goto(roomLink);
    await room.getByTestId('sealed').waitFor();
    const card = room.getByTestId('survey');
    await expect.poll(() => card.getAttribute('data-state')).toBe('open');
    const text = await card.innerText();
    for (const words of ['Very unhappy', 'Did you feel heard?', 'Anonymous']) expect(text).toContain(words);
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
    await noWiderThan(room, 375);
    await card.scrollIntoViewIfNeeded();
    await screenshot(room, 'surveys-room-customer-en-375');
    await room.close();
  });

  it('the borrower answers on the tracking page, on a phone in Chinese, and the thanks stay after a reload', async () => {
    // The page follows the case live: the survey appears as the case is settled.
    await expect.poll(() => borrower.getByTestId('status').innerText()).toBe('达成和解');
    const card = borrower.getByTestId('survey');
    await card.waitFor();
    const text = await card.innerText();
    for (const words of ['很不满意', '很满意', '公平', '匿名：其他参与方看不到您的单独回答'])
      expect(text).toContain(words);
    expect(text).not.toMatch(/[A-Za-z]{2,}/);
    expect(await borrower.getByTestId('survey-submit').isDisabled()).toBe(true);
    await noWiderThan(borrower, 375);
    await card.scrollIntoViewIfNeeded();
    await screenshot(borrower, 'surveys-track-open-375');

    await borrower.getByTestId('survey-score-4').click();
    await borrower.getByTestId('survey-heard').getByText('是').click();
    await borrower.getByTestId('survey-fair').getByText('是').click();
    await borrower.getByTestId('survey-again').getByText('否').click();
    await borrower.getByTestId('survey-comment').fill(COMMENT);
    expect(await borrower.getByTestId('survey-count').innerText()).toBe(`${COMMENT.length}/1000 字`);
    await screenshot(borrower, 'surveys-track-filled-375');
    await borrower.getByTestId('survey-submit').click();
    // Sent once and for good: asked first.
    const dialog = borrower.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('不能修改');
    await screenshot(borrower, 'surveys-track-confirm-375');
    await dialog.getByRole('button', { name: '提交回答' }).click();
    await borrower.getByTestId('survey-thanks').waitFor();
    await screenshot(borrower, 'surveys-track-thanks-375');

    await borrower.reload();
    await borrower.getByTestId('tracking').waitFor();
    await expect.poll(() => borrower.getByTestId('survey').getAttribute('data-state')).toBe('answered');
    expect(await borrower.getByTestId('survey-form').count()).toBe(0);
    await noWiderThan(borrower, 375);
  });

  it("the lender's representative reaches the room by clicking and answers there, by keyboard", async () => {
    await lender.goto(`${t.url}/login`);
    await lender.getByLabel('用户名').fill('lender.wang');
    await lender.getByLabel('密码').fill(PASSWORD);
    await lender.getByRole('button', { name: '登录' }).click();
    await lender.waitForURL((url) => url.pathname !== '/login');
    const row = lender.locator(`[data-testid="my-case-${filed.caseNumber}"]`);
    await row.locator('td button').click();
    await lender.getByTestId('sealed').waitFor();
    const card = lender.getByTestId('survey');
    await expect.poll(() => card.getAttribute('data-state')).toBe('open');
    await card.scrollIntoViewIfNeeded();
    await screenshot(lender, 'surveys-room-platform-open');

    // Tab into the scale, arrows to choose, Tab to each yes/no group and Space to take its first choice.
    await lender.getByTestId('survey-score-1').locator('input').focus();
    await lender.keyboard.press('ArrowRight');
    await lender.keyboard.press('ArrowRight');
    expect(await lender.getByTestId('survey-score-3').locator('input').isChecked()).toBe(true);
    for (const q of ['heard', 'fair', 'again']) {
      await lender.keyboard.press('Tab');
      await lender.keyboard.press('Space');
      expect(await lender.getByTestId(`survey-${q}`).locator('input[value="yes"]').isChecked(), q).toBe(true);
    }
    await lender.keyboard.press('Tab');
    await lender.keyboard.type('流程清晰。');
    await lender.keyboard.press('Tab');
    await lender.keyboard.press('Enter');
    const dialog = lender.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await lender.keyboard.press('Enter');
    await lender.getByTestId('survey-thanks').waitFor();
    await screenshot(lender, 'surveys-room-platform-thanks');
    await lender.reload();
    await lender.getByTestId('sealed').waitFor();
    await expect.poll(() => lender.getByTestId('survey').getAttribute('data-state')).toBe('answered');
  });

  it('the store holds both answers, by role and day, linked to nobody', async () => {
    const stored = await t.server.store.listSurveyResponses([filed.caseId]);
    expect(stored.map((r) => [r.role, r.satisfaction, r.heard, r.fair, r.again, r.comment]).sort()).toEqual([
      ['customer', 4, true, true, false, COMMENT],
      ['platform', 3, true, true, true, '流程清晰。'],
    ]);
    const flat = JSON.stringify(stored);
    for (const id of Object.values(ids)) expect(flat).not.toContain(id);
  });
});
