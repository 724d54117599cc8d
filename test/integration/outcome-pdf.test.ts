import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OUTCOME_ATTACHMENT,
  recordDigest,
  verifyOutcome,
  type CaseLanguage,
  type OutcomeStatus,
  type SealedOutcome,
} from '@accord/shared';
import { OutcomePdf } from '../../server/src/outcome/pdf';
import { recordFromPdf } from '../../server/src/outcome/pdf-record';
import { connectDoc, connectRoom, waitSynced } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { runCli } from '../helpers/process';
import { createTestCase, makeTempDir, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { agreeToEveryClause } from '../helpers/negotiation';

const AGREEMENT = '平台退还服务费480元，王女士撤回投诉。';
const AGREEMENT_EN = 'The platform refunds the service fee of 480 yuan; Ms Wang withdraws the complaint.';

/**
 * Takes a case to a sealed settlement through the real protocol: the agreement written over Yjs, the
 * room moved to signing (which freezes it), and each of the three parties signing the frozen text.
 */
async function sealSettlement(t: TestServer, language: CaseLanguage, text: string): Promise<SealedOutcome> {
  const c = await createTestCase(t.server, t.url, { language, roles: ['customer', 'platform', 'mediator'] });
  const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
  await waitSynced(writer);
  const p = new Y.XmlElement('paragraph');
  const body = new Y.XmlText();
  body.insert(0, text);
  p.insert(0, [body]);
  writer.doc.getXmlFragment('body').insert(0, [p]);
  const terms = writer.doc.getMap('terms');
  terms.set('amountAgreedCents', 88_000);
  terms.set('feesWaivedCents', 48_000);
  // Relayed to another connection, so the server holds the edits before the freeze reads them.
  const watcher = connectDoc(t.url, c.caseId, c.tokens.customer);
  await waitFor(
    () =>
      watcher.doc.getMap('terms').get('feesWaivedCents') === 48_000 &&
      watcher.doc.getXmlFragment('body').toJSON().includes(text),
    'the edits relayed',
  );
  watcher.destroy();
  writer.destroy();
  const rooms = await Promise.all(
    (['mediator', 'customer', 'platform'] as const).map((role) => connectRoom(t.url, c.tokens[role], c.caseId)),
  );
  const [mediator, customer, platform] = rooms as [(typeof rooms)[0], (typeof rooms)[0], (typeof rooms)[0]];
  expect((await mediator.send('双方已确认方案。')).ok).toBe(true);
  await agreeToEveryClause({ customer, platform });
  expect((await mediator.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
  const fingerprint = await waitFor(
    async () => ((await emit(customer, 'outcome:status', {})).data as OutcomeStatus).freeze?.fingerprint,
    'frozen',
  );
  let sealed: SealedOutcome | null = null;
  for (const [client, role, name] of [
    [customer, 'customer', '王女士'],
    [platform, 'platform', '李华'],
    [mediator, 'mediator', '张律师'],
  ] as const) {
    const res = await emit(client, 'outcome:sign', { fingerprint, fullName: name, secret: c.pins[role] });
    expect(res.error).toBeUndefined();
    sealed = (res.data as OutcomeStatus).sealed;
  }
  for (const r of rooms) r.close();
  expect(sealed?.record.outcome.kind).toBe('settled');
  return Object.assign(sealed as SealedOutcome, { caseId: c.caseId, tokens: c.tokens });
}

/** All the text pdf.js reads from a PDF's pages, whitespace removed (lines wrap anywhere in CJK text). */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
  let text = '';
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('');
  }
  await pdf.destroy();
  return text.replace(/\s+/g, '');
}
const squash = (s: string) => s.replace(/\s+/g, '');

const MINIMAL_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;

describe('the outcome PDF', () => {
  let t: TestServer;
  let publicKey: string;
  let sealed: SealedOutcome & { caseId: string; tokens: Record<'customer' | 'platform' | 'mediator', string> };
  let pdf: Buffer;
  const download = (caseId: string, token?: string) =>
    fetch(`${t.url}/api/cases/${caseId}/outcome/pdf`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    t = await startServer();
    publicKey = ((await (await fetch(`${t.url}/api/outcome/public-key`)).json()) as { publicKey: string }).publicKey;
    sealed = (await sealSettlement(t, 'zh-CN', AGREEMENT)) as typeof sealed;
  });
  afterAll(async () => {
    await t.close();
  });

  it('the customer downloads it over HTTP; the same people as the JSON record may, nobody else', async () => {
    const res = await download(sealed.caseId, sealed.tokens.customer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`accord-outcome-${sealed.record.caseNumber}.pdf`);
    pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // A typical settlement stays small: the font is a subset of the glyphs used.
    expect(pdf.length).toBeLessThan(200_000);

    const other = await createTestCase(t.server, t.url, { roles: ['customer', 'observer'] });
    const cases: [string, string | undefined][] = [
      ['no session', undefined],
      ["another case's customer", other.tokens.customer],
      ["another case's observer", other.tokens.observer],
    ];
    for (const [, token] of cases) {
      const json = await fetch(`${t.url}/api/cases/${sealed.caseId}/outcome`, {
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
      const refused = await download(sealed.caseId, token);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBe(json.status);
      expect(refused.headers.get('content-type')).toContain('application/json');
    }
    // Before anything is sealed: not found, as for the JSON record.
    expect((await download(other.caseId, other.tokens.customer)).status).toBe(404);
  });

  it('reads back with the Chinese agreement, labels, signers and verification data on its pages', async () => {
    const text = await pdfText(pdf);
    for (const expected of [
      '调解协议书',
      AGREEMENT,
      '协议内容',
      '签署',
      '申请人',
      '平台方',
      '调解员',
      '王**',
      '人民币880.00元',
      '捌佰捌拾元整',
      '北京时间',
      '如何核验',
      sealed.record.caseNumber,
      sealed.record.agreement?.fingerprint ?? 'a fingerprint',
      sealed.record.key.id,
    ]) {
      expect(text, expected).toContain(squash(expected));
    }
    // The whole agreement text, verbatim (whitespace aside: pages wrap lines).
    expect(text).toContain(squash(sealed.record.agreement?.text ?? 'no text'));
    // The verify page's address, as the QR code carries it: the case and the record's digest, no name.
    const digest = await recordDigest(sealed.record);
    expect(text).toContain(`${t.url}/verify#case=${sealed.record.caseNumber}&record=${digest}`);
  });

  it('carries the sealed record as outcome.json, which verifies', async () => {
    const pdfDoc = await getDocument({ data: new Uint8Array(pdf) }).promise;
    const attachments = (await pdfDoc.getAttachments()) as Record<string, { filename: string }>;
    await pdfDoc.destroy();
    expect(Object.values(attachments).map((a) => a.filename)).toEqual([OUTCOME_ATTACHMENT]);
    const read = await recordFromPdf(pdf);
    if (!read.ok) throw new Error(read.problem);
    const { caseId: _caseId, tokens: _tokens, ...plain } = sealed;
    expect(read.sealed).toEqual(plain);
    expect(await verifyOutcome(read.sealed, publicKey)).toMatchObject({ ok: true, problems: [] });
  });

  it('the CLI verifies the PDF offline (VALID, exit 0) and refuses an altered or record-less one (exit 1)', async () => {
    const dir = makeTempDir('accord-pdf-');
    const good = join(dir, 'outcome.pdf');
    writeFileSync(good, pdf);
    const out = await runCli(['verify', good, '--key', publicKey], dir);
    expect(out).toMatch(/^VALID/);
    expect(out).toContain(sealed.record.caseNumber);
    expect(out).toContain('matches the published key');

    // One character of the embedded record changed, and the PDF written anew around it.
    const { caseId: _caseId, tokens: _tokens, ...plain } = sealed;
    const altered = structuredClone(plain);
    altered.record.terms = altered.record.terms && { ...altered.record.terms, amountAgreedCents: 98_000 };
    const bad = join(dir, 'altered.pdf');
    writeFileSync(bad, await new OutcomePdf(() => t.url).render(altered));
    await expect(runCli(['verify', bad, '--key', publicKey], dir)).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('NOT VALID'),
    });
    const empty = join(dir, 'empty.pdf');
    writeFileSync(empty, MINIMAL_PDF);
    await expect(runCli(['verify', empty], dir)).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('no Accord outcome record'),
    });
  });

  it('one record always makes the same document', async () => {
    const again = Buffer.from(await (await download(sealed.caseId, sealed.tokens.mediator)).arrayBuffer());
    expect(again.equals(pdf)).toBe(true);
  });

  it('an English case gets English labels around its agreement', async () => {
    const en = (await sealSettlement(t, 'en', AGREEMENT_EN)) as typeof sealed;
    const res = await download(en.caseId, en.tokens.platform);
    expect(res.status).toBe(200);
    const text = await pdfText(Buffer.from(await res.arrayBuffer()));
    for (const expected of [
      'Settlement agreement',
      AGREEMENT_EN,
      'Signatures',
      'Customer',
      'RMB880.00',
      'How to verify',
    ]) {
      expect(text, expected).toContain(squash(expected));
    }
    expect(text).not.toContain('调解协议书');
  });
});
