import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';

/** The feed's term changes; on a phone it is on the people tab, and the terms on the agreement tab after. */
const feed = async (p: Page) => {
  await openRoomTab(p, 'people');
  const texts = await p.locator('[data-testid="activity"] li[data-kind="terms.changed"]').allInnerTexts();
  await openRoomTab(p, 'agreement');
  return texts;
};
const field = (p: Page, key: string) => p.getByTestId(`term-${key}`);
const changedBy = (p: Page, key: string) => p.getByTestId(`term-${key}-changed`);

/**
 * Issue 16, the room's rough edges: each term says who last changed it and when, someone typing into
 * a term another person changes is told and chooses, a value replaced in an offline merge is named
 * with who replaced it, and every change is in the feed.
 */
describe.skipIf(!chromiumOrSkip())('settlement term history, in real Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  let phone: BrowserContext;
  let customer: Page;
  let platform: Page;
  let mediator: Page;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    c = await t.createCase('Term history');
    browser = await launchChromium();
    // The customer on a phone in Chinese, the platform's representative in Chinese, the mediator in English.
    phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 } });
    const office = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const desk = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    customer = await phone.newPage();
    platform = await office.newPage();
    mediator = await desk.newPage();
    for (const [page, role] of [
      [customer, 'customer'],
      [platform, 'platform'],
      [mediator, 'mediator'],
    ] as const) {
      page.on('pageerror', (err) => console.error(`[${role}] page error:`, err));
      await page.goto(c.inviteUrls[role]);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
      await openRoomTab(page, 'agreement');
      await field(page, 'amountAgreedCents').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows who last changed a term and when, and the change in everyone’s feed', async () => {
    await field(mediator, 'amountAgreedCents').fill('500');
    await field(mediator, 'amountAgreedCents').press('Enter');
    await expect.poll(() => field(customer, 'amountAgreedCents').inputValue()).toBe('500.00');
    // Under the field, in the page's language, the time written by Intl (no ISO string).
    await expect
      .poll(() => changedBy(customer, 'amountAgreedCents').innerText())
      .toContain(`最后由 ${NAMES.mediator} 修改于`);
    const line = await changedBy(customer, 'amountAgreedCents').innerText();
    expect(line).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await expect
      .poll(() => changedBy(mediator, 'amountAgreedCents').innerText())
      .toContain(`Last changed by ${NAMES.mediator}`);
    await expect
      .poll(() => feed(customer))
      .toEqual([expect.stringContaining(`${NAMES.mediator} 将 同意支付金额 设为 ¥500.00`)]);
    await expect
      .poll(() => feed(mediator))
      .toEqual([expect.stringContaining(`${NAMES.mediator} set the amount agreed to ¥500.00`)]);
    // A term nobody changed says nothing of the kind.
    expect(await changedBy(customer, 'feesWaivedCents').count()).toBe(0);
    await screenshot(customer, 'terms-last-changed');
  });

  it('tells someone typing into a term that it just changed; “keep mine” writes theirs over, traced', async () => {
    // The customer is typing 800 (not saved: no blur, no Enter) when the mediator saves 900.
    await field(customer, 'amountAgreedCents').fill('800');
    await field(mediator, 'amountAgreedCents').fill('900');
    await field(mediator, 'amountAgreedCents').press('Enter');
    const notice = customer.getByTestId('term-amountAgreedCents-conflict');
    await notice.waitFor();
    expect(await notice.innerText()).toContain(
      `${NAMES.mediator} 刚刚把此项改为 ¥900.00，而您正在编辑；您填写的 ¥800.00 尚未保存。`,
    );
    // What was typed is still there, not swept away by the change.
    expect(await field(customer, 'amountAgreedCents').inputValue()).toBe('800');
    await screenshot(customer, 'terms-conflict-notice');
    await notice.getByRole('button', { name: '保留我的（¥800.00）' }).click();
    await expect.poll(() => field(mediator, 'amountAgreedCents').inputValue()).toBe('800.00');
    await expect
      .poll(() => changedBy(mediator, 'amountAgreedCents').innerText())
      .toContain(`Last changed by ${NAMES.customer}`);
    expect(await notice.count()).toBe(0);
    // Both values are in the feed, in order.
    await expect
      .poll(() => feed(platform))
      .toEqual([
        expect.stringContaining(`${NAMES.customer} 将 同意支付金额 从 ¥900.00 改为 ¥800.00`),
        expect.stringContaining(`${NAMES.mediator} 将 同意支付金额 从 ¥500.00 改为 ¥900.00`),
        expect.stringContaining(`${NAMES.mediator} 将 同意支付金额 设为 ¥500.00`),
      ]);
  });

  it('“take theirs” drops what was typed, and leaving the field then writes nothing', async () => {
    await field(platform, 'instalments').fill('6');
    await field(mediator, 'instalments').fill('12');
    await field(mediator, 'instalments').press('Enter');
    const notice = platform.getByTestId('term-instalments-conflict');
    await notice.waitFor();
    expect(await notice.innerText()).toContain(`${NAMES.mediator} 刚刚把此项改为 12`);
    // Leaving the field while the notice waits for a choice saves nothing.
    await field(platform, 'conditions').click();
    expect(await notice.isVisible()).toBe(true);
    await notice.getByRole('button', { name: '采用对方的（12）' }).click();
    await expect.poll(() => field(platform, 'instalments').inputValue()).toBe('12');
    await expect
      .poll(() => feed(customer))
      .toEqual([
        expect.stringContaining(`${NAMES.mediator} 将 分期期数 设为 12`),
        ...Array<unknown>(3).fill(expect.any(String)),
      ]);
    // Nothing of the 6 reached the document or the log.
    const log = await t.server.audit.all(c.caseId);
    expect(log.filter((e) => e.kind === 'terms.changed')).toHaveLength(4);
    expect(await field(mediator, 'instalments').inputValue()).toBe('12');
  });

  it('an offline edit merged later: the replaced value is named with who replaced it, and both are in the feed', async () => {
    await phone.setOffline(true);
    await customer.locator('[data-testid="connection"] [data-state="offline"]').waitFor();
    await field(customer, 'feesWaivedCents').fill('250');
    await field(customer, 'feesWaivedCents').press('Enter');
    await field(mediator, 'feesWaivedCents').fill('300');
    await field(mediator, 'feesWaivedCents').press('Enter');
    await expect
      .poll(() => feed(mediator))
      .toContainEqual(expect.stringContaining(`${NAMES.mediator} set the fees waived to ¥300.00`));
    await phone.setOffline(false);
    await customer.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    // Both copies converge on one value (Yjs decides which), and each change is in the feed.
    const final = await expect
      .poll(async () => {
        const [a, b] = [
          await field(customer, 'feesWaivedCents').inputValue(),
          await field(mediator, 'feesWaivedCents').inputValue(),
        ];
        return a === b ? a : null;
      })
      .not.toBeNull()
      .then(() => field(mediator, 'feesWaivedCents').inputValue());
    expect(['250.00', '300.00']).toContain(final);
    const customerWon = final === '250.00';
    await expect
      .poll(() => feed(platform))
      .toContainEqual(
        expect.stringContaining(
          customerWon
            ? `${NAMES.customer} 将 减免费用 从 ¥300.00 改为 ¥250.00（与 ${NAMES.mediator} 同时修改，替换了 ${NAMES.mediator} 填写的 ¥300.00）`
            : `${NAMES.customer} 与 ${NAMES.mediator} 同时修改了 减免费用：${NAMES.customer} 填写的 ¥250.00 未被采用，保留了 ${NAMES.mediator} 的 ¥300.00`,
        ),
      );
    expect(await feed(platform)).toContainEqual(expect.stringContaining(`${NAMES.mediator} 将 减免费用 设为 ¥300.00`));
    // Whoever lost a value is told by whom; the other is not.
    const [loser, winner] = customerWon ? [mediator, customer] : [customer, mediator];
    const replaced = loser.getByTestId('term-feesWaivedCents-replaced');
    await replaced.waitFor();
    expect(await replaced.innerText()).toContain(
      customerWon
        ? `Your value ¥300.00 was replaced by ${NAMES.customer}’s ¥250.00`
        : `您填写的 ¥250.00 已被 ${NAMES.mediator} 的 ¥300.00 取代`,
    );
    expect(await winner.getByTestId('term-feesWaivedCents-replaced').count()).toBe(0);
    await screenshot(loser, 'terms-offline-replaced');
    // "Last changed by" follows the value the term holds.
    await expect
      .poll(() => changedBy(platform, 'feesWaivedCents').innerText())
      .toContain(`最后由 ${customerWon ? NAMES.customer : NAMES.mediator} 修改于`);
    // Dismissed, it stays dismissed after a reload.
    await replaced.getByRole('button', { name: customerWon ? 'OK' : '知道了' }).click();
    expect(await replaced.count()).toBe(0);
    await loser.reload();
    await openRoomTab(loser, 'agreement');
    await field(loser, 'feesWaivedCents').waitFor();
    await loser
      .locator('[data-testid="activity"] li[data-kind="terms.changed"]')
      .first()
      .waitFor({ state: 'attached' });
    expect(await loser.getByTestId('term-feesWaivedCents-replaced').count()).toBe(0);
  });
});
