import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import {
  callPanelShot,
  callStats,
  expectGrowing,
  expectStopped,
  joinCall,
  liveTracks,
  mediaRequests,
  overflowX,
  probeMedia,
  sawPreview,
  tile,
  type Metric,
} from './call-support';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];
/** The customer on a phone in Chinese; the platform's agent and the mediator at desks. */
const DEVICE: Record<Party, Parameters<Browser['newContext']>[0]> = {
  customer: { locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
  platform: { locale: 'en-US', viewport: { width: 1280, height: 900 } },
  mediator: { locale: 'zh-CN', viewport: { width: 1280, height: 900 } },
};
/** How each takes part: the platform's agent with the microphone only. */
const SENDS: Record<Party, Metric[]> = {
  customer: ['audioBytesIn', 'framesDecoded'],
  platform: ['audioBytesIn'],
  mediator: ['audioBytesIn', 'framesDecoded'],
};
/** How soon a change of who may reach whom must show in the media, on a loaded two-core machine. */
const SOON_MS = 20_000;
const LONG = 300_000;

describe.skipIf(!chromiumOrSkip())('the call in real Chromium with fake camera and microphone, three parties', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const contexts = {} as Record<Party, BrowserContext>;
  const pages = {} as Record<Party, Page>;
  const uid = (p: Party) => c.userIds[p];
  const shoot = (p: Party, name: string) => screenshot(pages[p], `call-${name}-${p}`);

  /** Every ordered pair (receiver, sender) of `among`, each metric the sender sends, all growing. */
  const allFlowing = async (among: readonly Party[], why: string) => {
    const checks: Promise<number>[] = [];
    for (const to of among)
      for (const from of among)
        if (to !== from)
          for (const m of SENDS[from]) checks.push(expectGrowing(pages[to], uid(from), m, `${why}: ${from} → ${to}`));
    const took = await Promise.all(checks);
    console.log(`  ${why}: ${checks.length} flows growing, slowest seen after ${Math.max(...took)} ms`);
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    t = await startServer();
    c = await t.createCase('Early-repayment fee dispute, by video');
    browser = await launchChromium({ fakeMedia: true });
    for (const party of PARTIES) {
      contexts[party] = await browser.newContext(DEVICE[party]);
      contexts[party].setDefaultTimeout(90_000);
      await probeMedia(contexts[party]);
      pages[party] = await contexts[party].newPage();
      pages[party].on('pageerror', (err) => console.error(`[${party}] page error:`, err));
      await pages[party].goto(c.inviteUrls[party]);
    }
    for (const party of PARTIES) {
      await pages[party].waitForURL(`**/cases/${c.caseId}`);
      await pages[party].locator('[data-testid="connection"] [data-state="connected"]').waitFor();
      await openRoomTab(pages[party], 'call');
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks nobody for camera or microphone before they choose to join', async () => {
    for (const party of PARTIES) {
      const page = pages[party];
      await page.locator('[data-testid="call-panel"][data-in-call="false"]').waitFor();
      await page.getByTestId('call-join').waitFor();
      expect({ party, requests: await mediaRequests(page) }).toEqual({ party, requests: 0 });
    }
    await shoot('customer', 'before-join');
    await shoot('mediator', 'before-join');
  });

  it(
    'each joins their own way, media flows between every pair, and the tiles show who sends what',
    async () => {
      await joinCall(pages.customer, 'video');
      await joinCall(pages.platform, 'audio');
      await joinCall(pages.mediator, 'video');
      // The probe sees the requests the join made: its zero before the join meant something.
      for (const party of PARTIES) expect(await mediaRequests(pages[party])).toBeGreaterThan(0);
      // What each chose is all that stays open: the platform's camera (opened for the preview) is off.
      const sorted = async (p: Party) => (await liveTracks(pages[p])).sort();
      await expect.poll(() => sorted('customer')).toEqual(['audio', 'video']);
      await expect.poll(() => sorted('platform')).toEqual(['audio']);
      await expect.poll(() => sorted('mediator')).toEqual(['audio', 'video']);

      await allFlowing(PARTIES, 'all in the call');
      for (const party of PARTIES) {
        const stats = await callStats(pages[party]);
        expect(stats.map((s) => s.connectionState)).toEqual(['connected', 'connected']);
        console.log(`  ${party}: candidates ${stats.map((s) => s.candidateType).join(', ')}`);
      }

      const sees = async (viewer: Party, of: Party, want: Record<string, string>) =>
        expect.poll(() => tile(pages[viewer], uid(of))).toMatchObject({ present: 'true', ...want });
      for (const viewer of PARTIES) {
        await pages[viewer].getByTestId('call-tile-self').waitFor();
        await pages[viewer].getByTestId('call-not-recorded').waitFor();
        for (const of of PARTIES) {
          if (of === viewer) continue;
          await sees(viewer, of, {
            audio: 'true',
            video: of === 'platform' ? 'false' : 'true',
            muted: 'false',
            separated: '',
            connection: 'connected',
          });
        }
      }
      expect(await pages.platform.getByTestId('call-toggle-camera').getAttribute('aria-pressed')).toBe('false');
      expect(await pages.customer.getByTestId('call-toggle-mic').getAttribute('aria-pressed')).toBe('true');
      // The platform's agent's microphone beeps (Chromium's fake device): the others see them speak.
      await expect
        .poll(() => pages.mediator.getByTestId(`call-tile-${uid('platform')}`).getAttribute('data-speaking'), {
          interval: 100,
        })
        .toBe('true');
      // A phone in the call scrolls only up and down.
      expect(await overflowX(pages.customer)).toBe(0);
      for (const party of PARTIES) await shoot(party, 'in-call');
      await callPanelShot(pages.customer, 'call-panel-in-call-customer');
    },
    LONG,
  );

  it(
    'a caucus cuts the excluded party off from both caucus members, both ways, and closing it joins them again',
    async () => {
      const { mediator, platform, customer } = pages;
      await mediator.getByTestId('caucus-customer').click();
      const took = await Promise.all([
        expectStopped(platform, uid('customer'), 'bytesIn', 'customer → platform in caucus', SOON_MS),
        expectStopped(platform, uid('mediator'), 'bytesIn', 'mediator → platform in caucus', SOON_MS),
        expectStopped(customer, uid('platform'), 'bytesIn', 'platform → customer in caucus', SOON_MS),
        expectStopped(mediator, uid('platform'), 'bytesIn', 'platform → mediator in caucus', SOON_MS),
      ]);
      console.log(`  caucus: the excluded party's four flows still after ${Math.max(...took)} ms at most`);
      // The caucus itself goes on, picture and sound.
      await allFlowing(['customer', 'mediator'], 'in the caucus');

      await expect.poll(() => tile(platform, uid('customer'))).toMatchObject({ separated: 'caucus' });
      await expect.poll(() => tile(platform, uid('mediator'))).toMatchObject({ separated: 'caucus' });
      await expect.poll(() => tile(customer, uid('platform'))).toMatchObject({ separated: 'caucus' });
      await expect.poll(() => tile(mediator, uid('platform'))).toMatchObject({ separated: 'caucus' });
      await expect.poll(() => tile(customer, uid('mediator'))).toMatchObject({ separated: '' });
      for (const party of PARTIES) await shoot(party, 'caucus');
      await callPanelShot(customer, 'call-panel-caucus-customer');

      await mediator.getByTestId('close-caucus').click();
      await allFlowing(PARTIES, 'after the caucus');
      for (const viewer of PARTIES)
        for (const of of PARTIES)
          if (of !== viewer) await expect.poll(() => tile(pages[viewer], uid(of))).toMatchObject({ separated: '' });
    },
    LONG,
  );

  it(
    'the mediator mutes the platform: its sound stops at the others, it is told why, and unmuting brings it back',
    async () => {
      const { mediator, platform, customer } = pages;
      await mediator.getByTestId('mute-platform').click();
      await platform.getByTestId('call-muted-notice').waitFor();
      const took = await Promise.all([
        expectStopped(customer, uid('platform'), 'audioBytesIn', 'muted platform → customer', SOON_MS),
        expectStopped(mediator, uid('platform'), 'audioBytesIn', 'muted platform → mediator', SOON_MS),
      ]);
      console.log(`  mute: the platform's sound still at the others after ${Math.max(...took)} ms at most`);
      await expect.poll(() => tile(customer, uid('platform'))).toMatchObject({ muted: 'true' });
      await expect.poll(() => tile(mediator, uid('platform'))).toMatchObject({ muted: 'true' });
      // The others are not muted: the platform still hears them.
      await expectGrowing(platform, uid('customer'), 'audioBytesIn', 'customer → muted platform');
      await shoot('platform', 'muted');
      await shoot('customer', 'platform-muted');

      await mediator.getByTestId('mute-platform').click();
      await expect.poll(() => platform.getByTestId('call-muted-notice').count()).toBe(0);
      await Promise.all([
        expectGrowing(customer, uid('platform'), 'audioBytesIn', 'unmuted platform → customer'),
        expectGrowing(mediator, uid('platform'), 'audioBytesIn', 'unmuted platform → mediator'),
      ]);
      await expect.poll(() => tile(customer, uid('platform'))).toMatchObject({ muted: 'false' });
    },
    LONG,
  );

  it(
    'the customer turns the camera off and on: the picture stops and comes back, the sound goes on',
    async () => {
      const { mediator, platform, customer } = pages;
      const camera = customer.getByTestId('call-toggle-camera');
      expect(await camera.getAttribute('aria-pressed')).toBe('true');
      await camera.click();
      await expect.poll(() => camera.getAttribute('aria-pressed')).toBe('false');
      await Promise.all([
        expectStopped(platform, uid('customer'), 'framesDecoded', 'camera off → platform', SOON_MS),
        expectStopped(mediator, uid('customer'), 'framesDecoded', 'camera off → mediator', SOON_MS),
        expectGrowing(mediator, uid('customer'), 'audioBytesIn', 'customer sound with the camera off'),
      ]);
      await expect.poll(() => tile(mediator, uid('customer'))).toMatchObject({ video: 'false', audio: 'true' });
      // Off means off: the camera itself is released, not merely not sent.
      await expect.poll(() => liveTracks(customer)).toEqual(['audio']);
      await callPanelShot(customer, 'call-panel-camera-off-customer');

      await camera.click();
      await expect.poll(() => camera.getAttribute('aria-pressed')).toBe('true');
      await Promise.all([
        expectGrowing(platform, uid('customer'), 'framesDecoded', 'camera on → platform'),
        expectGrowing(mediator, uid('customer'), 'framesDecoded', 'camera on → mediator'),
      ]);
      await expect.poll(() => tile(mediator, uid('customer'))).toMatchObject({ video: 'true' });
      expect((await liveTracks(customer)).sort()).toEqual(['audio', 'video']);
    },
    LONG,
  );

  it(
    'an observer only listens: no way to send, no device opened, hears and sees the others, sends nothing',
    async () => {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(90_000);
      await probeMedia(context);
      const observer = await context.newPage();
      observer.on('pageerror', (err) => console.error('[observer] page error:', err));
      await observer.goto(c.inviteUrls.observer);
      await observer.waitForURL(`**/cases/${c.caseId}`);
      await observer.getByTestId('call-join').click();
      await observer.getByTestId('call-preview').waitFor();
      expect(await observer.getByTestId('call-join-video').count()).toBe(0);
      expect(await observer.getByTestId('call-join-audio').count()).toBe(0);
      await observer.getByTestId('call-join-listen').click();
      await observer.locator('[data-testid="call-panel"][data-in-call="true"]').waitFor();
      await Promise.all([
        expectGrowing(observer, uid('customer'), 'framesDecoded', 'customer → observer'),
        expectGrowing(observer, uid('mediator'), 'audioBytesIn', 'mediator → observer'),
        expectGrowing(observer, uid('platform'), 'audioBytesIn', 'platform → observer'),
      ]);
      expect(await mediaRequests(observer)).toBe(0);
      const sent = (await callStats(observer)).map((s) => s.audioBytesOut + s.videoBytesOut);
      expect(sent).toEqual([0, 0, 0]);
      await expect
        .poll(() => tile(pages.mediator, c.userIds.observer))
        .toMatchObject({ present: 'true', audio: 'false', video: 'false' });
      await screenshot(observer, 'call-observer');
      await observer.getByTestId('call-leave').click();
      await expect.poll(() => pages.mediator.getByTestId(`call-tile-${c.userIds.observer}`).count()).toBe(0);
      await context.close();
    },
    LONG,
  );

  it(
    'removing the platform ends its media at the others at once; the other two go on',
    async () => {
      const { mediator, platform, customer } = pages;
      await mediator.getByTestId('remove-platform').click();
      await mediator.getByTestId('confirm-ok').click();
      const took = await Promise.all([
        expectStopped(customer, uid('platform'), 'bytesIn', 'removed platform → customer', SOON_MS),
        expectStopped(mediator, uid('platform'), 'bytesIn', 'removed platform → mediator', SOON_MS),
        expectStopped(platform, uid('customer'), 'bytesIn', 'customer → removed platform', SOON_MS),
        expectStopped(platform, uid('mediator'), 'bytesIn', 'mediator → removed platform', SOON_MS),
      ]);
      console.log(`  removal: the platform's flows still after ${Math.max(...took)} ms at most`);
      await expect.poll(() => customer.getByTestId(`call-tile-${uid('platform')}`).count()).toBe(0);
      await expect.poll(() => mediator.getByTestId(`call-tile-${uid('platform')}`).count()).toBe(0);
      await platform.getByTestId('room-denied').waitFor();
      await expect
        .poll(async () => (await callStats(platform)).filter((s) => s.connectionState !== 'closed').length)
        .toBe(0);
      // Its microphone is released too.
      await expect.poll(() => liveTracks(platform)).toEqual([]);
      await allFlowing(['customer', 'mediator'], 'after the removal');
      await shoot('platform', 'removed');
      await shoot('mediator', 'after-removal');
    },
    LONG,
  );

  it(
    'the customer leaves: their media ends, their devices are released, and a reload does not bring them back',
    async () => {
      const { mediator, customer } = pages;
      await customer.getByTestId('call-leave').click();
      await customer.locator('[data-testid="call-panel"][data-in-call="false"]').waitFor();
      await expectStopped(mediator, uid('customer'), 'bytesIn', 'customer who left → mediator', SOON_MS);
      await expect.poll(() => mediator.getByTestId(`call-tile-${uid('customer')}`).count()).toBe(0);
      await expect.poll(() => liveTracks(customer)).toEqual([]);
      await callPanelShot(customer, 'call-panel-left-customer');

      await customer.reload();
      await customer.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
      await openRoomTab(customer, 'call');
      await customer.locator('[data-testid="call-panel"][data-in-call="false"]').waitFor();
      expect(await customer.getByTestId('call-join').isVisible()).toBe(true);
      expect(await mediaRequests(customer)).toBe(0);
      expect(await sawPreview(customer)).toBe(false);
      expect(await callStats(customer)).toEqual([]);
    },
    LONG,
  );

  it('the waiting room has no call, and asks for no camera or microphone', async () => {
    const d = await t.createCase('Waiting for the mediator', { lobby: true, phase: 'scheduled' });
    const waiting = await contexts.customer.newPage();
    await waiting.goto(d.inviteUrls.customer);
    await waiting.getByTestId('lobby').waitFor();
    await waiting.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    expect(await waiting.getByTestId('call-panel').count()).toBe(0);
    expect(await waiting.getByTestId('call-join').count()).toBe(0);
    expect(await mediaRequests(waiting)).toBe(0);
    expect(await callStats(waiting)).toEqual([]);
    await screenshot(waiting, 'call-waiting-room-customer');
    await waiting.close();
  });
});
