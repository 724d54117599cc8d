import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { computePlan, dateText, formatCents, type PlanInput } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

/** Types a value into a term or plan input and saves it (Enter), as a person does. */
async function set(p: Page, testId: string, value: string): Promise<void> {
  await p.getByTestId(testId).fill(value);
  await p.getByTestId(testId).press('Enter');
}

/**
 * Issue 18, the repayment plan in the terms panel: proposed by one person, computed live on every
 * device from the agreement's terms (the schedule, its totals and its cost are the shared calculator's,
 * to the cent), flagged above the caps, missing inputs named in words, and readable on a phone.
 */
describe.skipIf(!chromiumOrSkip())('the repayment plan in the room, in real Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  let customer: Page;
  let mediator: Page;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    c = await t.createCase('Hardship plan');
    browser = await launchChromium();
    // The customer on a phone in Chinese, the mediator at a desk in English.
    const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 } });
    const desk = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    customer = await phone.newPage();
    mediator = await desk.newPage();
    for (const [page, role] of [
      [customer, 'customer'],
      [mediator, 'mediator'],
    ] as const) {
      page.on('pageerror', (err) => console.error(`[${role}] page error:`, err));
      await page.goto(c.inviteUrls[role]);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await openRoomTab(page, 'agreement');
      await page.getByTestId('term-amountAgreedCents').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('names what a proposed plan still needs, in words', async () => {
    await mediator.getByTestId('plan-toggle').click();
    const problems = customer.getByTestId('plan-problems');
    await problems.waitFor();
    const text = await problems.innerText();
    expect(text).toContain('请填写剩余本金。');
    expect(text).toContain('请填写分期期数。');
    expect(text).toContain('请填写首期还款日。');
    // The start date was set to today when the plan was proposed.
    expect(text).not.toContain('计划起始日');
    expect(await customer.getByTestId('plan-start').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await customer.getByTestId('plan-schedule').count()).toBe(0);
  });

  it('shows every device the same schedule as the shared calculator, to the cent, with its cost', async () => {
    await set(mediator, 'plan-start', '2027-01-01');
    await set(mediator, 'plan-principal', '12,000');
    await set(mediator, 'plan-interest', '60');
    await set(mediator, 'plan-fees', '240.50');
    await set(mediator, 'plan-rate', '7.2');
    await set(mediator, 'plan-waive-fees', '40.50');
    await set(mediator, 'term-instalments', '12');
    await set(mediator, 'term-firstDueDate', '2027-02-01');
    const input: PlanInput = {
      kind: 'equal_instalment',
      principalCents: 1_200_000,
      interestCents: 6_000,
      feesCents: 24_050,
      annualRateBp: 720,
      instalments: 12,
      holidayMonths: 0,
      firstDueDate: '2027-02-01',
      startDate: '2027-01-01',
      waiveInterestCents: 0,
      waiveFeesCents: 4_050,
    };
    const plan = computePlan(input);
    const rows = customer.locator('tr[data-testid="plan-row"]');
    await expect.poll(() => rows.count()).toBe(12);
    for (const [i, r] of plan.rows.entries()) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      expect(cells.map((s) => s.replace(/^.*\n/, '').trim())).toEqual([
        `第 ${r.n} 期`,
        dateText(r.dueDate, 'zh-CN'),
        formatCents(r.principalCents),
        formatCents(r.interestCents),
        formatCents(r.feeCents),
        formatCents(r.paymentCents),
        formatCents(r.remainingCents),
      ]);
    }
    const cost = plan.annualCost!;
    await expect
      .poll(() => customer.getByTestId('plan-cost').innerText())
      .toContain(`名义年化 ${cost.nominalPct.toFixed(2)}%，实际年化 ${cost.effectivePct.toFixed(2)}%`);
    expect(await mediator.getByTestId('plan-cost').innerText()).toContain(
      `${cost.nominalPct.toFixed(2)}% a year nominal`,
    );
    // Below the caps; no lender policy is set for this case, so nothing is flagged.
    expect(cost.nominalPct).toBeLessThan(24);
    expect(await customer.getByTestId('plan-cap').count()).toBe(0);
    expect(await customer.getByTestId('plan-breach').count()).toBe(0);
    // The phone shows the schedule without sideways scrolling.
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await customer.getByTestId('plan-schedule').scrollIntoViewIfNeeded();
    await screenshot(customer, 'plan-phone');
    await screenshot(mediator, 'plan-desk');
  });

  it('flags a plan costing more than 24 % and 36 % a year, in plain words', async () => {
    await set(mediator, 'plan-rate', '30');
    const cap = customer.getByTestId('plan-cap');
    await expect.poll(() => cap.getAttribute('data-cap')).toBe('24');
    expect(await cap.innerText()).toContain('超过 24%');
    await set(mediator, 'plan-rate', '45');
    await expect.poll(() => cap.getAttribute('data-cap')).toBe('36');
    expect(await mediator.getByTestId('plan-cap').innerText()).toContain('more than 36% a year');
  });

  it('refuses a rate that is no percentage, and words the plan in the feed', async () => {
    await mediator.getByTestId('plan-rate').fill('7.255');
    await mediator.getByTestId('plan-rate').press('Enter');
    expect(await mediator.locator('#plan-rate-error').innerText()).toMatch(/two decimals/);
    // What is stored did not change.
    expect(await customer.getByTestId('plan-rate').inputValue()).toBe('45');
    await openRoomTab(customer, 'people');
    const feed = await customer.locator('[data-testid="activity"] li[data-kind="terms.changed"]').allInnerTexts();
    await openRoomTab(customer, 'agreement');
    expect(feed.some((l) => l.includes('计划年利率') && l.includes('45%'))).toBe(true);
    expect(feed.join('\n')).not.toMatch(/planRateBp|4500|equal_instalment/);
  });

  it('withdraws the plan: the simple schedule of the terms comes back', async () => {
    await set(mediator, 'term-amountAgreedCents', '12,000');
    await mediator.getByTestId('plan-toggle').click();
    await expect.poll(() => customer.getByTestId('plan-schedule').count()).toBe(0);
    await customer.getByTestId('term-schedule').waitFor();
  });
});
