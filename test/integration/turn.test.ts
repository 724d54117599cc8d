import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceConfig } from '@accord/shared';
import { turnCredentials } from '../../server/src/call/turn';
import { connectRoom, type RoomClient } from '../helpers/clients';
import {
  allocate,
  allocatedUsers,
  coturnOrSkip,
  refusedUsers,
  startCoturn,
  startTurnPeer,
  type Coturn,
} from '../helpers/coturn';
import { emit } from '../helpers/emit';
import { repoRoot } from '../helpers/process';
import { createTestCase, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const TTL_S = 600;

/** The TURN entry Accord put in an ICE configuration (the one with credentials). */
function turnEntry(ice: IceConfig): { urls: string[]; username: string; credential: string } {
  const entry = ice.iceServers.find((s) => s.username !== undefined);
  if (!entry?.username || !entry.credential) throw new Error(`no TURN credentials in ${JSON.stringify(ice)}`);
  return { urls: entry.urls, username: entry.username, credential: entry.credential };
}

describe.skipIf(!coturnOrSkip('the TURN tests'))('TURN credentials against a real coturn', () => {
  let turn: Coturn;
  let t: TestServer;
  let c: TestCase;
  let peerPort: number;
  const open: RoomClient[] = [];

  beforeAll(async () => {
    turn = await startCoturn();
    peerPort = (await startTurnPeer()).port;
    t = await startServer({
      env: {
        ACCORD_TURN_URLS: turn.urls.join(','),
        ACCORD_TURN_SECRET: turn.secret,
        ACCORD_TURN_TTL_S: String(TTL_S),
      },
    });
    c = await t.createCase('Call through TURN', { lobby: false, phase: 'joint' });
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    await t?.close();
    await turn?.stop();
  });

  const connect = async (role: 'customer' | 'platform') => {
    const x = await connectRoom(t.url, c.tokens[role], c.caseId);
    open.push(x);
    return x;
  };

  it('issues REST API credentials through call:ice and call:join, and coturn relays with them', async () => {
    const customer = await connect('customer');
    const before = Math.floor(Date.now() / 1000);
    const ice = await emit(customer, 'call:ice', {});
    expect(ice.ok, JSON.stringify(ice.error)).toBe(true);
    const fromIce = turnEntry(ice.data!);
    expect(fromIce.urls).toEqual(turn.urls);
    expect(ice.data!.iceTransportPolicy).toBe('all');
    // `<expiry unix seconds>:<user id>`, the expiry one TTL from now.
    const [expiry, userId] = fromIce.username.split(':');
    expect(userId).toBe(c.userIds.customer);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + TTL_S);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + TTL_S);
    expect(new Date(ice.data!.expiresAt!).getTime()).toBe(Number(expiry) * 1000);

    const relayed = await allocate(turn, peerPort, fromIce);
    expect(relayed.ok, relayed.output).toBe(true);
    expect(relayed.sent).toBe(5);
    expect(relayed.received).toBe(5);

    const platform = await connect('platform');
    const joined = await emit(platform, 'call:join', { peerId: 'peer-platform-turn-0001', audio: true, video: false });
    expect(joined.ok, JSON.stringify(joined.error)).toBe(true);
    const fromJoin = turnEntry(joined.data!.ice);
    expect(fromJoin.username.split(':')[1]).toBe(c.userIds.platform);
    // The same credentials over TCP, the transport a browser behind a UDP-blocking firewall falls back to.
    const overTcp = await allocate(turn, peerPort, fromJoin, { tcp: true });
    expect(overTcp.ok, overTcp.output).toBe(true);
    expect(overTcp.received).toBe(5);

    await waitFor(
      () => [fromIce.username, fromJoin.username].every((u) => allocatedUsers(turn).includes(u)),
      'coturn logging both allocations',
    );
  });

  it('coturn refuses an expired credential and a wrong password', async () => {
    const userId = c.userIds.customer;
    // Issued an hour and a minute ago with a one-hour lifetime: expired a minute ago.
    const expired = turnCredentials(turn.secret, userId, 3600, new Date(Date.now() - 3_660_000));
    expect(expired.expiresAt.getTime()).toBeLessThan(Date.now());
    const refusedExpired = await allocate(turn, peerPort, expired);
    expect(refusedExpired.ok, refusedExpired.output).toBe(false);
    expect(refusedExpired.received).toBe(0);

    // A current username signed with another secret.
    const current = turnCredentials(turn.secret, userId, TTL_S);
    const forged = turnCredentials('not-the-shared-secret-at-all', userId, TTL_S);
    expect(forged.username).toBe(current.username);
    const refusedWrong = await allocate(turn, peerPort, { username: current.username, credential: forged.credential });
    expect(refusedWrong.ok, refusedWrong.output).toBe(false);
    expect(refusedWrong.received).toBe(0);

    await waitFor(
      () => [expired.username, current.username].every((u) => refusedUsers(turn).includes(u)),
      'coturn logging both refusals',
    );
    expect(allocatedUsers(turn)).not.toContain(expired.username);
    expect(allocatedUsers(turn)).not.toContain(current.username);

    // The right password for that same username is accepted: what was refused was the password.
    const genuine = await allocate(turn, peerPort, current);
    expect(genuine.ok, genuine.output).toBe(true);
  });
});

/** The turnserver.conf that docs/DEPLOY.md gives (its one `ini` block). */
function deployConfig(): string {
  const doc = readFileSync(join(repoRoot, 'docs/DEPLOY.md'), 'utf8');
  const block = /```ini\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/DEPLOY.md has no ```ini block with the coturn configuration');
  return block;
}

describe.skipIf(!coturnOrSkip('the TURN tests'))("docs/DEPLOY.md's coturn configuration", () => {
  it('runs, accepts the credentials Accord issues, and will not relay into the internal network', async () => {
    const config = deployConfig();
    // What the documentation promises about it.
    for (const line of [
      'use-auth-secret',
      'fingerprint',
      'no-cli',
      'no-tcp-relay',
      'denied-peer-ip=127.0.0.0-127.255.255.255',
    ]) {
      expect(config.split('\n')).toContain(line);
    }
    expect(config).toMatch(/^static-auth-secret=.*ACCORD_TURN_SECRET/m);
    expect(config).not.toMatch(/^allow-loopback-peers/m);

    // The same file with this machine's addresses and a secret of the test's (coturn on 127.0.0.1).
    const turn = await startCoturn({ config });
    const peer = await startTurnPeer();
    const t = await startServer({ env: { ACCORD_TURN_URLS: turn.urls.join(','), ACCORD_TURN_SECRET: turn.secret } });
    const c = await createTestCase(t.server, t.url, { roles: ['customer'], room: { lobby: false, phase: 'joint' } });
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    try {
      const ice = await emit(customer, 'call:ice', {});
      const credentials = turnEntry(ice.data!);
      // The allocation succeeds; relaying to a loopback peer (an address inside the TURN host) is forbidden.
      const relayed = await allocate(turn, peer.port, credentials);
      expect(relayed.received, relayed.output).toBe(0);
      await waitFor(() => allocatedUsers(turn).includes(credentials.username), 'coturn logging the allocation');
      await waitFor(() => refusedUsers(turn, 403).includes(credentials.username), 'coturn refusing the loopback peer');
      expect(refusedUsers(turn, 401)).not.toContain(credentials.username);
    } finally {
      customer.close();
      await t.close();
      await turn.stop();
    }
  });
});
