import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SealedOutcome } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { hardshipPlanRecord } from '../helpers/sealed-records';
import { startServer, type TestServer } from '../helpers/server';

/**
 * The record page's negotiation sections (format 3), through the verify page: a record file chosen in
 * the browser shows the plan's schedule, each clause's consent history, the rounds and the hardship in
 * the reader's language, on a phone as on a desktop; a format 2 record shows none of them.
 */
describe.skipIf(!chromiumOrSkip())('a format 3 record on the record page', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(locale: string, width: number, sealed: SealedOutcome): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${t.url}/verify`);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'outcome.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(sealed)),
    });
    await page.getByTestId('record').waitFor();
    return page;
  }

  it('in Chinese on a 375 px phone: every section in words, the schedule as cards, nothing wider than the screen', async () => {
    // Signed with the test server's own key: the page verifies it against the published key.
    const { sealed } = await hardshipPlanRecord('zh-CN', t.dataDir);
    const page = await open('zh-CN', 375, sealed);
    await expect.poll(() => page.getByTestId('record-verification').getAttribute('data-valid')).toBe('true');

    const rows = page.getByTestId('record-plan-row');
    await expect.poll(() => rows.count()).toBe(6);
    expect(await rows.first().innerText()).toMatch(/第 1 期[\s\S]*2027年4月15日[\s\S]*1,993\.92[\s\S]*10,150\.51/);
    expect(await page.getByTestId('record-plan-total').innerText()).toMatch(
      /合计[\s\S]*12,144\.43[\s\S]*656\.31[\s\S]*12,800\.74/,
    );
    expect(await page.getByTestId('record-plan-cost').innerText()).toContain('名义年化 14.22%，实际年化 15.19%');
    expect(await page.getByTestId('record-plan-cap').count()).toBe(0);

    const second = page.getByTestId('record-clause-2');
    expect(await second.innerText()).toContain('由申请人 王**提出');
    const consents = second.getByTestId('record-consent');
    expect(await consents.count()).toBe(3);
    expect(await consents.first().getAttribute('data-earlier')).toBe('true');
    expect(await consents.first().innerText()).toContain('平台方 李* 异议：“利息只能减免一半”（针对该条修改前的文本）');
    expect(await page.getByTestId('record-clause-3').innerText()).toContain('协议条款');
    expect(await page.getByTestId('record-round-2').innerText()).toContain(sealed.record.agreement?.fingerprint ?? 'x');
    const hardship = page.getByTestId('record-hardship');
    expect(await hardship.getAttribute('data-kind')).toBe('job_loss');
    expect(await hardship.innerText()).toMatch(/失业[\s\S]*解除劳动合同证明\.pdf/);

    // On screen: words, not stored values; times in words, never ISO.
    const shown = await page.getByTestId('record').innerText();
    for (const raw of ['job_loss', 'equal_instalment', 'objected', 'agreed', 'customer', '.000Z', 'T01:']) {
      expect(shown, raw).not.toContain(raw);
    }
    // The phone's width holds everything: the schedule's rows are cards, not a table to scroll.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const table = await page.getByTestId('record-plan-schedule').boundingBox();
    expect(table?.width).toBeLessThanOrEqual(375);
    await screenshot(page, 'record-negotiation-phone-zh');
    await page.context().close();
  });

  it('in English on a desktop: the schedule as a table with its header, a cost above a cap flagged', async () => {
    const { sealed: base } = await hardshipPlanRecord('en', t.dataDir);
    // Rendering does not depend on the signature: a record with a costlier plan (it no longer verifies).
    const terms = base.record.terms && { ...base.record.terms, planRateBp: 4000 };
    const sealed = { ...base, record: { ...base.record, terms } };
    const page = await open('en-GB', 1280, sealed);
    await expect.poll(() => page.getByTestId('record-verification').getAttribute('data-valid')).toBe('false');
    const header = await page.getByTestId('record-plan-schedule').locator('thead').innerText();
    expect(header.replace(/\s+/g, ' ')).toContain(
      'Instalment Due date Principal Interest Fees Payment Principal remaining',
    );
    expect(await page.getByTestId('record-plan-row').nth(5).innerText()).toContain('15 September 2027');
    expect(
      await page.getByTestId('record-plan-cap').evaluateAll((els) => els.map((e) => e.getAttribute('data-cap'))),
    ).toEqual(['24', '36']);
    expect(await page.getByTestId('record-clause-2').innerText()).toContain(
      'Platform 李* objected: “only half the interest” (given to an earlier text of the clause)',
    );
    expect(await page.getByTestId('record-hardship').innerText()).toContain('Job loss');
    await screenshot(page, 'record-negotiation-desktop-en');
    await page.context().close();
  });

  it('a format 2 record shows none of these sections', async () => {
    const old = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/outcome/format-2.json'), 'utf8')) as {
      sealed: SealedOutcome;
    };
    const page = await open('zh-CN', 375, old.sealed);
    await page.getByTestId('record-agreement-text').waitFor();
    for (const id of ['record-plan', 'record-clauses', 'record-rounds', 'record-hardship']) {
      expect(await page.getByTestId(id).count(), id).toBe(0);
    }
    await page.context().close();
  });
});
