import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, EvidenceView, IntakeResult } from '@accord/shared';
import { complaint as complaintOf, pdf, png, type Complaint } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Issue 8, item 12: hostile upload names and contents. A file name is only ever displayed (files
 * are stored under generated names), so a name is made safe, never obeyed; a file whose bytes are
 * not an accepted type is refused whatever its name or declared type, and nothing is stored.
 * Also covered in `test/integration/lifecycle.test.ts` (text named .pdf, empty, too large, too many).
 */

/** A multipart body written byte by byte, so a part's filename can carry what no browser sends (NUL, CR LF). */
function multipart(
  fields: Record<string, string>,
  files: { filename: Buffer | string; data: Buffer; type?: string }[],
): { body: Buffer; contentType: string } {
  const boundary = `----accord${Date.now().toString(36)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="`),
      Buffer.isBuffer(f.filename) ? f.filename : Buffer.from(f.filename, 'utf8'),
      Buffer.from(`"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The lender complaints here are against: made when the server starts. */
let lenderId = '';
const complaint = (over: Partial<Complaint> = {}) => complaintOf({ lenderId, ...over });

describe('hostile uploads', () => {
  let t: TestServer;
  let staffToken: string;
  const call = httpClient(() => t.url);

  const file = (caseId: string) => readdirSync(join(t.dataDir, 'evidence', caseId));
  const topLevel = () => readdirSync(t.dataDir).sort();
  const caseCount = async () => (await t.server.store.listCases({})).length;

  async function upload(files: Parameters<typeof multipart>[1]) {
    const { body, contentType } = multipart({ ...complaint() }, files);
    const res = await fetch(`${t.url}/api/intake`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as IntakeResult & { error?: ErrorBody } };
  }

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_EVIDENCE_MAX_FILES: '10' } });
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    await t.server.cases.createStaff(null, {
      username: 'upload.staff',
      displayName: 'Staff',
      staffRole: 'reviewer',
      password: 'correct horse battery',
    });
    staffToken = (
      await call<{ token: string }>('POST', '/api/auth/login', undefined, {
        username: 'upload.staff',
        password: 'correct horse battery',
      })
    ).body.token;
  });
  afterAll(() => t.close());

  it('path-like, encoded, escaped CR LF, control, bidi, zero-width and over-long names are stored as safe display names only', async () => {
    const before = topLevel();
    const long = `${'长'.repeat(150)}${'a'.repeat(149)}😀.pdf`;
    const names: [Buffer | string, string][] = [
      ['../../x.pdf', 'x.pdf'],
      ['..\\..\\x.pdf', 'x.pdf'],
      ['%2e%2e%2fx.pdf', '%2e%2e%2fx.pdf'],
      ['/etc/passwd', 'passwd'],
      // What a browser's FormData sends for a CR LF in a name: busboy decodes it, the server drops it.
      ['x%0D%0ASet-Cookie: pwned=1.pdf', 'xSet-Cookie: pwned=1.pdf'],
      ['x\u0085y.pdf', 'xy.pdf'],
      ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
      ['zero\u200Bwidth\uFEFF.pdf', 'zerowidth.pdf'],
    ];
    const res = await upload(names.map(([filename], i) => ({ filename, data: pdf(`file ${i}`) })));
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(201);
    const longRes = await upload([{ filename: long, data: pdf('long') }]);
    expect(longRes.status).toBe(201);

    const stored = await t.server.store.listEvidence(res.body.caseId);
    expect(stored.map((e) => e.name).sort()).toEqual(names.map(([, shown]) => shown).sort());
    const [longStored] = await t.server.store.listEvidence(longRes.body.caseId);
    expect([...(longStored?.name ?? '')].length).toBe(120);
    expect(longStored?.name.endsWith('.pdf')).toBe(true);
    expect(longStored?.name).toBe(longStored?.name.normalize('NFC'));
    // No half surrogate pair where the name was cut.
    expect(longStored?.name).not.toMatch(/\p{Cs}/u);

    // On disk: generated names in the case's own folder, nothing anywhere else.
    for (const id of [res.body.caseId, longRes.body.caseId]) {
      for (const f of file(id)) expect(f).toMatch(/^[0-9a-f-]{36}\.bin$/);
    }
    expect(file(res.body.caseId)).toHaveLength(names.length);
    expect(topLevel()).toEqual([...new Set([...before, 'evidence'])].sort());

    // A download names the file only inside an encoded filename*, so no header can be injected.
    const crlf = stored.find((e) => e.name.startsWith('xSet-Cookie'));
    const dl = await fetch(`${t.url}/api/cases/${res.body.caseId}/evidence/${crlf?.id}`, {
      headers: { authorization: `Bearer ${staffToken}` },
    });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('set-cookie')).toBeNull();
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''[A-Za-z0-9%._~!*'()-]+$/);
    expect(dl.headers.get('content-type')).toBe('application/pdf');
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await dl.arrayBuffer()).equals(pdf('file 4'))).toBe(true);
  });

  it.each([
    ['a NUL byte', Buffer.from('a\u0000b.pdf')],
    ['a control character', Buffer.from('x\u0007y.pdf')],
  ])('a part header with %s → 400 VALIDATION_FAILED (was 500), nothing stored', async (_n, filename) => {
    const cases = await caseCount();
    const res = await upload([{ filename, data: pdf() }]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('malformed') });
    expect(await caseCount()).toBe(cases);
  });

  it('a raw CR LF in a part header ends that line: the name keeps no line break and adds no header', async () => {
    const res = await upload([{ filename: Buffer.from('x\r\nSet-Cookie: pwned=1.pdf'), data: pdf('crlf') }]);
    expect([201, 400]).toContain(res.status);
    if (res.status !== 201) return;
    for (const e of await t.server.store.listEvidence(res.body.caseId)) {
      expect(e.name).not.toMatch(/[\r\n]/);
      const dl = await fetch(`${t.url}/api/cases/${res.body.caseId}/evidence/${e.id}`, {
        headers: { authorization: `Bearer ${staffToken}` },
      });
      expect(dl.headers.get('set-cookie')).toBeNull();
    }
  });

  it.each([
    ['HTML named .png', 'photo.png', Buffer.from('<html><script>alert(1)</script></html>'), 'image/png'],
    ['SVG with script named .png', 'x.png', Buffer.from('<svg onload="alert(1)"></svg>'), 'image/png'],
    ['an executable named .pdf', 'invoice.pdf', Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), 'application/pdf'],
    ['a PDF header after a byte', 'late.pdf', Buffer.concat([Buffer.from(' '), pdf()]), 'application/pdf'],
    ['a truncated PNG signature', 'short.png', png.subarray(0, 4), 'image/png'],
  ])('%s → 400 naming the file, the whole complaint refused, nothing stored', async (_n, filename, data, type) => {
    const cases = await caseCount();
    const dirs = topLevel().includes('evidence') ? readdirSync(join(t.dataDir, 'evidence')).length : 0;
    const res = await upload([
      { filename: 'fine.pdf', data: pdf() },
      { filename, data, type },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.body.error?.message).toContain(filename);
    expect(await caseCount()).toBe(cases);
    expect(topLevel().includes('evidence') ? readdirSync(join(t.dataDir, 'evidence')).length : 0).toBe(dirs);
  });

  it('the type comes from the bytes, not the name or the declared type', async () => {
    const res = await upload([{ filename: 'scan.pdf', data: png, type: 'application/pdf' }]);
    expect(res.status).toBe(201);
    const [e] = await t.server.store.listEvidence(res.body.caseId);
    expect(e).toMatchObject({ name: 'scan.pdf', type: 'image/png' });
    const list = await call<EvidenceView[]>('GET', `/api/cases/${res.body.caseId}/evidence`, staffToken);
    expect(list.body[0]?.type).toBe('image/png');
  });
});
