import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { IntakeResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { fileComplaint } from '../helpers/cases';
import { courtWorld, type CourtWorld } from '../helpers/court-package';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { passRightsGate } from '../helpers/rights';
import { startServer, type TestServer } from '../helpers/server';

/**
 * The borrower's tracking page on a phone (375 px, Chinese): the next step at the top for each stage
 * of the case, the tracking link and the signing PIN copied to the clipboard, the room entered from
 * the PIN, and after the settlement the sealed record opened from the page with the tracking
 * sign-in alone. Then the same page on a desktop in English.
 */
describe.skipIf(!chromiumOrSkip())('the tracking page, on a phone, in Chromium', () => {
  let t: TestServer;
  let world: CourtWorld;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  let filed: IntakeResult;
  let trackingUrl = '';
  const call = httpClient(() => t.url);

  const status = () => page.getByTestId('next-step').getAttribute('data-status');
  const title = () => page.getByTestId('next-step-title').innerText();
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const noWiderThan = async (p: Page, width: number) =>
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    world = await courtWorld(t);
    ({ filed } = await fileComplaint(t.url, world.lenderId));
    trackingUrl = filed.trackingUrl.replace(/^https?:\/\/[^/]+/, t.url);
    browser = await launchChromium();
    phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true });
    await phone.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    page = await phone.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('says what the borrower waits for once filed, and copies the tracking link', async () => {
    await page.goto(trackingUrl);
    await page.getByLabel('PIN 码').fill(filed.pin);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(status).toBe('submitted');
    expect(await title()).toBe('等待调解中心审核您的投诉');
    expect(await page.getByTestId('next-step-detail').innerText()).toContain('您现在无需操作');
    // Nothing to do yet: no primary button competes with the words.
    expect(await page.getByTestId('next-step').locator('.action-primary').count()).toBe(0);
    // The next step is the first thing on the phone's screen, above the fold.
    const box = await page.getByTestId('next-step').boundingBox();
    expect((box?.y ?? 999) + (box?.height ?? 999)).toBeLessThan(740);

    await page.getByTestId('copy-link').click();
    await expect.poll(() => page.getByTestId('copy-link-status').innerText()).toContain('已复制');
    expect(await page.getByTestId('copy-link-status').getAttribute('aria-live')).toBe('polite');
    expect(await clipboard()).toBe(trackingUrl);
    await noWiderThan(page, 375);
    await screenshot(page, 'tracking-submitted-375');
  });

  it('follows review and scheduling live; the room entry is the primary button and the PIN is copied', async () => {
    const c = filed.caseId;
    const review = `/api/cases/${c}/review`;
    expect((await call('POST', review, world.tokens.reviewer, { decision: 'start' })).status).toBe(200);
    await expect.poll(status).toBe('under_review');
    const accept = { decision: 'accept', platformUserId: world.ids.lender };
    expect((await call('POST', review, world.tokens.reviewer, accept)).status).toBe(200);
    const assign = { mediatorUserId: world.ids.mediator };
    expect((await call('POST', `/api/cases/${c}/assign`, world.tokens.admin, assign)).status).toBe(200);
    await expect.poll(status).toBe('mediator_assigned');
    await expect.poll(title).toBe('调解员张调解将为您安排调解时间');
    const schedule = { startsAt: '2027-01-15T14:00:00', timeZone: 'Asia/Shanghai' };
    expect((await call('POST', `/api/cases/${c}/schedule`, world.tokens.admin, schedule)).status).toBe(200);
    await expect.poll(status).toBe('scheduled');
    // The wall-clock time as scheduled, the zone in words: no ISO, no IANA name.
    expect(await title()).toBe('您的调解定于 2027年1月15日 14:00（北京时间）');
    const enter = page.getByTestId('enter-room');
    expect(await enter.innerText()).toBe('进入调解室');
    // Large and full width on a phone: nothing else on the page looks like it.
    const size = await enter.boundingBox();
    expect(size?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(size?.width ?? 0).toBeGreaterThan(300);
    await screenshot(page, 'tracking-scheduled-375');

    await enter.click();
    const pin = page.getByTestId('room-pin');
    await pin.waitFor();
    const shown = await pin.innerText();
    // Grouped for reading: "123 456"; read out digit by digit.
    expect(shown).toMatch(/^\d{3} \d{3}$/);
    expect(await pin.getAttribute('aria-label')).toMatch(/^PIN 码 \d( \d){5}$/);
    await page.getByTestId('copy-pin').click();
    await expect.poll(() => page.getByTestId('copy-pin-status').innerText()).toContain('已复制');
    expect(await clipboard()).toBe(shown.replace(' ', ''));
    // The copy button is secondary (outlined), the way in primary (filled): never look-alikes.
    const looks = await page.evaluate(() =>
      ['copy-pin', 'enter-room-now'].map((id) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        return el ? getComputedStyle(el).backgroundColor : '';
      }),
    );
    expect(looks[0]).not.toBe(looks[1]);
    await noWiderThan(page, 375);
    await screenshot(page, 'tracking-room-pin-375');

    await page.getByTestId('enter-room-now').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/cases/${c}`);
    // The first time in: the rights and duties, acknowledged (rights.e2e.test.ts looks at them closely).
    await passRightsGate(page);
    // Back on the tracking page, the PIN is not shown again; the room is one tap away.
    // The waiting room: the mediator has not let anyone in yet.
    await page.getByTestId('lobby').waitFor();
    await page.goBack();
    await page.getByTestId('enter-room').waitFor();
    expect(await page.getByTestId('room-pin').count()).toBe(0);
  });

  it('while the mediation is under way, says so and offers the room', async () => {
    // Where the room's first phase leaves the case (no room is held here).
    await t.server.store.updateCase(filed.caseId, { status: 'in_mediation' });
    await page.reload();
    await expect.poll(status).toBe('in_mediation');
    expect(await title()).toBe('调解正在进行，请进入调解室');
    await page.getByTestId('enter-room').click();
    // The PIN was given once already: straight into the room.
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/cases/${filed.caseId}`);
    await page.getByTestId('lobby').waitFor();
    await page.goBack();
    await page.getByTestId('next-step').waitFor();
  });

  it('after the settlement: the survey first, and the sealed record opens with the tracking sign-in', async () => {
    const { sealed } = await world.seal(filed.caseId);
    await page.reload();
    await expect.poll(status).toBe('settled');
    expect(await title()).toBe('和解协议已签署并封存');
    // The survey is open: answering it is the primary action, the record a plain link beside it.
    await expect.poll(() => page.getByTestId('go-survey').count()).toBe(1);
    expect(await page.getByTestId('next-step-detail').innerText()).toContain('请填写下方的简短问卷');
    expect(await page.getByTestId('view-record').getAttribute('class')).toBe('action-link');
    await noWiderThan(page, 375);
    await screenshot(page, 'tracking-settled-375');

    await page.getByTestId('view-record').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/cases/${filed.caseId}/record`);
    await page.getByTestId('record').waitFor();
    expect(await page.getByTestId('record').innerText()).toContain(sealed.record.caseNumber);
    await noWiderThan(page, 375);
    await screenshot(page, 'tracking-record-375');
  });

  it('on a desktop in English: the same next step and actions, in English', async () => {
    const desktop = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const p = await desktop.newPage();
    await p.goto(trackingUrl);
    await p.getByLabel('PIN').fill(filed.pin);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => p.getByTestId('next-step').getAttribute('data-status')).toBe('settled');
    expect(await p.getByTestId('next-step-title').innerText()).toBe('The settlement is signed and sealed');
    await expect.poll(() => p.getByTestId('go-survey').innerText()).toBe('Answer the survey');
    expect(await p.getByTestId('view-record').innerText()).toBe('View the sealed record');
    expect(await p.getByTestId('copy-link').innerText()).toBe('Copy tracking link');
    await screenshot(p, 'tracking-settled-desktop-en');
    await desktop.close();
  });

  it('copies outside a secure context too (a centre serving plain http on its network)', async () => {
    const insecure = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 } });
    // As on http://192.168.x.x: no navigator.clipboard for the page, only the selection and execCommand.
    await insecure.addInitScript(() => Object.defineProperty(window, 'isSecureContext', { get: () => false }));
    const p = await insecure.newPage();
    await p.goto(trackingUrl);
    await p.getByLabel('PIN 码').fill(filed.pin);
    await p.getByRole('button', { name: '登录' }).click();
    await page.evaluate(() => navigator.clipboard.writeText('something else'));
    await p.getByTestId('copy-link').click();
    await expect.poll(() => p.getByTestId('copy-link-status').innerText()).toContain('已复制');
    // One clipboard for the whole browser: read back from the phone's page, which may read it.
    expect(await clipboard()).toBe(trackingUrl);
    await insecure.close();
  });
});
