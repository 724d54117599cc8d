import { request } from 'node:http';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, type Ack, type ChatMessage, type ErrorBody } from '@accord/shared';
import { connectDoc, connectRoom, newClientId, waitSynced, type RoomClient } from '../helpers/clients';
import { rawYjs } from '../helpers/raw-yjs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bystander, type Bystander } from './proto-support';
import { bodyText, draft } from '../helpers/agreement-body';

/**
 * Issue 8, item 14 (and the limits of items 2 and 6): floods from one socket, one person, one
 * address, and slow HTTP. Limits answer with RATE_LIMITED (an ack with `retryAfterMs`, HTTP 429,
 * or close 4429), a socket that keeps flooding is disconnected, and the room stays usable for
 * everyone else. The rate limits run with their production defaults here (an empty value means
 * "the default"; the other suites run unthrottled), so the real client's bursts are checked too.
 */
const PRODUCTION_RATES = {
  ACCORD_EVENTS_PER_SECOND: '',
  ACCORD_EVENTS_BURST: '',
  ACCORD_CHAT_PER_SECOND: '',
  ACCORD_CHAT_BURST: '',
  ACCORD_YJS_MESSAGES_PER_SECOND: '',
  ACCORD_YJS_MESSAGES_BURST: '',
};

/** A second loopback address: "another machine" for the per-address limits (Linux routes all of 127/8). */
const FLOODER = '127.0.0.2';

type SendAck = Ack<unknown>;

describe('floods and slow clients', () => {
  let t: TestServer;
  let c: TestCase;
  let by: Bystander;

  beforeAll(async () => {
    t = await startServer({
      env: {
        ...PRODUCTION_RATES,
        ACCORD_MAX_CONNECTIONS_PER_ADDRESS: '50',
        ACCORD_HTTP_HEADERS_TIMEOUT_MS: '1000',
        ACCORD_HTTP_REQUEST_TIMEOUT_MS: '2000',
      },
    });
    c = await t.createCase();
    by = await bystander(t, c);
  });
  afterAll(async () => {
    by.close();
    await t.close();
  });

  const messagesOf = async (caseId: string, userId: string) =>
    (await t.server.store.listMessages(caseId, 'joint', { limit: 1000 })).filter((m) => m.senderId === userId);

  describe('Socket.IO event rates', () => {
    it('10,000 chat messages at once: the burst is stored, the rest is RATE_LIMITED, then the socket is cut off', async () => {
      const d = await t.createCase('flood');
      const room = await bystander(t, d);
      const flooder = await connectRoom(t.url, d.tokens.customer, d.caseId);
      flooder.socket.io.reconnection(false);
      const acks: SendAck[] = [];
      const gone = new Promise<string>((resolve) => flooder.socket.once('disconnect', resolve));
      const during = room.works();
      for (let i = 0; i < 10_000; i++) {
        flooder.socket.emit('chat:send', { clientId: newClientId(), text: `flood ${i}` }, (res) => acks.push(res));
      }
      await during;
      expect(await gone).toBe('io server disconnect');
      const disconnected = flooder.errors.find((e) => e.code === 'RATE_LIMITED' && /disconnected/.test(e.message));
      expect(disconnected).toBeDefined();
      // Refusals are answered at once; the accepted events were still being stored when the socket
      // was cut, so their acks are lost (a real client resends them by clientId: `duplicate`).
      const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
      expect(limited.length).toBeGreaterThan(100);
      expect(limited.every((a) => !a.ok && (a.error.retryAfterMs ?? 0) > 0)).toBe(true);
      expect(acks.every((a) => a.ok || a.error.code === 'RATE_LIMITED')).toBe(true);
      // What was stored is the burst: the first messages, in order, nothing past the chat budget.
      const stored: ChatMessage[] = await waitFor(async (): Promise<ChatMessage[] | null> => {
        const now = await messagesOf(d.caseId, d.userIds.customer);
        await sleep(100);
        return (await messagesOf(d.caseId, d.userIds.customer)).length === now.length ? now : null;
      }, 'the accepted events handled');
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length).toBeLessThanOrEqual(65);
      expect(stored.map((m) => m.text)).toEqual(stored.map((_, i) => `flood ${i}`));
      await room.works();
      room.close();
    });

    it('any event counts against the socket: 1,000 history requests → RATE_LIMITED with a retry hint; one accord:error a second without acks', async () => {
      const flooder = await connectRoom(t.url, c.tokens.observer, c.caseId);
      const acks = await Promise.all(
        Array.from({ length: 150 }, () => flooder.socket.emitWithAck('chat:history', { limit: 1 })),
      );
      const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
      expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(100);
      expect(limited.length).toBeGreaterThan(0);
      const raw = flooder.socket as unknown as { emit: (e: string, p: unknown) => void };
      for (let i = 0; i < 100; i++) raw.emit('chat:history', { limit: 1 });
      await waitFor(() => flooder.errors.some((e) => e.code === 'RATE_LIMITED'), 'accord:error');
      await sleep(100);
      expect(flooder.errors.filter((e) => e.code === 'RATE_LIMITED').length).toBe(1);
      expect(flooder.socket.connected).toBe(true);
      flooder.close();
      await by.works();
    });

    it('the chat budget is per person: a second tab does not double it; honouring retryAfterMs gets through', async () => {
      const d = await t.createCase('two tabs');
      const tabA = await connectRoom(t.url, d.tokens.platform, d.caseId);
      const tabB = await connectRoom(t.url, d.tokens.platform, d.caseId);
      const sends = await Promise.all(Array.from({ length: 70 }, () => tabA.send('from tab A')));
      expect(sends.filter((s) => s.ok).length).toBeLessThan(70);
      // A budget of its own would let all ten through; the person's spent one refuses some.
      const fromB = await Promise.all(Array.from({ length: 10 }, () => tabB.send('from tab B')));
      const refused = fromB.find((s) => !s.ok);
      expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      const wait = Math.max(...fromB.map((s) => (s.ok ? 0 : (s.error.retryAfterMs ?? 0))));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1000);
      await sleep(wait);
      expect((await tabB.send('after waiting')).ok).toBe(true);
      // Another person in the same room was never limited.
      const other = await connectRoom(t.url, d.tokens.customer, d.caseId);
      expect((await other.send('unaffected')).ok).toBe(true);
      for (const x of [tabA, tabB, other]) x.close();
    });

    it('the real client’s reconnect burst passes: welcome requests, then a 50-message outbox flushed one by one', async () => {
      const d = await t.createCase('outbox');
      const client: RoomClient = await connectRoom(t.url, d.tokens.customer, d.caseId);
      // What useRoom sends on room:welcome, then its outbox flush (each send waits for its ack).
      const welcome = await Promise.all([
        client.socket.emitWithAck('chat:history', { channel: 'joint', limit: 50 }),
        client.socket.emitWithAck('chat:history', { channel: `caucus:${d.userIds.customer}`, limit: 50 }),
        client.socket.emitWithAck('activity:list', { limit: 50 }),
        client.socket.emitWithAck('outcome:status', {}),
      ]);
      expect(welcome.map((w) => (w.ok ? 'ok' : w.error.code))).not.toContain('RATE_LIMITED');
      for (let i = 0; i < 50; i++) {
        const ack = await client.send(`queued offline ${i}`);
        expect(ack.ok ? 'ok' : ack.error.code).toBe('ok');
      }
      client.close();
    });
  });

  describe('connections per address', () => {
    /** A WebSocket handshake from `localAddress`: the HTTP status it was refused with, or 'open'. */
    function handshake(
      path: string,
      localAddress = FLOODER,
    ): Promise<{ status: number | 'open'; ws: WebSocket; body: string }> {
      const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}${path}`, { localAddress });
      return new Promise((resolve) => {
        ws.once('open', () => resolve({ status: 'open', ws, body: '' }));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ws, body }));
        });
        ws.once('error', () => resolve({ status: 0, ws, body: '' }));
      });
    }

    it('1,000 sockets from one address: 50 open, the rest HTTP 429 RATE_LIMITED; others connect and chat meanwhile', async () => {
      const attempts = Array.from({ length: 1000 }, (_, i) =>
        handshake(
          i % 2 === 0 ? '/socket.io/?EIO=4&transport=websocket' : `/yjs/${c.caseId}?token=${c.tokens.observer}`,
        ),
      );
      const during = by.works();
      const results = await Promise.all(attempts);
      await during;
      const opened = results.filter((r) => r.status === 'open');
      const refused = results.filter((r) => r.status === 429);
      expect(opened.length).toBe(50);
      expect(refused.length).toBe(950);
      expect((JSON.parse(refused[0]?.body ?? '{}') as { error: ErrorBody }).error.code).toBe('RATE_LIMITED');
      // Long-polling handshakes count too.
      const polling = await new Promise<number>((resolve) =>
        request(`${t.url}/socket.io/?EIO=4&transport=polling`, { localAddress: FLOODER }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).end(),
      );
      expect(polling).toBe(429);
      // Someone at another address is not affected.
      const newcomer = await connectRoom(t.url, c.tokens.mediator, c.caseId);
      expect((await newcomer.send('from another address')).ok).toBe(true);
      newcomer.close();
      // Closing connections frees the address's slots.
      for (const r of results) r.ws.terminate();
      await waitFor(
        async () => (await handshake('/socket.io/?EIO=4&transport=websocket')).status === 'open',
        'a slot again',
      );
      await by.works();
    });

    it('behind a proxy on loopback, connections count against the forwarded address', async () => {
      const via = (forwarded: string) =>
        new Promise<number | 'open'>((resolve) => {
          const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
            localAddress: FLOODER,
            headers: { 'x-forwarded-for': forwarded },
          });
          ws.once('open', () => (open.push(ws), resolve('open')));
          ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
          ws.once('error', () => resolve(0));
        });
      const open: WebSocket[] = [];
      const first = await Promise.all(Array.from({ length: 51 }, () => via('203.0.113.7')));
      expect(first.filter((s) => s === 'open').length).toBe(50);
      expect(first.filter((s) => s === 429).length).toBe(1);
      expect(await via('203.0.113.8')).toBe('open');
      open.forEach((ws) => ws.terminate());
    });

    it('a handshake refused for its own reasons (bad token) gives its slot back', async () => {
      const refusals = await Promise.all(
        Array.from({ length: 60 }, () => handshake(`/yjs/${c.caseId}?token=not-a-token`).then((r) => r.status)),
      );
      // Accepted at the HTTP level, then closed 4401 by the endpoint: all 60 fit, one after another.
      expect(refusals.filter((s) => s === 'open').length).toBeGreaterThanOrEqual(50);
      await waitFor(
        async () => (await handshake('/socket.io/?EIO=4&transport=websocket')).status === 'open',
        'slots freed',
      );
    });
  });

  describe('slow HTTP (slowloris)', () => {
    /** Sends a request line and then one header line every 200 ms, forever; resolves when the server gives up. */
    function slowHeaders(): Promise<{ ms: number; answer: string }> {
      const started = Date.now();
      const socket: TcpSocket = tcpConnect({
        port: Number(new URL(t.url).port),
        host: '127.0.0.1',
        localAddress: FLOODER,
      });
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('error', () => undefined);
      socket.write(`GET /api/health HTTP/1.1\r\nHost: localhost\r\n`);
      const drip = setInterval(() => socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
      return new Promise((resolve) =>
        socket.once('close', () => {
          clearInterval(drip);
          resolve({ ms: Date.now() - started, answer });
        }),
      );
    }

    it('headers that never end are cut off (408) while others are served', async () => {
      const slow = Array.from({ length: 20 }, () => slowHeaders());
      // Meanwhile, the API answers and the room works.
      for (let i = 0; i < 5; i++) {
        expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
        await sleep(100);
      }
      await by.works();
      const results = await Promise.all(slow);
      for (const r of results) {
        expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
        // Headers timeout 1 s, checked every 500 ms: must not hang (a generous bound, not a speed test).
        expect(r.ms).toBeLessThan(5000);
      }
    });

    it('a body that never ends is cut off by the request timeout', async () => {
      const started = Date.now();
      const socket = tcpConnect({ port: Number(new URL(t.url).port), host: '127.0.0.1' });
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('error', () => undefined);
      socket.write(
        'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      const drip = setInterval(() => socket.write(' '), 200);
      await new Promise((resolve) => socket.once('close', resolve));
      clearInterval(drip);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(6000);
    });
  });
});

describe('the Yjs socket’s message and byte budget', () => {
  let t: TestServer;
  let c: TestCase;

  beforeAll(async () => {
    t = await startServer({
      env: {
        ACCORD_YJS_MESSAGES_PER_SECOND: '50',
        ACCORD_YJS_MESSAGES_BURST: '100',
        ACCORD_YJS_MAX_MESSAGE_BYTES: '65536',
        ACCORD_YJS_BYTES_PER_SECOND: '16384',
        ACCORD_YJS_BYTES_BURST: '65536',
      },
    });
    c = await t.createCase();
  });
  afterAll(() => t.close());

  it('past its message budget a connection is closed 4429 RATE_LIMITED; another keeps editing', async () => {
    const editor = connectDoc(t.url, c.caseId, c.tokens.platform);
    const watcher = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await Promise.all([waitSynced(editor), waitSynced(watcher)]);
    const r = rawYjs(t.url, c.caseId, c.tokens.customer);
    await r.opened;
    for (let i = 0; i < 300; i++) r.ws.send(new Uint8Array([3]));
    expect(await r.closed).toMatchObject({ code: CloseCode.OVERLOADED, reason: /^RATE_LIMITED/ });
    draft(editor.doc).insert(0, 'still editing');
    await waitFor(() => bodyText(watcher.doc).includes('still editing'), 'edit relayed');
    expect(editor.closes).toEqual([]);
    editor.destroy();
    watcher.destroy();
  });

  it('past its byte budget too, counted per byte, not per message', async () => {
    const r = rawYjs(t.url, c.caseId, c.tokens.customer);
    await r.opened;
    for (let i = 0; i < 3; i++) r.ws.send(new Uint8Array(60_000).fill(3, 0, 1));
    expect(await r.closed).toMatchObject({ code: CloseCode.OVERLOADED, reason: /^RATE_LIMITED/ });
  });

  it('with the production defaults a stock provider’s burst of 500 edits in one go is not refused', async () => {
    const p = await startServer({ env: PRODUCTION_RATES });
    const d = await p.createCase();
    const editor = connectDoc(p.url, d.caseId, d.tokens.platform);
    const watcher = connectDoc(p.url, d.caseId, d.tokens.mediator);
    await Promise.all([waitSynced(editor), waitSynced(watcher)]);
    const text = draft(editor.doc);
    // All in one go, each its own message: queued on the server, within the message burst.
    for (let i = 0; i < 500; i++) text.insert(text.length, String(i % 10));
    await waitFor(() => bodyText(watcher.doc).length === 500, 'all keystrokes relayed');
    expect(editor.closes).toEqual([]);
    editor.destroy();
    watcher.destroy();
    await p.close();
  });
});
