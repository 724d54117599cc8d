import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { AgreementDoc, computePlan, readTermsMap, termsPlan, verifyOutcome, type SealedOutcome } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { pdf } from '../helpers/files';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { NAMES, makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';
import { agreeEveryClause } from './consent-support';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];
const SIGNERS = ['customer', 'platform'] as const;
/** The borrower on a phone in Chinese; the lender's representative and the mediator at desks. */
const DEVICE: Record<Party, Parameters<Browser['newContext']>[0]> = {
  customer: { locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
  platform: { locale: 'en-US', viewport: { width: 1280, height: 900 } },
  mediator: { locale: 'zh-CN', viewport: { width: 1280, height: 900 } },
};

/** Types into a terms field and commits it, as a person does. */
async function setField(page: Page, testId: string, value: string): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

describe.skipIf(!chromiumOrSkip())(
  'a hardship plan worked out in the room, agreed clause by clause and signed, in Chromium',
  () => {
    let t: TestServer;
    let c: TestCase;
    let browser: Browser;
    const pages = {} as Record<Party, Page>;
    const shoot = (p: Party, name: string) => screenshot(pages[p], `negotiation-${name}-${p}`);

    beforeAll(async () => {
      if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
      t = await startServer();
      c = await t.createCase('逾期借款分期还款', { lobby: false, phase: 'joint' });
      browser = await launchChromium();
      for (const party of PARTIES) {
        const context = await browser.newContext(DEVICE[party]);
        pages[party] = await context.newPage();
        await pages[party].goto(c.inviteUrls[party]);
        await openRoomTab(pages[party], 'agreement');
        await pages[party].getByTestId('agreement-editor').waitFor();
      }
    });

    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('the borrower declares a job loss with proof from the room; the mediator and the lender see it', async () => {
      const page = pages.customer;
      await openRoomTab(page, 'people');
      await page.getByTestId('hardship-declare').click();
      await page.getByTestId('hardship-kind').selectOption('job_loss');
      await page.getByTestId('hardship-since').fill('2026-09-30');
      await page
        .getByTestId('hardship-description')
        .fill('公司于9月底裁员，我失去了工作，目前每月只有失业金收入，无法按原计划还款。');
      const proof = join(makeTempDir('accord-e2e-proof-'), '解除劳动合同通知书.pdf');
      writeFileSync(proof, pdf('Notice of termination of employment'));
      await page.getByTestId('hardship-files').setInputFiles(proof);
      await shoot('customer', 'hardship-form');
      await page.getByTestId('hardship-submit').click();
      // The proof joins the case's evidence for good: the page asks first.
      await page.getByTestId('confirm-ok').click();
      for (const party of PARTIES) {
        await expect
          .poll(() => pages[party].getByTestId('hardship-view').first().getAttribute('data-kind'))
          .toBe('job_loss');
      }
      await shoot('mediator', 'hardship-seen');
    });

    it('the lender proposes a plan in the terms panel; everyone sees the schedule and its cost update', async () => {
      await pages.mediator.getByTestId('phase-drafting').click();
      await openRoomTab(pages.customer, 'agreement');
      const m = pages.mediator;
      await m.getByTestId('agreement-editor').click();
      await m.keyboard.type('因申请人失业，双方同意按下列还款计划分期偿还剩余欠款。');
      await m.keyboard.press('Enter');
      await m.keyboard.type('平台减免全部逾期费用，申请人按期还款后不再另收任何费用。');

      const p = pages.platform;
      await p.getByTestId('plan-toggle').click();
      await p.getByTestId('plan-kind').selectOption('equal_instalment');
      await setField(p, 'plan-principal', '12000');
      await setField(p, 'plan-interest', '600');
      await setField(p, 'plan-fees', '300');
      await setField(p, 'plan-rate', '7.2');
      await setField(p, 'plan-holiday', '2');
      await setField(p, 'plan-waive-fees', '300');
      await setField(p, 'term-instalments', '12');
      await p.getByTestId('term-firstDueDate').fill('2027-03-15');
      await p.getByTestId('term-firstDueDate').press('Enter');

      // What the server stores is what everyone computes: the same schedule on every screen.
      await expect.poll(async () => termsPlan(await storedTerms()).state).toBe('ready');
      const stored = termsPlan(await storedTerms());
      if (stored.state !== 'ready') throw new Error('the stored plan is not ready');
      const plan = computePlan(stored.input);
      for (const party of PARTIES) {
        await expect.poll(() => pages[party].getByTestId('plan-row').count()).toBe(12);
        expect(await pages[party].getByTestId('plan-cost').innerText()).toMatch(/%/);
      }
      expect(plan.rows).toHaveLength(12);
      // A change shows at once on the other screens.
      await setField(p, 'term-instalments', '18');
      await expect.poll(() => pages.customer.getByTestId('plan-row').count()).toBe(18);
      await shoot('customer', 'plan-phone');
      await shoot('platform', 'plan-desktop');
    });

    it('both parties agree clause by clause; an edit resets consent; signing opens only then', async () => {
      const m = pages.mediator;
      await expect.poll(() => m.locator('[data-testid^="clause-"][data-clause-id]').count()).toBe(3);
      expect(await m.getByTestId('phase-signing').isDisabled()).toBe(true);

      // The borrower objects to the second clause, with a reason.
      const cu = pages.customer;
      await cu.getByTestId('clause-2-object').click();
      await cu.getByTestId('clause-2-reason').fill('请写明减免的具体金额');
      await cu.getByTestId('clause-2-object-send').click();
      await expect.poll(() => m.getByTestId('clause-2').getAttribute('data-customer')).toBe('objected');
      await shoot('mediator', 'objection');

      for (const party of SIGNERS) {
        for (const n of [1, 2, 3]) {
          if (party === 'customer' && n === 2) continue;
          await pages[party].getByTestId(`clause-${n}-agree`).click();
          await expect.poll(() => m.getByTestId(`clause-${n}`).getAttribute(`data-${party}`)).toBe('agreed');
        }
      }
      // The mediator rewords clause 2: the lender's agreement to the old text no longer counts.
      await m.getByTestId('agreement-editor').getByText('平台减免全部逾期费用').click();
      await m.keyboard.press('End');
      await m.keyboard.type('减免金额为人民币300元。');
      await expect.poll(() => m.getByTestId('clause-2').getAttribute('data-platform')).toBe('pending');
      await expect.poll(() => pages.platform.getByTestId('clause-2-reset').count()).toBeGreaterThan(0);
      await shoot('platform', 'consent-reset');

      // The mediator closes the first round.
      await m.getByTestId('round-close').click();
      await m.getByTestId('confirm-ok').click();
      for (const party of PARTIES) await pages[party].getByTestId('round-1').waitFor();

      for (const party of SIGNERS) {
        await pages[party].getByTestId('clause-2-agree').click();
        await expect.poll(() => m.getByTestId('clause-2').getAttribute(`data-${party}`)).toBe('agreed');
      }
      for (const n of [1, 2, 3])
        await expect.poll(() => m.getByTestId(`clause-${n}`).getAttribute('data-agreed')).toBe('true');
      await shoot('customer', 'consent-phone');
      await expect.poll(() => m.getByTestId('phase-signing').isEnabled()).toBe(true);
    });

    it('blind offers: each party names a number privately; they overlap and the midpoint goes into the terms', async () => {
      const m = pages.mediator;
      // The borrower would accept no less than ¥3,210.00; the lender would pay no more than ¥3,790.00.
      for (const [party, amount] of [
        ['customer', '3210'],
        ['platform', '3790'],
      ] as const) {
        const page = pages[party];
        await page.getByTestId('offer-amount').fill(amount);
        await page.getByTestId('offer-submit').click();
        await page.getByTestId('confirm-ok').click();
        await expect.poll(() => m.getByTestId('offer-status').getAttribute(`data-${party}-submitted`)).toBe('true');
      }
      await expect.poll(() => m.getByTestId('offer-result-1').getAttribute('data-overlap')).toBe('true');
      for (const party of PARTIES) {
        await expect.poll(() => pages[party].getByTestId('term-amountAgreedCents').inputValue()).toBe('3,500.00');
      }
      // Neither the mediator nor the other party ever sees an offer.
      const hidden: Record<Party, string[]> = {
        customer: ['3,790', '3790'],
        platform: ['3,210', '3210'],
        mediator: ['3,210', '3210', '3,790', '3790'],
      };
      for (const party of PARTIES) {
        const text = await pages[party].locator('body').innerText();
        for (const value of hidden[party]) expect(text).not.toContain(value);
      }
      await shoot('mediator', 'offers');

      // The terms changed since round 1: the diff shows it, and the terms clause must be agreed again.
      await m.getByTestId('round-diff-from').selectOption('1');
      await m.getByTestId('round-diff-to').selectOption('current');
      await expect.poll(() => m.getByTestId('round-diff-output').innerText()).toContain('3,500.00');
      expect(await m.getByTestId('round-diff-output').locator('ins').count()).toBeGreaterThan(0);
      await shoot('mediator', 'round-diff');
      await expect.poll(() => m.getByTestId('clause-3').getAttribute('data-agreed')).toBe('false');
      expect(await m.getByTestId('phase-signing').isDisabled()).toBe(true);
      await agreeEveryClause({ customer: pages.customer, platform: pages.platform }, m);
      await expect.poll(() => m.getByTestId('phase-signing').isEnabled()).toBe(true);
    });

    it('the frozen text carries the schedule; all three sign; the sealed record lists the consent and the round', async () => {
      await pages.mediator.getByTestId('phase-signing').click();
      for (const party of PARTIES) {
        const text = pages[party].getByTestId('frozen-text');
        await text.waitFor();
        const body = await text.innerText();
        expect(body).toContain('三、还款计划');
        expect(body).toContain('第 18 期');
        expect(body).toContain('综合年化成本');
      }
      for (const party of PARTIES) {
        const page = pages[party];
        const form = page.locator('.sign-form');
        await form.locator('input[autocomplete="name"]').fill(NAMES[party]);
        await form.locator('input[type="password"]').fill(c.pins[party]);
        await form.locator('input[type="checkbox"]').check();
        await page.getByTestId('sign').click();
        await expect.poll(() => pages.mediator.getByTestId(`signer-${party}`).getAttribute('data-signed')).toBe('true');
      }
      for (const party of PARTIES) await pages[party].getByTestId('sealed').waitFor();
      await shoot('customer', 'sealed');

      const row = await t.server.store.getOutcome(c.caseId);
      const sealed = { record: JSON.parse(row!.record) as unknown, signature: row!.signature } as SealedOutcome;
      const verified = await verifyOutcome(sealed);
      expect(verified.ok).toBe(true);
      const r = sealed.record;
      expect(r.agreement?.text).toContain('第 18 期');
      expect(r.agreement?.text).toContain('同意支付金额：人民币 3,500.00 元');
      expect(r.clauses).toHaveLength(3);
      const second = r.clauses!.find((cl) => cl.number === 2)!;
      // Objected, agreed to the old text (lender), then both agreed to the reworded one.
      expect(second.history.map((h) => `${h.role}:${h.state}:${h.hash === second.hash}`)).toEqual([
        'customer:objected:false',
        'platform:agreed:false',
        'customer:agreed:true',
        'platform:agreed:true',
      ]);
      expect(r.rounds).toHaveLength(1);
      expect(r.hardship?.kind).toBe('job_loss');
    });

    /** The terms as the server stored them (what the signed text is made from). */
    async function storedTerms() {
      const stored = await t.server.store.loadDoc(c.caseId);
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u.data);
      const terms = readTermsMap(doc.getMap(AgreementDoc.terms));
      doc.destroy();
      return terms;
    }
  },
);
