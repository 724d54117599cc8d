import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { createDemoCase, type DemoCase } from '@accord/server';
import { ARTIFACTS, chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { passRightsGate } from '../helpers/rights';
import { startServer, type TestServer } from '../helpers/server';

/** What no screen shows: type and fee codes, a proposal item's id, cents, ISO dates. */
const RAW = /fees_charges|hardship_repayment|early_repayment|fees\.explain|128000|80000|\d{4}-\d{2}-\d{2}T/;

/**
 * The mediator meets the assistant in the room (desktop, Chinese): reads the complaint with its facts
 * highlighted, corrects a figure, edits one proposed clause into the agreement and drops another (asked
 * first); the borrower on a phone sees the clause in the agreement marked as from the assistant's
 * proposal, edited by the mediator.
 */
describe.skipIf(!chromiumOrSkip())('the mediation assistant in the room, in Chromium', () => {
  let t: TestServer;
  let demo: DemoCase;
  let browser: Browser;
  let mediator: Page;
  let borrower: Page;
  /** Opens an invite link as its party does the first time: the signing PIN is shown once, then the room. */
  const enter = async (page: Page, url: string) => {
    await page.goto(url);
    await page.getByTestId('pin-notice').waitFor();
    await page.getByTestId('pin-notice').getByRole('button').click();
    // A party reads and acknowledges the rights and duties first (the mediator is not asked).
    if (page === borrower) await passRightsGate(page);
    await openRoomTab(page, 'agreement');
    await page.getByTestId('agreement-editor').waitFor();
  };
  const shot = async (page: Page, name: string, testId?: string) => {
    await screenshot(page, `assistant-${name}`);
    if (testId) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.getByTestId(testId).screenshot({ path: join(ARTIFACTS, `assistant-${name}-panel.png`) });
    }
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    demo = await createDemoCase(t.server.cases, t.server.accounts);
    // The session is in drafting with no waiting room, as when the mediator works on the agreement.
    await t.server.store.updateRoomState(demo.caseId, { lobby: false, phase: 'drafting' });
    browser = await launchChromium();
    mediator = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    borrower = await (
      await browser.newContext({
        locale: 'zh-CN',
        viewport: { width: 375, height: 740 },
        isMobile: true,
        hasTouch: true,
      })
    ).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the mediator reads the complaint, its facts and the kind of dispute in plain words', async () => {
    await enter(mediator, demo.invites.mediator);
    const panel = mediator.getByTestId('assistant');
    await panel.getByTestId('assistant-facts').waitFor();
    const text = await panel.innerText();
    expect(text).toContain('调解助手判断为“费用与收费”');
    expect(text).toContain('人民币 800.00 元');
    expect(text).toContain('争议金额（表单填写）：人民币 1,280.00 元');
    expect(text).toContain('提前还款违约金');
    expect(text).toContain('不构成法律意见');
    expect(text).not.toMatch(RAW);
    // Each fact's span is highlighted in the complaint's text.
    expect(await panel.locator('mark.fact-span').count()).toBeGreaterThan(3);
    expect(await panel.getByTestId('fact-span-0').innerText()).toBe('人民币30,000元');
  });

  it('corrects a figure, edits one clause into the agreement and drops another (asked first)', async () => {
    const panel = mediator.getByTestId('assistant');
    const found = panel.locator('[data-testid^="fact-"][data-kind="amount"]', { hasText: '人民币 800.00 元' });
    // The row by its place: while edited it shows a form, not the figure.
    const fee = panel.getByTestId((await found.getAttribute('data-testid')) ?? '');
    await fee.getByTestId('fact-edit').click();
    await fee.getByTestId('fact-value').fill('900');
    await fee.getByTestId('fact-save').click();
    const corrected = panel.locator('[data-testid^="fact-"][data-kind="amount"]', { hasText: '人民币 900.00 元' });
    await expect.poll(() => corrected.innerText()).toContain('已更正');
    expect(await corrected.innerText()).toContain('原文“人民币800元”');
    expect(await panel.getByTestId('assistant-type').innerText()).not.toMatch(RAW);

    // Edit the first clause and put it into the agreement.
    const first = panel.getByTestId('proposal-fees.explain');
    await first.getByTestId('proposal-edit').click();
    const edited = '平台应于本协议签订之日起5个工作日内，书面说明提前还款违约金和服务费的收取依据及计算方式。';
    await first.getByTestId('proposal-text').fill(edited);
    await shot(mediator, 'edit-desktop', 'assistant');
    await first.getByTestId('proposal-accept-edited').click();
    await expect.poll(() => first.getAttribute('data-decision')).toBe('edited');
    await expect.poll(() => mediator.getByTestId('agreement-editor').innerText()).toContain(edited);

    // Drop the last: the page asks first; cancelling changes nothing.
    const last = panel.getByTestId('proposal-fees.withdraw');
    await last.getByTestId('proposal-drop').click();
    await mediator.getByTestId('confirm-cancel').click();
    expect(await last.getAttribute('data-decision')).toBe('none');
    await last.getByTestId('proposal-drop').click();
    expect(await mediator.getByTestId('confirm-dialog').innerText()).toContain('履行后撤回投诉');
    await mediator.getByTestId('confirm-ok').click();
    await expect.poll(() => last.getAttribute('data-decision')).toBe('dropped');
    expect(await last.innerText()).toContain('已于');

    // The clause list shows where the clause came from.
    const mark = mediator.locator('[data-testid$="-provenance"]');
    await expect.poll(() => mark.count()).toBe(1);
    expect(await mark.innerText()).toContain('来自调解助手建议');
    expect(await panel.innerText()).not.toMatch(RAW);
    await shot(mediator, 'mediator-desktop', 'assistant');
  });

  it('the borrower, on a phone, sees the clause in the agreement marked as from the proposal, edited', async () => {
    await enter(borrower, demo.invites.customer);
    // Not the borrower's panel: the proposal is the mediator's working tool.
    expect(await borrower.getByTestId('assistant').count()).toBe(0);
    const mark = borrower.locator('[data-testid$="-provenance"]');
    await expect.poll(() => mark.count()).toBe(1);
    const clause = borrower.locator('[data-testid^="clause-"][data-clause-id]', { has: mark });
    expect(await clause.innerText()).toContain('书面说明提前还款违约金');
    expect(await mark.innerText()).toBe('来自调解助手建议 · 经调解员修改');
    expect(await borrower.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await mark.scrollIntoViewIfNeeded();
    await shot(borrower, 'borrower-375');
    await clause.screenshot({ path: join(ARTIFACTS, 'assistant-borrower-375-clause.png') });
  });

  it('a clause changed in the agreement afterwards says so, on every screen', async () => {
    const editor = mediator.getByTestId('agreement-editor');
    await editor.getByText('书面说明提前还款违约金', { exact: false }).click();
    await mediator.keyboard.press('End');
    await mediator.keyboard.type('（附费用明细）');
    const mark = borrower.locator('[data-testid$="-provenance"]');
    await expect.poll(() => mark.getAttribute('data-changed')).toBe('true');
    expect(await mark.innerText()).toBe('来自调解助手建议 · 经调解员修改 · 加入后在协议中有改动');
  });

  it('a staff mediator prepares on the case page before the session: the panel is there, nothing goes in yet', async () => {
    const call = httpClient(() => t.url);
    const password = 'correct horse battery';
    const lenderId = (await t.server.accounts.createLender(null, '乙消费金融有限公司')).id;
    const staff: Record<string, { id: string; token: string }> = {};
    for (const [username, staffRole] of [
      ['e2e.reviewer', 'reviewer'],
      ['e2e.mediator', 'mediator'],
      ['e2e.lender', 'platform'],
    ] as const) {
      const user = await t.server.cases.createStaff(null, {
        username,
        displayName: staffRole === 'mediator' ? '赵调解员' : username,
        staffRole,
        password,
        ...(staffRole === 'platform' ? { lenderId } : {}),
      });
      const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, { username, password });
      staff[staffRole] = { id: user.id, token: login.body.token };
    }
    const filed = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId }), [{ name: '合同.pdf', data: pdf() }]),
    );
    const c = filed.body.caseId;
    for (const [step, token, body] of [
      ['review', staff.reviewer?.token, { decision: 'start' }],
      ['review', staff.reviewer?.token, { decision: 'accept', platformUserId: staff.platform?.id }],
      ['assign', staff.reviewer?.token, { mediatorUserId: staff.mediator?.id }],
    ] as const) {
      expect((await call('POST', `/api/cases/${c}/${step}`, token, body)).status, step).toBe(200);
    }
    const page = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
    ).newPage();
    await page.goto(`${t.url}/login`);
    await page.locator('input[autocomplete="username"]').fill('e2e.mediator');
    await page.locator('input[autocomplete="current-password"]').fill(password);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname !== '/login');
    // From the home page's list of cases, by clicking, to the case page.
    await page.getByTestId('my-cases').getByRole('button').first().click();
    const panel = page.getByTestId('assistant');
    await panel.getByTestId('assistant-facts').waitFor();
    expect(await panel.getByTestId('assistant-closed').innerText()).toContain('起草阶段');
    expect(await panel.getByTestId('proposal-fees.explain').getByTestId('proposal-accept').isDisabled()).toBe(true);
    expect(await panel.innerText()).not.toMatch(RAW);
    await shot(page, 'staff-mediator-desktop', 'assistant');
  });
});
