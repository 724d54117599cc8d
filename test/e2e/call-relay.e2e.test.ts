import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CallProbe } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { allocatedUsers, coturnOrSkip, relayedBytes, startCoturn, type Coturn } from '../helpers/coturn';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

/*
 * The call over a real TURN server: Accord configured to allow relayed paths only (the deployment
 * choice that hides each participant's address from the others), coturn on 127.0.0.1 with the
 * shared secret, three Chromium contexts with fake cameras and microphones. Every pair's media
 * must flow through coturn, with the credentials Accord issued to each person, and no browser may
 * be told any address but the TURN server's.
 */

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];

/** One ICE candidate as a browser received it from another over Accord's signalling. */
interface SeenCandidate {
  address: string;
  port: number;
  type: string;
  relatedAddress: string | null;
}
const CANDIDATE = /candidate:\S+ \d+ (?:udp|tcp) \d+ (\S+) (\d+) typ (\w+)(?: raddr (\S+) rport \d+)?/g;

/**
 * Records the ICE candidates a page receives in `call:signal` (trickled, or in a description's SDP),
 * over the WebSocket and, before Socket.IO upgrades, over long-polling.
 */
function recordCandidates(page: Page, into: SeenCandidate[]): void {
  const scan = (text: string) => {
    if (!text.includes('call:signal')) return;
    for (const m of text.matchAll(CANDIDATE)) {
      into.push({ address: m[1] ?? '', port: Number(m[2]), type: m[3] ?? '', relatedAddress: m[4] ?? null });
    }
  };
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => scan(String(frame.payload))));
  page.on('response', (res) => {
    if (res.url().includes('/socket.io/') && res.request().method() === 'GET') {
      res.text().then(scan, () => undefined);
    }
  });
}

const stats = (page: Page) =>
  page.evaluate(async () => {
    const call = (window as unknown as { __accordCall?: CallProbe }).__accordCall;
    return call ? call.stats() : [];
  });

describe.skipIf(!chromiumOrSkip() || !coturnOrSkip('the relayed call test'))(
  'a call forced to relay-only ICE carries media through a real coturn',
  () => {
    let turn: Coturn;
    let t: TestServer;
    let c: TestCase;
    let browser: Browser;
    const pages = {} as Record<Party, Page>;
    const received = Object.fromEntries(PARTIES.map((p) => [p, [] as SeenCandidate[]])) as Record<
      Party,
      SeenCandidate[]
    >;

    const shootAll = (name: string) => Promise.all(PARTIES.map((p) => screenshot(pages[p], `call-relay-${name}-${p}`)));
    const others = (party: Party) => PARTIES.filter((p) => p !== party).map((p) => c.userIds[p]);

    beforeAll(async () => {
      if (!existsSync(join(repoRoot, 'client/dist/index.html'))) {
        throw new Error('client/dist is missing: run `pnpm build` first (`pnpm test` does)');
      }
      turn = await startCoturn();
      t = await startServer({
        env: {
          ACCORD_TURN_URLS: turn.urls.join(','),
          ACCORD_TURN_SECRET: turn.secret,
          ACCORD_ICE_TRANSPORT_POLICY: 'relay',
        },
      });
      c = await t.createCase('Call through TURN', { lobby: false, phase: 'joint' });
      browser = await launchChromium({ fakeMedia: true });
      for (const party of PARTIES) {
        const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
        pages[party] = await context.newPage();
        pages[party].on('pageerror', (err) => console.error(`[${party}] page error:`, err));
        recordCandidates(pages[party], received[party]);
        await pages[party].goto(c.inviteUrls[party]);
      }
      for (const party of PARTIES) {
        await pages[party].waitForURL(`**/cases/${c.caseId}`);
        await pages[party].locator('[data-testid="connection"] [data-state="connected"]').waitFor();
      }
    });

    afterAll(async () => {
      await browser?.close();
      await t?.close();
      await turn?.stop();
    });

    it('every pair connects over a relay candidate, and video bytes and decoded frames keep growing', async () => {
      for (const party of PARTIES) {
        const page = pages[party];
        await expect.poll(() => page.getByTestId('call-panel').getAttribute('data-in-call')).toBe('false');
        await page.getByTestId('call-join').click();
        await page.getByTestId('call-preview').waitFor();
        await page.getByTestId('call-join-video').click();
        await expect.poll(() => page.getByTestId('call-panel').getAttribute('data-in-call')).toBe('true');
      }

      for (const party of PARTIES) {
        const page = pages[party];
        // One connection per other person, connected, its selected local candidate a TURN relay.
        await expect
          .poll(async () =>
            (await stats(page))
              .map((s) => `${s.userId}:${s.connectionState}:${s.candidateType}`)
              .sort()
              .join(' '),
          )
          .toBe(
            others(party)
              .map((u) => `${u}:connected:relay`)
              .sort()
              .join(' '),
          );
        for (const userId of others(party)) {
          await expect
            .poll(() => page.getByTestId(`call-tile-${userId}`).getAttribute('data-connection'))
            .toBe('connected');
        }
      }

      // Between two samples, each connection's received video grows and more frames are decoded.
      const first = Object.fromEntries(
        await Promise.all(PARTIES.map(async (p) => [p, await stats(pages[p])] as const)),
      );
      for (const party of PARTIES) {
        for (const before of first[party] ?? []) {
          await expect
            .poll(
              async () => {
                const now = (await stats(pages[party])).find((s) => s.peerId === before.peerId);
                return (
                  now !== undefined &&
                  now.candidateType === 'relay' &&
                  now.videoBytesIn > before.videoBytesIn &&
                  now.framesDecoded > before.framesDecoded
                );
              },
              { message: `${party} receiving video from ${before.userId} through the relay` },
            )
            .toBe(true);
        }
      }
      await shootAll('in-call');

      // What each browser learnt of the others' addresses: only relayed ones, on the TURN server (here
      // 127.0.0.1, in coturn's relay range), without the address behind them (raddr 0.0.0.0).
      for (const party of PARTIES) {
        expect(received[party].length, `${party} received candidates`).toBeGreaterThan(0);
        for (const seen of received[party]) {
          expect(seen).toEqual({
            address: '127.0.0.1',
            port: expect.any(Number) as number,
            type: 'relay',
            relatedAddress: '0.0.0.0',
          });
          expect(seen.port).toBeGreaterThanOrEqual(turn.relayPorts[0]);
          expect(seen.port).toBeLessThanOrEqual(turn.relayPorts[1]);
        }
      }

      // coturn allocated a relay for each person, with the username Accord issued them (`<expiry>:<userId>`).
      const allocated = allocatedUsers(turn);
      for (const party of PARTIES) {
        expect(
          allocated.some((u) => u.endsWith(`:${c.userIds[party]}`)),
          `${party} among the allocations of ${allocated.join(', ')}`,
        ).toBe(true);
      }
    });

    it('coturn counts the media it relayed once the call ends', async () => {
      for (const party of PARTIES) {
        await pages[party].getByTestId('call-leave').click();
        await expect.poll(() => pages[party].getByTestId('call-panel').getAttribute('data-in-call')).toBe('false');
      }
      // Leaving closes the connections; Chromium releases its allocations and coturn writes their usage.
      for (const party of PARTIES) {
        await expect
          .poll(
            () => {
              const users = allocatedUsers(turn).filter((u) => u.endsWith(`:${c.userIds[party]}`));
              return users.reduce((sum, u) => sum + relayedBytes(turn, u).received, 0);
            },
            { message: `coturn's relay counters for ${party}` },
          )
          .toBeGreaterThan(50_000);
      }
    });
  },
);
