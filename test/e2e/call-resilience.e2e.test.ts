import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { onCleanup } from '../helpers/cleanup';
import { freePort } from '../helpers/net';
import { repoRoot, spawnServer, type ServerProcess } from '../helpers/process';
import { openRoomTab } from '../helpers/room-tabs';
import { makeTempDir, startServer, type TestCase } from '../helpers/server';
import {
  callPanelShot,
  callStats,
  expectGrowing,
  expectStopped,
  joinCall,
  networkServicePid,
  probeMedia,
  sawPreview,
  tile,
  type Metric,
} from './call-support';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];
const DEVICE: Record<Party, Parameters<Browser['newContext']>[0]> = {
  customer: { locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
  platform: { locale: 'en-US', viewport: { width: 1280, height: 900 } },
  mediator: { locale: 'en-US', viewport: { width: 1280, height: 900 } },
};
const SENDS: Record<Party, Metric[]> = {
  customer: ['audioBytesIn', 'framesDecoded'],
  platform: ['audioBytesIn'],
  mediator: ['audioBytesIn', 'framesDecoded'],
};
const SOON_MS = 20_000;
const LONG = 360_000;

const dataDir = makeTempDir('accord-call-restart-');
let proc: ServerProcess | null = null;

describe.skipIf(!chromiumOrSkip())('the call survives reloads, a server restart and a dropped network', () => {
  let c: TestCase;
  let env: Record<string, string>;
  // The customer's phone is a browser of its own, so that its network can drop alone.
  let phone: Browser;
  let desk: Browser;
  const contexts = {} as Record<Party, BrowserContext>;
  const pages = {} as Record<Party, Page>;
  const uid = (p: Party) => c.userIds[p];
  const connected = (p: Page) => p.locator('[data-testid="connection"] [data-state="connected"]');

  const allFlowing = async (among: readonly Party[], why: string) => {
    const checks: Promise<number>[] = [];
    for (const to of among)
      for (const from of among)
        if (to !== from)
          for (const m of SENDS[from]) checks.push(expectGrowing(pages[to], uid(from), m, `${why}: ${from} → ${to}`));
    const took = await Promise.all(checks);
    console.log(`  ${why}: ${checks.length} flows growing, slowest seen after ${Math.max(...took)} ms`);
  };
  /** ICE restarts and rebuilt connections, on both ends of every connection to or from `party`. */
  const restartsAround = async (party: Party) => {
    let n = 0;
    for (const viewer of PARTIES) {
      for (const s of await callStats(pages[viewer])) {
        if (viewer === party || s.userId === uid(party)) n += s.restarts;
      }
    }
    return n;
  };

  /**
   * The phone's network goes: offline to the page, and its browser's network service stopped (WebRTC's
   * sockets live there; offline emulation alone does not touch them). Returns how to bring it back.
   */
  const dropNetwork = async (): Promise<() => Promise<void>> => {
    const pid = await networkServicePid(phone);
    const resume = () => {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone with its browser.
      }
    };
    // Should the test stop half-way, the network comes back before the browser is closed.
    const forget = onCleanup('the phone’s network service, stopped', resume);
    await contexts.customer.setOffline(true);
    process.kill(pid, 'SIGSTOP');
    return async () => {
      resume();
      forget();
      await contexts.customer.setOffline(false);
    };
  };
  const restartsAll = async () => {
    let n = 0;
    for (const party of PARTIES) for (const s of await callStats(pages[party])) n += s.restarts;
    return n;
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
      throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    // The case and its invites are made in-process on the data directory, then served by a real process
    // on a fixed port, so that the restarted server is the same address to the browsers.
    const setup = await startServer({ dataDir });
    c = await setup.createCase('A call through a server restart');
    await setup.close();
    env = { ACCORD_SEED: 'false', PORT: String(await freePort()) };
    proc = await spawnServer(dataDir, env);
    phone = await launchChromium({ fakeMedia: true });
    desk = await launchChromium({ fakeMedia: true });
    for (const party of PARTIES) {
      contexts[party] = await (party === 'customer' ? phone : desk).newContext(DEVICE[party]);
      contexts[party].setDefaultTimeout(90_000);
      await probeMedia(contexts[party]);
      pages[party] = await contexts[party].newPage();
      pages[party].on('pageerror', (err) => console.error(`[${party}] page error:`, err));
      const invite = new URL(c.inviteUrls[party]);
      await pages[party].goto(`${proc.url}${invite.pathname}${invite.search}${invite.hash}`);
    }
    for (const party of PARTIES) {
      await pages[party].waitForURL(`**/cases/${c.caseId}`);
      await connected(pages[party]).waitFor();
      await openRoomTab(pages[party], 'call');
    }
  });

  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await proc?.stop();
  });

  it(
    'all three join and media flows between every pair',
    async () => {
      await joinCall(pages.customer, 'video');
      await joinCall(pages.platform, 'audio');
      await joinCall(pages.mediator, 'video');
      await allFlowing(PARTIES, 'all in the call');
    },
    LONG,
  );

  it(
    'a reload brings the customer back into the call by itself, without the preview, and media flows again',
    async () => {
      const { customer } = pages;
      await customer.reload();
      await connected(customer).waitFor();
      await customer.locator('[data-testid="call-panel"][data-in-call="true"]').waitFor();
      await allFlowing(PARTIES, 'after the customer reloaded');
      // Never shown in the reloaded page, from its first moment (a MutationObserver saw every change).
      expect(await sawPreview(customer)).toBe(false);
      await expect.poll(() => tile(pages.mediator, uid('customer'))).toMatchObject({ connection: 'connected' });
      await screenshot(customer, 'call-after-reload-customer');
    },
    LONG,
  );

  it(
    'the server is killed: media keeps flowing while it is down, and signalling works again once it is back',
    async () => {
      if (!proc) throw new Error('no server process');
      const restartsBefore = await restartsAll();
      await proc.kill9();
      // Every page has noticed the server is gone.
      for (const party of PARTIES) await expect.poll(() => connected(pages[party]).count()).toBe(0);
      // The media path is browser to browser: it does not need the server.
      await allFlowing(PARTIES, 'with the server down');
      expect(proc.child.exitCode !== null || proc.child.signalCode !== null).toBe(true);
      await screenshot(pages.customer, 'call-server-down-customer');
      await screenshot(pages.mediator, 'call-server-down-mediator');

      proc = await spawnServer(dataDir, env);
      for (const party of PARTIES) await connected(pages[party]).waitFor();
      await allFlowing(PARTIES, 'after the restart');
      // The same connections carried the media all along: none was restarted or built again.
      expect(await restartsAll()).toBe(restartsBefore);
      for (const party of PARTIES) {
        expect((await callStats(pages[party])).map((s) => s.connectionState)).toEqual(['connected', 'connected']);
      }

      // Signalling through the new process: a caucus separates, and closing it connects the platform again
      // (new connections, negotiated through the restarted server).
      const { mediator, platform, customer } = pages;
      await mediator.getByTestId('caucus-customer').click();
      await Promise.all([
        expectStopped(platform, uid('customer'), 'bytesIn', 'customer → platform in caucus', SOON_MS),
        expectStopped(platform, uid('mediator'), 'bytesIn', 'mediator → platform in caucus', SOON_MS),
        expectStopped(customer, uid('platform'), 'bytesIn', 'platform → customer in caucus', SOON_MS),
        expectStopped(mediator, uid('platform'), 'bytesIn', 'platform → mediator in caucus', SOON_MS),
      ]);
      await allFlowing(['customer', 'mediator'], 'in the caucus after the restart');
      await mediator.getByTestId('close-caucus').click();
      await allFlowing(PARTIES, 'after the caucus, after the restart');
      await expect
        .poll(() => tile(platform, uid('customer')))
        .toMatchObject({ separated: '', connection: 'connected' });
    },
    LONG,
  );

  it(
    'the customer’s network drops: the others see the path fail, and the call comes back by itself',
    async () => {
      const { customer, mediator } = pages;
      const before = await restartsAround('customer');
      const mediatorBefore = Math.max(
        0,
        ...(await callStats(mediator)).filter((s) => s.userId === uid('customer')).map((s) => s.restarts),
      );
      const back = await dropNetwork();
      const dropped = Date.now();
      // Down until the mediator's browser has found the path dead and its client has had to act on it;
      // meanwhile what the mediator's tile of the customer says.
      const shown = new Set<string>();
      await expect
        .poll(
          async () => {
            const seen = await tile(mediator, uid('customer'));
            shown.add(seen.separated ? `separated:${seen.separated}` : `connection:${String(seen.connection)}`);
            const toCustomer = (await callStats(mediator)).filter((s) => s.userId === uid('customer'));
            return (
              toCustomer.length === 0 ||
              toCustomer.some((s) => s.connectionState === 'failed' || s.restarts > mediatorBefore)
            );
          },
          { message: 'the mediator’s client acts on the dead path', timeout: 120_000, interval: 200 },
        )
        .toBe(true);
      console.log(`  network drop: the mediator's tile of the customer said ${[...shown].join(', ')}`);
      // The mediator is told: the customer's tile stops saying connected.
      expect([...shown].some((x) => x !== 'connection:connected')).toBe(true);
      await screenshot(mediator, 'call-network-drop-mediator');
      console.log(`  network drop: the mediator's client acted after ${Date.now() - dropped} ms`);
      await back();

      await connected(customer).waitFor();
      await allFlowing(PARTIES, 'after the network came back');
      const after = await restartsAround('customer');
      console.log(`  network drop: restarts around the customer ${before} → ${after}`);
      expect(after).toBeGreaterThan(before);
      for (const party of ['platform', 'mediator'] as const) {
        await expect.poll(() => tile(pages[party], uid('customer'))).toMatchObject({ connection: 'connected' });
      }
      await expect
        .poll(async () => (await callStats(customer)).map((s) => s.connectionState))
        .toEqual(['connected', 'connected']);
      await screenshot(customer, 'call-network-back-customer');
    },
    LONG,
  );

  it(
    'a long outage: the server lets the customer go, the others close their connections, and the customer rejoins by itself',
    async () => {
      const { customer, mediator, platform } = pages;
      const back = await dropNetwork();
      const dropped = Date.now();
      // Until the server has given up on the customer (their connection timed out and their time away ran out).
      for (const viewer of [mediator, platform]) {
        await expect
          .poll(
            async () =>
              (await viewer.getByTestId(`call-tile-${uid('customer')}`).count()) === 0 &&
              (await callStats(viewer)).every((s) => s.userId !== uid('customer')),
            { message: 'the others no longer in a call with the customer', timeout: 180_000, interval: 500 },
          )
          .toBe(true);
      }
      console.log(`  long outage: the others let the customer go after ${Date.now() - dropped} ms`);
      await expectGrowing(mediator, uid('platform'), 'audioBytesIn', 'the others go on meanwhile');
      await screenshot(mediator, 'call-long-outage-mediator');
      await back();

      await connected(customer).waitFor();
      await customer.locator('[data-testid="call-panel"][data-in-call="true"]').waitFor();
      await allFlowing(PARTIES, 'after the long outage');
      for (const party of ['platform', 'mediator'] as const) {
        await expect.poll(() => tile(pages[party], uid('customer'))).toMatchObject({ connection: 'connected' });
      }
      await callPanelShot(customer, 'call-panel-after-outage-customer');
    },
    LONG,
  );
});
