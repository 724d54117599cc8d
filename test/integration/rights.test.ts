import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOutcome, type ErrorBody, type RightsView, type SealedOutcome } from '@accord/shared';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { httpClient } from '../helpers/http';
import { waitFor } from '../helpers/wait';
import { createTestCase, makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';

const CONTENT = join(import.meta.dirname, '../../content/rights');
const fileOf = (language: string) => readFileSync(join(CONTENT, `${language}.md`), 'utf8');
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const FORMAT_2 = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/outcome/format-2.json'), 'utf8')) as {
  publicKey: string;
  sealed: SealedOutcome;
};

type Answer = RightsView & { error: ErrorBody };

/**
 * The rights and duties before the session (issue 21): the centre's text in each language, named by version
 * and hash; acknowledged once per case by each party only (the first kept, audited once), a stale text or a
 * bad body refused with nothing stored; the sealed record lists the acknowledgements (and the PDF, a party
 * who made none), and still verifies, as records sealed before the field existed do.
 */
describe('rights and duties before the session', () => {
  let t: TestServer;
  let c: TestCase;
  let mediator: RoomClient;
  const call = httpClient(() => t.url);
  const read = (token: string, lang?: string, caseId = c.caseId) =>
    call<Answer>('GET', `/api/cases/${caseId}/rights${lang ? `?lang=${lang}` : ''}`, token);
  const ack = (token: string, body: unknown, caseId = c.caseId) =>
    call<Answer>('POST', `/api/cases/${caseId}/rights/acknowledgement`, token, body);
  const current = (language: 'zh-CN' | 'en') => ({
    language,
    version: '2026-12-05',
    sha256: sha(fileOf(language)),
  });
  const audited = async () =>
    (await t.server.store.listAudit(c.caseId, { limit: 500 })).filter((e) => e.kind === 'rights.acknowledged');

  beforeAll(async () => {
    t = await startServer();
    // Nobody has acknowledged yet: the helper's acknowledgement is turned off.
    c = await createTestCase(t.server, t.url, { acknowledgeRights: false, room: { phase: 'opening' } });
  });
  afterAll(async () => {
    mediator?.close();
    await t.close();
  });

  it('reads the text in each language, with the version line and the SHA-256 of the file as stored', async () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const res = await read(c.tokens.customer, language);
      expect(res.status).toBe(200);
      const source = fileOf(language);
      expect(res.body).toMatchObject({ language, version: '2026-12-05', sha256: sha(source), acknowledged: null });
      expect(`# ${res.body.title}`).toBe(source.split('\n')[0]);
      // Every section, paragraph and point of the file, and nothing else.
      const headings = source.split('\n').filter((l) => l.startsWith('## '));
      expect(res.body.sections.map((s) => `## ${s.heading}`)).toEqual(headings);
      const lines = res.body.sections.flatMap((s) => [...s.paragraphs, ...s.points.map((p) => `- ${p}`)]);
      const body = source.split('\n').filter((l) => l.trim() !== '' && !/^(# |## |version: )/.test(l));
      expect(lines.sort()).toEqual(body.sort());
    }
    expect((await read(c.tokens.customer, 'en')).body.title).toMatch(/rights and duties/);
    expect((await read(c.tokens.customer, 'zh-CN')).body.title).toContain('权利与义务');
    // Without a language: the case's (zh-CN).
    expect((await read(c.tokens.customer)).body.language).toBe('zh-CN');
    const bad = await read(c.tokens.customer, 'fr');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('asks the parties, not the mediator nor an observer; a session of another case reads nothing', async () => {
    expect((await read(c.tokens.customer)).body.required).toBe(true);
    expect((await read(c.tokens.platform)).body.required).toBe(true);
    expect((await read(c.tokens.mediator)).body.required).toBe(false);
    expect((await read(c.tokens.observer)).body.required).toBe(false);
    const other = await createTestCase(t.server, t.url, { roles: ['customer'], acknowledgeRights: false });
    expect((await read(other.tokens.customer)).status).toBe(403);
  });

  it('refuses a non-party, a stale text and a bad body, with a clear error and nothing stored', async () => {
    for (const who of ['mediator', 'observer', 'admin'] as const) {
      const res = await ack(c.tokens[who], current('zh-CN'));
      expect(res.status, who).toBe(403);
      expect(res.body.error, who).toMatchObject({ code: 'FORBIDDEN', reason: 'rights.partiesOnly' });
    }
    const stale = await ack(c.tokens.platform, { ...current('zh-CN'), version: '2025-01-01' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', reason: 'rights.textChanged' });
    // The hash of the other language's text, or of an edited one: not the text of this language.
    for (const sha256 of [current('en').sha256, sha(fileOf('zh-CN') + ' ')]) {
      const res = await ack(c.tokens.platform, { ...current('zh-CN'), sha256 });
      expect(res.body.error.reason).toBe('rights.textChanged');
    }
    const invalid = [
      {},
      { ...current('zh-CN'), sha256: 'not-a-hash' },
      { ...current('zh-CN'), language: 'fr' },
      { ...current('zh-CN'), extra: true },
    ];
    for (const body of invalid) {
      const res = await ack(c.tokens.platform, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.issues?.length).toBeGreaterThan(0);
    }
    const missing = await ack(c.tokens.platform, { language: 'zh-CN', version: '2026-12-05' });
    expect(missing.body.error.issues?.map((i) => i.path)).toEqual(['sha256']);
    expect(await t.server.store.listRightsAcks(c.caseId)).toEqual([]);
    expect(await audited()).toEqual([]);
  });

  it('records an acknowledgement once per person, the first kept, audited once', async () => {
    const first = await ack(c.tokens.customer, current('en'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ language: 'en', required: true });
    expect(first.body.acknowledged).toMatchObject({ version: '2026-12-05', sha256: current('en').sha256 });
    const at = first.body.acknowledged?.at;
    // Again, in the other language and with a stale version: the first stays, nothing new is audited.
    for (const body of [current('zh-CN'), { ...current('zh-CN'), version: 'old' }, current('en')]) {
      const again = await ack(c.tokens.customer, body);
      expect(again.status).toBe(200);
      expect(again.body.acknowledged).toEqual({ version: '2026-12-05', sha256: current('en').sha256, at });
    }
    // Two at once (two tabs) of the platform: one stored, one audited.
    const both = await Promise.all([
      ack(c.tokens.platform, current('zh-CN')),
      ack(c.tokens.platform, current('zh-CN')),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both[0]?.body.acknowledged).toEqual(both[1]?.body.acknowledged);

    const stored = await t.server.store.listRightsAcks(c.caseId);
    expect(stored.map((a) => [a.role, a.language])).toEqual([
      ['customer', 'en'],
      ['platform', 'zh-CN'],
    ]);
    const entries = await audited();
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.actorId).sort()).toEqual([c.userIds.customer, c.userIds.platform].sort());
    const customerEntry = entries.find((e) => e.actorId === c.userIds.customer);
    expect(customerEntry?.data).toMatchObject({
      detail: { version: '2026-12-05', sha256: current('en').sha256, language: 'en', role: 'customer' },
    });
    // The viewer's own acknowledgement, in whichever language they read it now.
    expect((await read(c.tokens.customer, 'zh-CN')).body.acknowledged).toEqual({
      version: '2026-12-05',
      sha256: current('en').sha256,
      at,
    });
    expect((await read(c.tokens.mediator)).body.acknowledged).toBeNull();
  });

  it('the sealed record lists the acknowledgements, names masked, and verifies; the PDF says who made none', async () => {
    // A case whose customer acknowledges and whose platform never does.
    const late = await createTestCase(t.server, t.url, { acknowledgeRights: false, room: { phase: 'opening' } });
    expect((await ack(late.tokens.customer, current('zh-CN'), late.caseId)).status).toBe(200);
    mediator = await connectRoom(t.url, late.tokens.mediator, late.caseId);
    const sealed = await mediator.socket.emitWithAck('outcome:seal', {
      outcome: 'not_settled',
      reason: '双方未达成一致。',
    });
    expect(sealed.ok).toBe(true);
    // Ended: a party who never acknowledged is not asked any more (no session is left to enter).
    await waitFor(async () => (await t.server.store.getCase(late.caseId))?.status === 'not_settled', 'not settled');
    expect((await read(late.tokens.platform, 'zh-CN', late.caseId)).body).toMatchObject({
      required: false,
      acknowledged: null,
    });
    const fetched = await call<SealedOutcome>('GET', `/api/cases/${late.caseId}/outcome`, late.tokens.customer);
    expect(fetched.status).toBe(200);
    const acks = fetched.body.record.acknowledgements;
    expect(acks).toHaveLength(1);
    expect(acks?.[0]).toMatchObject({
      userId: late.userIds.customer,
      role: 'customer',
      name: '王**',
      language: 'zh-CN',
      version: '2026-12-05',
      sha256: current('zh-CN').sha256,
    });
    const key = await call<{ publicKey: string }>('GET', '/api/outcome/public-key');
    expect((await verifyOutcome(fetched.body, key.body.publicKey)).ok).toBe(true);
    // An acknowledgement cannot be added to, or dropped from, a sealed record unnoticed.
    const altered = structuredClone(fetched.body);
    altered.record.acknowledgements = [];
    expect((await verifyOutcome(altered, key.body.publicKey)).ok).toBe(false);

    const pdf = await fetch(`${t.url}/api/cases/${late.caseId}/outcome/pdf`, {
      headers: { authorization: `Bearer ${late.tokens.customer}` },
    });
    expect(pdf.status).toBe(200);
    const file = join(makeTempDir('accord-rights-pdf-'), 'record.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('调解须知的确认');
    // The value wraps under itself: the time, then the version and the language.
    expect(text).toMatch(/王\*\*（申请人）\s+\d{4}年[^\n]*确认，文本版本\s+2026-12-05（中文）/);
    expect(text).toContain(current('zh-CN').sha256);
    expect(text).toMatch(/李\*（平台方）\s+未确认/);
  });

  it('a record sealed before acknowledgements existed still verifies', async () => {
    expect(FORMAT_2.sealed.record.acknowledgements).toBeUndefined();
    expect((await verifyOutcome(FORMAT_2.sealed, FORMAT_2.publicKey)).ok).toBe(true);
  });

  it('the purge keeps the acknowledgements (no free text; the sealed record lists them)', async () => {
    await t.server.store.purgeCase(c.caseId, new Date().toISOString());
    expect(await t.server.store.listRightsAcks(c.caseId)).toHaveLength(2);
  });
});
