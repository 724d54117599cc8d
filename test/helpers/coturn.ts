import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup, spawnOwned } from './cleanup';
import { freePort } from './net';
import { makeTempDir } from './server';
import { waitFor } from './wait';

/** Debian's coturn (package `coturn`): the TURN server a deployment runs beside Accord. */
export const TURNSERVER = '/usr/bin/turnserver';
/** coturn's own test client and its echoing peer, from the same package. */
export const TURN_UCLIENT = '/usr/bin/turnutils_uclient';
export const TURN_PEER = '/usr/bin/turnutils_peer';

/**
 * Whether coturn is installed. Missing: the tests skip with a loud warning on a developer machine
 * and fail under CI=true (`.ci/run` installs it).
 */
export function coturnOrSkip(what: string): boolean {
  const missing = [TURNSERVER, TURN_UCLIENT, TURN_PEER].filter((f) => !existsSync(f));
  if (missing.length === 0) return true;
  const message = `${missing.join(', ')} not found: install coturn with \`apt-get install -y coturn\``;
  if (process.env.CI === 'true') throw new Error(`${what} need coturn: ${message} (required under CI)`);
  console.warn(`\n!!! SKIPPING ${what.toUpperCase()} — ${message}\n`);
  return false;
}

export interface Coturn {
  host: '127.0.0.1';
  /** The TURN listener, UDP and TCP. */
  port: number;
  /** coturn's `static-auth-secret`: give Accord the same as ACCORD_TURN_SECRET. */
  secret: string;
  realm: string;
  /** For ACCORD_TURN_URLS: UDP and TCP on the one port. */
  urls: string[];
  /** The relay ports coturn may allocate, inclusive. */
  relayPorts: [number, number];
  logFile: string;
  /** The turnserver.conf it runs. */
  configFile: string;
  /** coturn's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** How many relay ports each coturn gets: a call of three needs a few per browser, the tests far fewer than this. */
const RELAY_PORTS = 40;

/**
 * Options of a configuration that the test decides, whatever else the configuration says: where it
 * listens and relays, the secret and realm, and the files. TLS needs certificates the test has not.
 */
const TEST_OWNED = new Set([
  'listening-ip',
  'relay-ip',
  'external-ip',
  'listening-port',
  'tls-listening-port',
  'min-port',
  'max-port',
  'static-auth-secret',
  'realm',
  'cert',
  'pkey',
  'log-file',
  'simple-log',
  'pidfile',
  'userdb',
]);

/** What the tests run unless given a configuration: the deployment's essentials, with loopback peers allowed. */
const TEST_CONFIG = [
  'use-auth-secret',
  'fingerprint',
  // Every relayed address here is 127.0.0.1, which a deployment denies.
  'allow-loopback-peers',
  'no-multicast-peers',
  'no-cli',
  'no-software-attribute',
].join('\n');

export interface CoturnOptions {
  secret?: string;
  realm?: string;
  /**
   * A turnserver.conf to run instead of the tests' own (e.g. the one in docs/DEPLOY.md). Its
   * addresses, ports, secret, realm, certificates and files are replaced by the test's.
   */
  config?: string;
}

/**
 * A real coturn on 127.0.0.1 with the TURN REST API scheme (`use-auth-secret`), as docs/DEPLOY.md
 * configures it, less what a loopback test cannot have: no TLS/DTLS, and (unless given a
 * configuration) loopback peers allowed. Its configuration, database, pid file and log live in a
 * fresh directory of its own so that parallel runs never share them; stopped when the test file ends.
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const dir = makeTempDir('accord-coturn-');
  const port = await freePort();
  const relayPorts = await freeRelayRange();
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const realm = options.realm ?? 'accord';
  const logFile = join(dir, 'turnserver.log');
  const given = (options.config ?? TEST_CONFIG)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !TEST_OWNED.has(line.split('=')[0] ?? ''));
  const config = [
    ...given,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    `min-port=${relayPorts[0]}`,
    `max-port=${relayPorts[1]}`,
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'no-tls',
    'no-dtls',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    // simple-log: the file is exactly this name (no date appended, no rollover).
    `log-file=${logFile}`,
    'simple-log',
    'no-stdout-log',
    // Sessions, allocations and refused credentials are logged at this level, not below.
    'verbose',
  ];
  const configFile = join(dir, 'turnserver.conf');
  writeFileSync(configFile, `${config.join('\n')}\n`, { mode: 0o600 });
  // Only this file: never the packaged /etc/turnserver.conf.
  const args = ['-c', configFile];
  const child = spawnOwned(TURNSERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = exitOf(child);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`turnserver exited (${child.exitCode ?? child.signalCode}): ${stderr}\n${log()}`);
        }
        return stunAnswers(port);
      },
      `coturn answering STUN on 127.0.0.1:${port}`,
      30_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // Allocations need no goodbye here; a coturn slow to go is not worth the test's time.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const forget = onCleanup(`coturn on 127.0.0.1:${port}`, stop);
  return {
    host: '127.0.0.1',
    port,
    secret,
    realm,
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    relayPorts,
    logFile,
    configFile,
    log,
    async stop() {
      forget();
      await stop();
    },
  };
}

/**
 * A range of UDP ports for relays, all free now. coturn answers an allocation with 508 when the port
 * it picks is taken, so the range lies above the kernel's ephemeral ports (to 60999) and above
 * `freePort`'s (20000-31999), where nothing else on the machine binds: only another coturn, which
 * this check avoids.
 */
async function freeRelayRange(): Promise<[number, number]> {
  const blocks = Math.floor((65_535 - 61_000) / RELAY_PORTS);
  for (let attempt = 0; ; attempt++) {
    const base = 61_000 + RELAY_PORTS * Math.floor(Math.random() * blocks);
    const ports = Array.from({ length: RELAY_PORTS }, (_, i) => base + i);
    const free = await Promise.all(ports.map(udpFree));
    if (free.every(Boolean)) return [base, base + RELAY_PORTS - 1];
    if (attempt > 50) throw new Error('no free range of UDP ports for coturn relays above 61000');
  }
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Whether a STUN Binding request over UDP gets its success response (RFC 5389): the listener is up.
 * A bare 20-byte header: type 0x0001, length 0, the magic cookie, a random transaction id.
 */
function stunAnswers(port: number): Promise<boolean> {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  const transaction = randomBytes(12);
  transaction.copy(request, 8);
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.on('error', () => done(false));
    socket.on('message', (m) =>
      done(m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(transaction)),
    );
    socket.send(request, port, '127.0.0.1');
  });
}

/** A `turnutils_peer` on 127.0.0.1: it echoes what reaches it, so a relayed round trip can be counted. */
export async function startTurnPeer(): Promise<{ port: number }> {
  const port = await freePort();
  spawnOwned(TURN_PEER, ['-L', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  return { port };
}

export interface AllocationResult {
  ok: boolean;
  /** Messages sent through the relay to the peer, and echoed back through it. */
  sent: number;
  received: number;
  output: string;
}

/**
 * One real TURN client run with coturn's `turnutils_uclient`: allocates a relay with the given long-term
 * credentials, binds a channel to the peer, sends `messages` through the relay and counts the echoes.
 * `ok` is false when the allocation was refused (the client exits non-zero).
 */
export function allocate(
  turn: Coturn,
  peerPort: number,
  credentials: { username: string; credential: string },
  options: { tcp?: boolean; messages?: number } = {},
): Promise<AllocationResult> {
  const messages = options.messages ?? 5;
  const args = [
    ...(options.tcp ? ['-t'] : []),
    // No RTCP companion allocation: one relay is enough to prove the credentials.
    '-c',
    '-u',
    credentials.username,
    '-w',
    credentials.credential,
    '-p',
    String(turn.port),
    '-e',
    '127.0.0.1',
    '-r',
    String(peerPort),
    '-n',
    String(messages),
    '127.0.0.1',
  ];
  return new Promise((resolve) => {
    // Owned like the server: killed with the test file if it hangs.
    const child = spawnOwned(TURN_UCLIENT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', (err) => (output += `\n${err.message}`));
    child.once('close', (code) => {
      clearTimeout(timer);
      const counts = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s*$/m.exec(output);
      resolve({
        ok: code === 0,
        sent: Number(counts?.[1] ?? 0),
        received: Number(counts?.[2] ?? 0),
        output,
      });
    });
  });
}

/** The usernames whose ALLOCATE coturn's log shows as successful. */
export function allocatedUsers(turn: Coturn): string[] {
  const users = new Set<string>();
  for (const m of turn.log().matchAll(/user <([^>]+)>: incoming packet ALLOCATE processed, success/g)) {
    users.add(m[1] ?? '');
  }
  return [...users];
}

/**
 * The usernames coturn answered with an error: 401 (Unauthorized: a wrong or expired credential) by
 * default, or 403 (Forbidden IP: a peer address it does not relay to).
 */
export function refusedUsers(turn: Coturn, code: 401 | 403 = 401): string[] {
  const users = new Set<string>();
  const pattern = new RegExp(`user <([^>]+)>: incoming packet [A-Za-z_ ]+ processed, error ${code}\\b`, 'g');
  for (const m of turn.log().matchAll(pattern)) users.add(m[1] ?? '');
  return [...users];
}

/**
 * What coturn relayed for a username, summed over its closed sessions (`peer usage` lines: bytes
 * received from and sent to the peers). coturn writes them when an allocation ends.
 */
export function relayedBytes(turn: Coturn, username: string): { received: number; sent: number } {
  let received = 0;
  let sent = 0;
  for (const m of turn
    .log()
    .matchAll(/peer usage: realm=<[^>]*>, username=<([^>]+)>, rp=\d+, rb=(\d+), sp=\d+, sb=(\d+)/g)) {
    if (m[1] !== username) continue;
    received += Number(m[2]);
    sent += Number(m[3]);
  }
  return { received, sent };
}
