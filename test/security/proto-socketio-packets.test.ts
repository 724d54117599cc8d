import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@accord/shared';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { bystander, rawSocketIo, storedState, type Bystander, type RawSocketIo } from './proto-support';

/**
 * Issue 8, items 3, 4 and 6: what a hostile client can put in Socket.IO packets, written by hand
 * on a bare WebSocket. Each case: a clear error (an ack or `accord:error` with a code, or the
 * connection closed), the server stays up, the bystander keeps chatting and editing, and nothing
 * the offender sent is stored.
 */
describe('hostile Socket.IO packets', () => {
  let t: TestServer;
  let c: TestCase;
  let by: Bystander;
  let before: Awaited<ReturnType<typeof storedState>>;
  const open: RawSocketIo[] = [];

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_SOCKET_MAX_PACKET_BYTES: String(64 * 1024) } });
    c = await t.createCase();
    by = await bystander(t, c);
  });
  afterAll(async () => {
    by.close();
    await t.close();
  });
  beforeEach(async () => {
    before = await storedState(t, c.caseId, by);
  });
  afterEach(async () => {
    for (const r of open.splice(0)) r.close();
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
    await by.works();
    expect(await storedState(t, c.caseId, by)).toEqual(before);
  });

  /** The customer, connected and welcomed, over a hand-written Socket.IO connection. */
  async function offender(auth: unknown = { token: c.tokens.customer, caseId: c.caseId }): Promise<RawSocketIo> {
    const r = rawSocketIo(t.url);
    open.push(r);
    expect(await r.connect(auth)).toBe(true);
    await waitFor(() => r.events.some((e) => e.name === 'room:welcome'), 'room:welcome');
    return r;
  }

  /** The first ack to `frame` (which must carry ack id 1), as `{ ok, error }`. */
  async function ackOf(r: RawSocketIo, ...frames: (string | Buffer)[]): Promise<{ ok: boolean; error?: ErrorBody }> {
    for (const f of frames) r.send(f);
    const [res] = await r.ack(1);
    return res as { ok: boolean; error?: ErrorBody };
  }

  const placeholder = (num: unknown) => JSON.stringify({ _placeholder: true, num });

  describe('packets the Socket.IO parser refuses close that connection alone', () => {
    it.each<[string, (string | Buffer)[]]>([
      ['a placeholder numbered "splice"', [`451-["chat:send",${placeholder('splice')}]`, Buffer.from('x')]],
      ['a placeholder numbered "__proto__"', [`451-["chat:send",${placeholder('__proto__')}]`, Buffer.from('x')]],
      ['a placeholder past the attachments', [`451-["chat:send",${placeholder(7)}]`, Buffer.from('x')]],
      ['a negative placeholder', [`451-["chat:send",${placeholder(-1)}]`, Buffer.from('x')]],
      ['five thousand attachments declared', ['455000-["chat:send",{}]']],
      ['an attachment count past 2^53', ['4599999999999999999999-["chat:send",{}]']],
      [
        'attachments declared, then a text packet instead',
        [`452-["chat:send",${placeholder(0)}]`, '42["chat:history",{}]'],
      ],
      ['a binary frame nobody declared', [Buffer.from([1, 2, 3])]],
      ['a reserved event name', ['42["disconnect"]']],
      ['an event without a name', ['42[]']],
      ['an event that is not an array', ['42{"chat:send":{}}']],
      ['an unknown packet type', ['49["chat:send",{}]']],
      ['a second CONNECT on a connected namespace', [`40${JSON.stringify({ token: 'x', caseId: 'y' })}`]],
      ['a DISCONNECT with a payload', ['41{"reason":"x"}']],
      ['JSON that does not parse', ['42["chat:send",{']],
    ])('%s', async (_name, frames) => {
      const r = await offender();
      for (const f of frames) r.send(f);
      // Bounded: the parser must give up at once, not wait for more.
      await waitFor(() => r.isClosed(), 'the connection closed', 3000);
    });

    it('attachments declared and never sent hold nothing once the client is gone', async () => {
      const r = await offender();
      r.send(`452-["chat:send",{"clientId":"abcdefgh9","text":${placeholder(0)}},${placeholder(1)}]`);
      r.send(Buffer.from('only one of two'));
      // The parser waits for the second; the connection lives on (pings answered) until the client leaves.
      expect(r.isClosed()).toBe(false);
      r.close();
      await waitFor(async () => {
        const text = await (await fetch(`${t.url}/metrics`)).text();
        return /accord_connections\{kind="room"\} 2\b/.test(text);
      }, 'only the bystander and its watcher connected');
    });
  });

  describe('events answered with a code, the connection kept', () => {
    it('a binary attachment where text belongs → VALIDATION_FAILED', async () => {
      const r = await offender();
      const res = await ackOf(
        r,
        `451-1["chat:send",{"clientId":"abcdefgh1","text":${placeholder(0)}}]`,
        Buffer.from('binary text'),
      );
      expect(res.error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'text' }] });
    });

    it.each([
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['toString', 'toString'],
      ['hasOwnProperty', 'hasOwnProperty'],
      ['valueOf', 'valueOf'],
      ['error (an EventEmitter name)', 'error'],
      ['ten thousand characters long', 'x'.repeat(10_000)],
    ])('an event named %s → UNKNOWN_EVENT', async (_label, name) => {
      const r = await offender();
      const res = await ackOf(r, `421${JSON.stringify([name, {}])}`);
      expect(res.error?.code).toBe('UNKNOWN_EVENT');
      expect(res.error?.message.length).toBeLessThan(100);
    });

    it('an event named by a number → UNKNOWN_EVENT (not an internal error)', async () => {
      const r = await offender();
      expect((await ackOf(r, '421[42,{}]')).error?.code).toBe('UNKNOWN_EVENT');
    });

    it('no payload, or fifty arguments → VALIDATION_FAILED', async () => {
      const r = await offender();
      expect((await ackOf(r, '421["chat:history"]')).error?.code).toBe('VALIDATION_FAILED');
      const fifty = JSON.stringify(['chat:history', {}, ...Array.from({ length: 49 }, (_, i) => i)]);
      r.send(`422${fifty}`);
      const [res] = await r.ack(2);
      expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: /one payload/ } });
    });

    it('no ack, or an argument where the ack belongs → accord:error', async () => {
      const r = await offender();
      r.send('42["chat:send",{"text":1}]');
      r.send('42["chat:history",{},"not-a-callback"]');
      await waitFor(() => r.errors().filter((e) => e.code === 'VALIDATION_FAILED').length === 2, 'two accord:error');
    });

    it('payloads nested ten thousand deep → VALIDATION_FAILED', async () => {
      const r = await offender();
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      expect((await ackOf(r, `421["chat:send",{"clientId":"abcdefgh2","text":${deep}}]`)).error).toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ path: 'text' }],
      });
      r.send(`422["chat:send",${deepObject}]`);
      expect((await r.ack(2))[0]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    });

    it('__proto__ and constructor keys are unknown fields, not prototypes', async () => {
      const r = await offender();
      const proto = `421["chat:send",{"clientId":"abcdefgh3","text":"hi","__proto__":{"role":"mediator"}}]`;
      expect((await ackOf(r, proto)).error).toMatchObject({ code: 'VALIDATION_FAILED' });
      r.send('422["chat:history",{"constructor":{"prototype":{"isAdmin":true}}}]');
      expect((await r.ack(2))[0]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(Object.prototype).not.toHaveProperty('role');
      expect(Object.prototype).not.toHaveProperty('isAdmin');
    });

    it('{"__proto__": {"role": "mediator"}} in the handshake escalates nothing', async () => {
      const forged = `{"token":${JSON.stringify(c.tokens.customer)},"caseId":"${c.caseId}","__proto__":{"role":"mediator","admitted":true}}`;
      const r = rawSocketIo(t.url);
      open.push(r);
      await r.opened;
      await waitFor(() => r.frames.some((f) => f.startsWith('0{')), 'Engine.IO open');
      r.send(`40${forged}`);
      await waitFor(() => r.events.some((e) => e.name === 'room:welcome'), 'room:welcome');
      const welcome = r.events.find((e) => e.name === 'room:welcome')?.args[0] as { you: { role: string } };
      expect(welcome.you.role).toBe('customer');
      // A mediator's event is still refused.
      expect((await ackOf(r, '421["room:phase",{"phase":"signing"}]')).error?.code).toBe('FORBIDDEN');
      expect(Object.prototype).not.toHaveProperty('role');
    });
  });

  describe('before the handshake completes', () => {
    it('an event before CONNECT closes the connection; so does one sent while the handshake is checked', async () => {
      const early = rawSocketIo(t.url);
      open.push(early);
      await early.opened;
      await waitFor(() => early.frames.some((f) => f.startsWith('0{')), 'Engine.IO open');
      early.send('42["chat:send",{"clientId":"abcdefgh4","text":"before auth"}]');
      await waitFor(() => early.isClosed(), 'closed', 3000);

      const racing = rawSocketIo(t.url);
      open.push(racing);
      await racing.opened;
      await waitFor(() => racing.frames.some((f) => f.startsWith('0{')), 'Engine.IO open');
      racing.send(`40${JSON.stringify({ token: c.tokens.customer, caseId: c.caseId })}`);
      racing.send('42["chat:send",{"clientId":"abcdefgh5","text":"while auth runs"}]');
      await waitFor(() => racing.isClosed(), 'closed', 3000);
    });

    it('a flood of events before CONNECT ends at the first', async () => {
      const r = rawSocketIo(t.url);
      open.push(r);
      await r.opened;
      await waitFor(() => r.frames.some((f) => f.startsWith('0{')), 'Engine.IO open');
      for (let i = 0; i < 5000; i++) r.send(`42["chat:send",{"clientId":"flood${i}xx","text":"x"}]`);
      await waitFor(() => r.isClosed(), 'closed', 5000);
    });

    it('a flood of refused handshakes on one connection is cut off after ten (RATE_LIMITED)', async () => {
      const r = rawSocketIo(t.url);
      open.push(r);
      await r.opened;
      await waitFor(() => r.frames.some((f) => f.startsWith('0{')), 'Engine.IO open');
      for (let i = 0; i < 1000; i++) r.send(`40${JSON.stringify({ token: `bad-${i}`, caseId: c.caseId })}`);
      await waitFor(() => r.isClosed(), 'closed', 5000);
      const refusals = r.frames
        .filter((f) => f.startsWith('44'))
        .map((f) => (JSON.parse(f.slice(2)) as { data: ErrorBody }).data);
      expect(refusals.length).toBeLessThanOrEqual(11);
      expect(refusals.map((e) => e.code)).toContain('RATE_LIMITED');
    });
  });

  describe('size limits apply before decoding', () => {
    it('the configured packet limit (64 KiB here): under it a packet is parsed and judged, over it the connection closes (1009)', async () => {
      const r = await offender();
      const under = await ackOf(r, `421["chat:send",{"clientId":"abcdefgh7","text":"${'x'.repeat(60 * 1024)}"}]`);
      expect(under.error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'text' }] });
      r.send(`422["chat:send",{"clientId":"abcdefgh8","text":"${'x'.repeat(70 * 1024)}"}]`);
      expect((await r.closed).code).toBe(1009);
    });

    it('a 50 MB Socket.IO packet over WebSocket closes that connection (1009)', async () => {
      const r = await offender();
      r.send(`42["chat:send",{"clientId":"abcdefgh6","text":"${'x'.repeat(50 * 1024 * 1024)}"}]`);
      expect((await r.closed).code).toBe(1009);
    });

    it('a 50 MB body on a long-polling session → 413', async () => {
      const open0 = await (await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`)).text();
      const sid = (JSON.parse(open0.slice(1)) as { sid: string }).sid;
      const res = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: `4${'x'.repeat(50 * 1024 * 1024)}`,
      });
      expect(res.status).toBe(413);
    });
  });
});
