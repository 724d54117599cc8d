import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium } from '../helpers/browser';
import { fileComplaint, staffAccounts, STAFF_PASSWORD } from '../helpers/cases';
import { repoRoot } from '../helpers/process';
import { NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';
import { phoneScreenshot, report, violationsAtWidths } from './a11y-support';
import { agreeEveryClause } from './consent-support';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];

/**
 * axe-core on every page of the client and every phase of the room, in Chinese, at a phone's width and
 * a desktop's: no serious or critical violation (contrast, names, labels, roles, structure). Each test
 * collects what it finds on all its pages and fails once, listing them all.
 */
describe.skipIf(!chromiumOrSkip())('accessibility (axe-core): every page and every room phase, zh-CN', () => {
  let t: TestServer;
  let browser: Browser;
  let lenderId: string;
  let filed: IntakeResult;
  let c: TestCase;
  const pages = {} as Record<Party, Page>;
  const contexts: BrowserContext[] = [];

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融有限公司')).id;
    await staffAccounts(t, 'a11y', {
      admin: ['admin', undefined, '王主任'],
      rep: ['platform', lenderId, '王经理'],
    });
    const mediator = await staffAccounts(t, 'a11y', { mediator: ['mediator', undefined, '张律师'] });
    await t.server.store.putMediatorProfile({
      userId: mediator.ids.mediator,
      organisation: '北京金融纠纷调解中心',
      languages: ['zh-CN'],
      specialities: ['fees'],
    });
    filed = (await fileComplaint(t.url, lenderId)).filed;
    c = await t.createCase('服务费争议', { lobby: true, phase: 'scheduled' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('public pages: home, sign-in, complaint form, verify, join, tracking, not found', async () => {
    const page = await newPage();
    const found: string[] = [];
    const at = async (path: string, ready: (p: Page) => Promise<unknown>, name: string) => {
      await page.goto(`${t.url}${path}`);
      await ready(page);
      found.push(...(await violationsAtWidths(page, name)));
    };
    await at('/', (p) => p.getByTestId('go-complain').waitFor(), 'home');
    await at('/login', (p) => p.getByLabel('用户名').waitFor(), 'login');
    await at('/complain', (p) => p.getByRole('button', { name: '提交投诉' }).waitFor(), 'complain');
    // The form's errors, as a person who submits it empty meets them.
    await page.getByRole('button', { name: '提交投诉' }).click();
    found.push(...(await violationsAtWidths(page, 'complain (submitted empty)')));
    await phoneScreenshot(page, 'a11y-complain-errors-zh');
    await at('/verify', (p) => p.locator('input[type="file"]').waitFor({ state: 'attached' }), 'verify');
    await at('/no-such-page', (p) => p.getByTestId('not-found').waitFor(), 'not-found');
    await at('/join/not-an-invite', (p) => p.getByRole('alert').waitFor(), 'join (refused)');
    // A fresh invite shows its PIN once.
    const other = await t.server.cases.createCaseAsSystem({
      title: '另一争议',
      category: 'fees_and_charges',
      amountInDisputeCents: 10_000,
    });
    const invite = await t.server.cases.createInviteAsSystem(other.id, { role: 'customer', displayName: '赵先生' });
    await page.goto(invite.url);
    await page.getByTestId('pin-notice').waitFor();
    found.push(...(await violationsAtWidths(page, 'join (PIN)')));
    // The tracking page, before and after its PIN.
    await at(new URL(filed.trackingUrl).pathname, (p) => p.getByLabel('PIN 码').waitFor(), 'track (sign-in)');
    await page.getByLabel('PIN 码').fill(filed.pin);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('progress').waitFor();
    found.push(...(await violationsAtWidths(page, 'track')));
    await phoneScreenshot(page, 'a11y-track-zh');
    expect(found, report(found)).toEqual([]);
  });

  it('staff pages: queue, a case, mediators, accounts, dashboard, home signed in', async () => {
    const page = await newPage();
    const found: string[] = [];
    await page.goto(`${t.url}/login`);
    await page.getByLabel('用户名').fill('a11y.admin');
    await page.getByLabel('密码').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('staff-nav').waitFor();
    const at = async (path: string, testId: string, name: string) => {
      await page.goto(`${t.url}${path}`);
      await page.getByTestId(testId).waitFor();
      found.push(...(await violationsAtWidths(page, name)));
    };
    await at('/staff', 'queue-table', 'queue');
    await phoneScreenshot(page, 'a11y-queue-zh');
    await at(`/staff/cases/${filed.caseId}`, 'staff-case', 'staffCase');
    await at('/admin/mediators', 'mediators', 'mediators');
    await at('/admin/accounts', 'accounts', 'accounts');
    await at('/staff/dashboard', 'dashboard', 'dashboard');
    await page.goto(`${t.url}/`);
    await page.getByTestId('staff-nav').waitFor();
    await page.locator('main#main h1, main#main h2').first().waitFor();
    found.push(...(await violationsAtWidths(page, 'home (staff)')));
    await phoneScreenshot(page, 'a11y-home-staff-zh');
    expect(found, report(found)).toEqual([]);
  });

  it('the room: waiting room, opening, joint session, caucus, drafting (customer and mediator)', async () => {
    const found: string[] = [];
    for (const party of PARTIES) pages[party] = await newPage();
    const { customer, platform, mediator } = pages;
    await mediator.goto(c.inviteUrls.mediator);
    await mediator.getByTestId('moderation').waitFor();
    await customer.goto(c.inviteUrls.customer);
    await customer.getByTestId('lobby').waitFor();
    await platform.goto(c.inviteUrls.platform);
    await platform.getByTestId('lobby').waitFor();
    await mediator.getByTestId('admit-customer').waitFor();
    found.push(...(await violationsAtWidths(customer, 'room lobby (customer)')));
    found.push(...(await violationsAtWidths(mediator, 'room lobby (mediator)')));
    await mediator.getByTestId('admit-customer').click();
    await mediator.getByTestId('admit-platform').click();
    await customer.getByTestId('agreement-editor').waitFor();
    await platform.getByTestId('agreement-editor').waitFor();

    await mediator.getByTestId('phase-opening').click();
    await expect.poll(() => customer.getByTestId('room-banner').getAttribute('data-phase')).toBe('opening');
    found.push(...(await violationsAtWidths(customer, 'room opening (customer)')));

    await mediator.getByTestId('phase-joint').click();
    await expect.poll(() => customer.getByTestId('room-banner').getAttribute('data-phase')).toBe('joint');
    await customer.locator('#chat-input').fill('我希望退还服务费。');
    await customer.locator('#chat-input').press('Enter');
    await expect.poll(() => mediator.getByTestId('messages').innerText()).toContain('退还服务费');
    found.push(...(await violationsAtWidths(customer, 'room joint (customer)')));
    found.push(...(await violationsAtWidths(mediator, 'room joint (mediator)')));

    await mediator.getByTestId('caucus-customer').click();
    await customer.getByTestId('caucus-panel').waitFor();
    await expect.poll(() => platform.getByTestId('caucus-status').count()).toBeGreaterThan(0);
    found.push(...(await violationsAtWidths(customer, 'room caucus (customer)')));
    found.push(...(await violationsAtWidths(platform, 'room caucus (the other party)')));
    found.push(...(await violationsAtWidths(mediator, 'room caucus (mediator)')));
    await phoneScreenshot(customer, 'a11y-room-caucus-customer-zh');
    await mediator.getByTestId('close-caucus').click();
    await expect.poll(() => customer.getByTestId('caucus-panel').count()).toBe(0);

    await mediator.getByTestId('phase-drafting').click();
    await expect.poll(() => customer.getByTestId('agreement-editor').getAttribute('contenteditable')).toBe('true');
    await mediator.getByTestId('agreement-editor').click();
    await mediator.keyboard.type('平台于2026年12月31日前退还服务费480元；王女士撤回投诉。');
    await mediator.getByTestId('term-feesWaivedCents').fill('480');
    await mediator.getByTestId('term-feesWaivedCents').press('Enter');
    await mediator.getByTestId('term-amountAgreedCents').fill('480');
    await mediator.getByTestId('term-amountAgreedCents').press('Enter');
    await expect.poll(() => customer.getByTestId('term-amountAgreedCents').inputValue()).toBe('480.00');
    found.push(...(await violationsAtWidths(customer, 'room drafting (customer)')));
    found.push(...(await violationsAtWidths(mediator, 'room drafting (mediator)')));
    await phoneScreenshot(customer, 'a11y-room-drafting-customer-zh');
    expect(found, report(found)).toEqual([]);
  });

  it('the room: signing and sealed, then the record page', async () => {
    const found: string[] = [];
    const { customer, mediator } = pages;
    await agreeEveryClause(pages, mediator);
    await expect.poll(() => mediator.getByTestId('phase-signing').isEnabled()).toBe(true);
    await mediator.getByTestId('phase-signing').click();
    for (const party of PARTIES) await pages[party].getByTestId('frozen-text').waitFor();
    found.push(...(await violationsAtWidths(customer, 'room signing (customer)')));
    found.push(...(await violationsAtWidths(mediator, 'room signing (mediator)')));
    for (const party of PARTIES) {
      const page = pages[party];
      const form = page.locator('.sign-form');
      await form.locator('input[autocomplete="name"]').fill(NAMES[party]);
      await form.locator('input[type="password"]').fill(c.pins[party]);
      await form.locator('input[type="checkbox"]').check();
      await page.getByTestId('sign').click();
      await expect.poll(() => mediator.getByTestId(`signer-${party}`).getAttribute('data-signed')).toBe('true');
      if (party === 'customer') {
        // Between signatures: signed, the others not yet; and the mediator's confirm dialog open.
        found.push(...(await violationsAtWidths(customer, 'room signing, signed (customer)')));
        await mediator.getByTestId('phase-drafting').click();
        await mediator.getByTestId('confirm-dialog').waitFor();
        found.push(...(await violationsAtWidths(mediator, 'room confirm dialog (mediator)')));
        await mediator.getByTestId('confirm-cancel').click();
        await mediator.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
      }
    }
    for (const party of PARTIES) await pages[party].getByTestId('sealed').waitFor();
    found.push(...(await violationsAtWidths(customer, 'room sealed (customer)')));
    found.push(...(await violationsAtWidths(mediator, 'room sealed (mediator)')));
    await phoneScreenshot(customer, 'a11y-room-sealed-customer-zh');

    await customer.goto(`${t.url}/cases/${c.caseId}/record`);
    await expect.poll(() => customer.getByTestId('record-verification').getAttribute('data-valid')).toBe('true');
    found.push(...(await violationsAtWidths(customer, 'record')));
    expect(found, report(found)).toEqual([]);
  });
});
