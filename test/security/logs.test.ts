import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, redactText, SqliteStore } from '@accord/server';
import { connectRoom, newClientId } from '../helpers/clients';
import { complaint as complaintOf, form, pdf, type Complaint } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { rawYjs } from '../helpers/raw-yjs';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * Hardening: structured logs never hold a personal identifier or a secret.
 * The server's own logger (`createLogger`) is used, writing to a sink this test reads.
 */

const ID_NUMBER = '110101199003071234';
const PHONE = '13812345678';
const CARD = '6222021234567890123';
const CARD_GROUPED = '6222 0212 3456 7890';
const PIN = '493817';

function sink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

/** The lender complaints here are against: made when the server starts. */
let lenderId = '';
const complaint = (over: Partial<Complaint> = {}) => complaintOf({ lenderId, ...over });

describe('log redaction', () => {
  it('removes secrets by field and identifiers by pattern, and keeps the lines valid JSON', () => {
    const { lines, stream } = sink();
    const log = createLogger({ logLevel: 'trace' }, stream);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    log.info(
      {
        event: 'probe',
        caseId: '0b8f3c1e-8a4e-4a63-9b7e-3d1f2a6c9e10',
        token: 'plain-token-value',
        password: 'correct horse battery',
        pin: PIN,
        body: { nationalId: ID_NUMBER, phone: PHONE, currentPassword: 'old secret value' },
        req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=cookie-secret-value' } },
        note: `card ${CARD} and ${CARD_GROUPED}, phone +86 ${PHONE}, id ${ID_NUMBER}`,
        url: `/yjs/x?token=${jwt}&other=1`,
        invite: `http://localhost/join/${jwt}`,
      },
      `message with ${PHONE} in it`,
    );
    log.error({ err: new Error(`duplicate key (national_id)=(${ID_NUMBER}) card ${CARD}`), event: 'boom' }, 'failed');
    const all = lines.join('\n');
    for (const secret of [
      ID_NUMBER,
      PHONE,
      CARD,
      CARD_GROUPED,
      PIN,
      jwt,
      'plain-token-value',
      'correct horse battery',
      'old secret value',
      'cookie-secret-value',
      'abc.def.ghi',
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // What is not personal stays readable.
    expect(first).toMatchObject({ event: 'probe', caseId: '0b8f3c1e-8a4e-4a63-9b7e-3d1f2a6c9e10', app: 'accord' });
    expect(first?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(String(first?.note)).toContain('[card-number]');
    expect(second).toMatchObject({ event: 'boom', err: { type: 'Error' } });
    expect(String((second?.err as { stack: string }).stack)).toContain('[id-number]');
  });

  it('leaves ordinary numbers alone: seqs, sizes, UUIDs, hashes', () => {
    const text = 'seq 42 size 1048576 id 0b8f3c1e-8a4e-4a63-9b7e-3d1f2a6c9e10 at 2026-11-28T21:00:00.000Z';
    expect(redactText(text)).toBe(text);
    // Ids whose digits run 13 and more across the dashes (about one random UUID in fifty), and a hash.
    for (const id of [
      '12345678-1234-4123-9123-123456789012',
      '01937452-8123-4567-8abc-def012345678',
      'a3f5b2c1d4e6f70812345678901234567890abcdef0123456789abcdef012345',
    ]) {
      expect(redactText(`doc ${id} card ${CARD}`)).toBe(`doc ${id} card [card-number]`);
    }
  });

  it('keeps a line valid JSON when a number in it reads as an identifier', () => {
    const { lines, stream } = sink();
    const log = createLogger({ logLevel: 'info' }, stream);
    const caseId = '12345678-1234-4123-9123-123456789012';
    log.info({ event: 'probe', caseId, at: 1764369902000, count: 3 }, 'numbers');
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ event: 'probe', caseId, at: '[card-number]', count: 3 });
  });
});

describe('the running server’s logs', () => {
  let t: TestServer;
  const { lines, stream } = sink();
  let failNext = false;
  const call = httpClient(() => t.url);

  beforeAll(async () => {
    t = await startServer({
      log: createLogger({ logLevel: 'trace' }, stream),
      // A store whose next message write fails with identifiers in its error, as a driver's might.
      store: (dir) =>
        new Proxy(new SqliteStore({ filename: join(dir, 'accord.db') }), {
          get: (target, prop, receiver) => {
            const value: unknown = Reflect.get(target, prop, receiver);
            if (prop === 'appendMessage' && failNext) {
              failNext = false;
              return () =>
                Promise.reject(
                  Object.assign(new Error(`constraint failed: phone=${PHONE} national_id=${ID_NUMBER} card=${CARD}`), {
                    code: 'SQLITE_CONSTRAINT',
                  }),
                );
            }
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        }),
    });
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
  });
  afterAll(() => t.close());

  it('hold none of a complaint’s identifiers, the PINs or the tokens after a whole session with failures', async () => {
    const filed = await call<{ caseId: string; pin: string; trackingUrl: string }>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ phone: PHONE, nationalId: ID_NUMBER, description: `卡号 ${CARD}，手机 ${PHONE}，请退款。` }), [
        { name: `${ID_NUMBER}.pdf`, data: pdf() },
      ]),
    );
    expect(filed.status).toBe(201);
    const c = await t.createCase();
    const room = await connectRoom(t.url, c.tokens.customer, c.caseId);
    expect((await room.send(`我的卡号是 ${CARD}，电话 ${PHONE}`)).ok).toBe(true);
    failNext = true;
    const failed = await room.send(`again ${ID_NUMBER}`, newClientId());
    expect(failed).toMatchObject({ ok: false, error: { code: 'STORE_FAILED' } });
    // A malformed Yjs message is logged with the reason.
    const r = rawYjs(t.url, c.caseId, c.tokens.customer);
    await r.opened;
    r.ws.send(new Uint8Array([99, 1, 2]));
    await r.closed;
    room.close();
    await waitFor(() => lines.some((l) => l.includes('"store.error"')), 'store error logged');
    await waitFor(() => lines.some((l) => l.includes('"yjs.malformed"')), 'malformed message logged');

    const all = lines.join('\n');
    const secrets = [PHONE, ID_NUMBER, CARD, filed.body.pin, filed.body.trackingUrl.split('/track/')[1] ?? '?'];
    secrets.push(...Object.values(c.tokens), ...Object.values(c.pins).filter(Boolean));
    for (const secret of secrets) expect(all, secret).not.toContain(secret);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
