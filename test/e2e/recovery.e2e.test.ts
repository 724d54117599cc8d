import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { complaint, form } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

/** Latin words on a zh-CN screen, but for the few that are names (PIN and the like). */
const latinWords = (text: string) =>
  (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !['PIN', 'ID', 'PDF', 'Accord', 'AC'].includes(w));

describe.skipIf(!chromiumOrSkip())('recovery in zh-CN, in real Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const call = httpClient(() => t.url);
  const zhPage = async (): Promise<Page> => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    return page;
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the mediator removes a party, who is told to ask for a new link; the mediator re-invites them with one', async () => {
    const c: TestCase = await t.createCase('重新邀请');
    const mediator = await zhPage();
    const customer = await zhPage();
    for (const [page, role] of [
      [mediator, 'mediator'],
      [customer, 'customer'],
    ] as const) {
      await page.goto(c.inviteUrls[role]);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    }
    await mediator.getByTestId('remove-customer').click();
    await mediator.getByTestId('confirm-ok').click();

    // No false promise: the revoked link cannot help, the mediator can.
    const denied = customer.getByTestId('room-denied');
    await denied.waitFor();
    expect(await denied.innerText()).toContain('请联系调解员获取新的链接');
    expect(await denied.innerText()).not.toContain('重新打开邀请链接');
    expect(latinWords(await denied.innerText())).toEqual([]);
    await screenshot(customer, 'recovery-removed');

    await mediator.getByTestId('reinvite-customer').click();
    const newLink = mediator.getByTestId('new-link');
    await newLink.waitFor();
    expect(await newLink.innerText()).toContain('仅显示一次');
    const url = await mediator.getByTestId('new-link-url').inputValue();
    expect(url).toContain('/join/');
    expect(url).not.toBe(c.inviteUrls.customer);
    await expect.poll(() => mediator.getByTestId('activity').innerText()).toContain(`用新链接重新邀请了 ${'王女士'}`);
    await screenshot(mediator, 'recovery-new-link');

    // The old link stays revoked, with the same advice; the new one lets them in with a PIN of their own.
    const stale = await zhPage();
    await stale.goto(c.inviteUrls.customer);
    await expect
      .poll(() => stale.getByRole('alert').innerText())
      .toContain('邀请链接已失效，请联系调解员或服务人员重新发送');
    await customer.goto(url);
    await customer.getByTestId('pin-notice').waitFor();
    expect(await customer.getByTestId('pin').innerText()).toMatch(/^\d{6}$/);
    await customer.getByTestId('pin-notice').getByRole('button').click();
    await customer.waitForURL(`**/cases/${c.caseId}`);
    await customer.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    await expect.poll(() => mediator.getByTestId('participant-customer').count()).toBe(1);
  });

  it('the mediator resets a party’s signing PIN (only the party is shown the new one, once) and reissues their link', async () => {
    const c: TestCase = await t.createCase('重置 PIN');
    const mediator = await zhPage();
    const platform = await zhPage();
    for (const [page, role] of [
      [mediator, 'mediator'],
      [platform, 'platform'],
    ] as const) {
      await page.goto(c.inviteUrls[role]);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    }
    await mediator.getByTestId('pin-reset-platform').click();
    await mediator.getByTestId('confirm-ok').click();
    await expect.poll(() => mediator.getByTestId('invite-recovery').innerText()).toContain('李华 的签署 PIN 码已重置');

    const notice = platform.getByTestId('new-pin');
    await notice.waitFor();
    expect(latinWords(await notice.innerText())).toEqual([]);
    await platform.getByTestId('show-new-pin').click();
    const shown = await platform.getByTestId('new-pin-value').innerText();
    const pin = /\d{6}/.exec(shown)?.[0] ?? '';
    expect(pin).toMatch(/^\d{6}$/);
    expect(pin).not.toBe(c.pins.platform);
    await screenshot(platform, 'recovery-new-pin');
    // The mediator's screen never carries it; the feed says it was handed over.
    await expect.poll(() => mediator.getByTestId('activity').innerText()).toContain('李华 已获取新的签署 PIN 码');
    expect(await mediator.locator('body').innerText()).not.toContain(pin);
    // Once: after a reload the card is gone (the handover is in the feed).
    await platform.reload();
    await platform.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    await platform.getByTestId('activity').waitFor();
    expect(await platform.getByTestId('new-pin').count()).toBe(0);

    // A lost link reissued: the new one is shown once to copy; the old one's sessions end at once.
    await mediator.getByTestId('reissue-platform').click();
    await mediator.getByTestId('confirm-ok').click();
    const fresh = mediator.getByTestId('new-link-url');
    await fresh.waitFor();
    const url = await fresh.inputValue();
    await platform.getByTestId('room-denied').waitFor();
    expect(await platform.getByTestId('room-denied').innerText()).toContain('请联系调解员获取新的链接');
    await expect.poll(() => mediator.getByTestId('activity').innerText()).toContain('为 李华 重新签发了邀请链接');
    await platform.goto(url);
    await platform.getByTestId('pin-notice').waitFor();
  });

  it('a rejected complaint is appealed once from the tracking page; the second is refused in Chinese', async () => {
    await t.server.cases.createStaff(null, {
      username: 'appeal.reviewer',
      displayName: '李审核',
      staffRole: 'reviewer',
      password: 'correct horse battery',
    });
    const reviewer = (
      await call<{ token: string }>('POST', '/api/auth/login', undefined, {
        username: 'appeal.reviewer',
        password: 'correct horse battery',
      })
    ).body.token;
    const lender = await t.server.accounts.createLender(null, '甲消费金融有限公司');
    const filed = (
      await call<IntakeResult>('POST', '/api/intake', undefined, form(complaint({ lenderId: lender.id }), []))
    ).body;
    const review = (body: unknown) => call('POST', `/api/cases/${filed.caseId}/review`, reviewer, body);
    await review({ decision: 'start' });
    await review({ decision: 'reject', reason: '材料不足，无法受理。' });

    const page = await zhPage();
    await page.goto(filed.trackingUrl);
    await page.getByLabel('PIN 码').fill(filed.pin);
    await page.getByRole('button', { name: '登录' }).click();
    const appealForm = page.getByTestId('appeal-form');
    await appealForm.waitFor();
    expect(latinWords(await appealForm.innerText())).toEqual([]);
    await page.getByTestId('appeal-reason').fill('请重审');
    await page.getByTestId('appeal-send').click();
    await expect.poll(() => appealForm.getByRole('alert').innerText()).toContain('请至少填写 20 个字');

    const reason = '我已补充了服务费收据，合同中并未告知这笔费用，请重新审查。';
    await page.getByTestId('appeal-reason').fill(reason);
    await page.getByTestId('appeal-send').click();
    await expect.poll(() => page.getByTestId('progress').getAttribute('data-status')).toBe('under_review');
    expect(await page.getByTestId('appeal').innerText()).toContain(reason);
    expect(await page.getByTestId('timeline').innerText()).toContain('申诉');
    await screenshot(page, 'recovery-appealed');

    // The reviewer reads the appeal and its reason on the staff case page, in Chinese.
    const staff = await zhPage();
    await staff.goto(`${t.url}/login`);
    await staff.getByLabel('用户名').fill('appeal.reviewer');
    await staff.getByLabel('密码').fill('correct horse battery');
    await staff.getByRole('button', { name: '登录' }).click();
    await staff.getByTestId('go-queue').waitFor();
    await staff.goto(`${t.url}/staff/cases/${filed.caseId}`);
    const shownAppeal = staff.getByTestId('staff-case').getByTestId('appeal');
    await shownAppeal.waitFor();
    expect(await shownAppeal.innerText()).toContain(reason);
    expect(await shownAppeal.innerText()).toContain('申诉理由');
    await screenshot(staff, 'recovery-staff-appeal');

    await review({ decision: 'reject', reason: '复查后维持原决定。' });
    await expect.poll(() => page.getByTestId('progress').getAttribute('data-status')).toBe('rejected');
    const none = page.getByTestId('no-appeal-left');
    await none.waitFor();
    expect(await none.innerText()).toBe('此投诉已申诉过一次，不能再次申诉。');
    expect(await page.getByTestId('appeal-form').count()).toBe(0);
  });
});
