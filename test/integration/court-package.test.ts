import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COURT_FILES,
  CourtPackageManifest,
  verifyOutcome,
  type CaseHistoryEntry,
  type CourtPackageInfo,
  type ErrorBody,
  type SealedOutcome,
} from '@accord/shared';
import { ORGANISATION, courtWorld, type CourtWorld } from '../helpers/court-package';
import { makeTempDir, startServer, type TestServer } from '../helpers/server';

/**
 * The court-confirmation package (issue 19): a sealed settlement's joint application, settlement PDF,
 * evidence list and verification files in one ZIP, unzipped here with the system's `unzip` and read
 * with pdftotext; who may have it (least privilege) and the audit of what it revealed.
 */
describe('the court-confirmation package', () => {
  let t: TestServer;
  let tokens: CourtWorld['tokens'];
  let ids: CourtWorld['ids'];
  let fileCase: CourtWorld['fileCase'];
  let seal: CourtWorld['seal'];

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
    });
    return res;
  };
  const json = async <T>(method: string, path: string, token?: string, body?: unknown) => {
    const res = await call(method, path, token, body);
    return { status: res.status, body: (await res.json()) as T };
  };
  const info = (caseId: string, token?: string) =>
    json<CourtPackageInfo & { error: ErrorBody }>('GET', `/api/cases/${caseId}/court-package`, token);
  const zip = (caseId: string, token?: string) => call('GET', `/api/cases/${caseId}/court-package/zip`, token);

  /** Saves the answer and unzips it with the system's unzip: the paths of every file in it. */
  async function unzip(res: Response, name: string): Promise<{ dir: string; files: string[] }> {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('accord-court-');
    const dir = makeTempDir('accord-court-');
    const file = join(dir, `${name}.zip`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    execFileSync('unzip', ['-q', file, '-d', join(dir, 'out')]);
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    return { dir: join(dir, 'out'), files: walk(join(dir, 'out')).map((f) => relative(join(dir, 'out'), f)) };
  }

  const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });

  beforeAll(async () => {
    t = await startServer();
    ({ tokens, ids, fileCase, seal } = await courtWorld(t));
  });
  afterAll(async () => {
    await t.close();
  });

  let mine: { caseId: string; customer: string };
  let sealed: SealedOutcome;
  let publicKey: string;

  it('is refused, with the reason, while nothing is sealed', async () => {
    mine = await fileCase();
    for (const res of [
      await info(mine.caseId, tokens.reviewer),
      await json('GET', `/api/cases/${mine.caseId}/court-package/zip`, tokens.mediator),
    ]) {
      expect(res.status).toBe(409);
      expect((res.body as { error: ErrorBody }).error.reason).toBe('court.notSealed');
    }
    expect((await t.server.audit.all(mine.caseId)).filter((e) => e.kind === 'court.package')).toHaveLength(0);
  });

  it('for a sealed settlement: every file, the hashes of the manifest, the application filled from the case', async () => {
    ({ sealed, publicKey } = await seal(mine.caseId));
    const window = await info(mine.caseId, tokens.reviewer);
    expect(window.status).toBe(200);
    expect(window.body).toMatchObject({ effectiveDate: '2027-01-15', deadline: '2027-02-14', mayDownload: true });

    const started = Date.now();
    const { dir, files } = await unzip(await zip(mine.caseId, tokens.reviewer), 'reviewer');
    const elapsed = Date.now() - started;
    expect(files.sort()).toEqual(Object.values(COURT_FILES).sort());
    const manifest = CourtPackageManifest.parse(JSON.parse(readFileSync(join(dir, COURT_FILES.manifest), 'utf8')));
    // Every file but the manifest itself is in it, with its size and hash.
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.filter((f) => f !== COURT_FILES.manifest).sort());
    for (const f of manifest.files) {
      const data = readFileSync(join(dir, f.path));
      expect(createHash('sha256').update(data).digest('hex'), f.path).toBe(f.sha256);
      expect(data.length, f.path).toBe(f.size);
    }
    expect(execFileSync('sha256sum', ['-c', COURT_FILES.sums], { cwd: dir, encoding: 'utf8' })).not.toContain('FAILED');
    expect(manifest).toMatchObject({ caseNumber: sealed.record.caseNumber, revealed: ['name', 'nationalId', 'phone'] });

    const application = pdfText(join(dir, COURT_FILES.application));
    const flat = application.replace(/\s+/g, '');
    for (const expected of [
      '司法确认申请书',
      '草稿',
      '不构成法律意见',
      '王小红',
      '110101199003071234',
      '13812345678',
      '甲消费金融有限公司',
      '李华',
      ORGANISATION,
      '张调解',
      '2027年1月15日',
      '2027年2月14日',
      sealed.record.caseNumber,
      '三十日内',
    ]) {
      expect(flat, expected).toContain(expected.replace(/\s+/g, ''));
    }
    // The settlement PDF is the record page's, byte for byte (the mediator, a member, downloads that one).
    const served = await call('GET', `/api/cases/${mine.caseId}/outcome/pdf`, tokens.mediator);
    expect(served.status).toBe(200);
    expect(readFileSync(join(dir, COURT_FILES.settlement)).equals(Buffer.from(await served.arrayBuffer()))).toBe(true);

    const evidence = readFileSync(join(dir, COURT_FILES.evidenceCsv), 'utf8');
    expect(evidence.startsWith('\ufeff序号,文件名,类型,提交方,提交时间,大小（字节）,SHA-256')).toBe(true);
    const stored = await t.server.store.listEvidence(mine.caseId);
    expect(stored).toHaveLength(2);
    for (const e of stored) expect(evidence).toContain(e.sha256);
    expect(evidence).toContain('"repayment, receipt.png",PNG 图片,借款人');
    const evidencePdf = pdfText(join(dir, COURT_FILES.evidencePdf)).replace(/\s+/g, '');
    expect(evidencePdf).toContain('借款合同.pdf');
    expect(evidencePdf).toContain(stored[0]?.sha256);

    // The record verifies with the shared verify(), against the published key; and without Accord, with OpenSSL's primitives.
    const outcome = JSON.parse(readFileSync(join(dir, COURT_FILES.sealed), 'utf8')) as unknown;
    expect((await verifyOutcome(outcome, publicKey)).ok).toBe(true);
    const key = createPublicKey(readFileSync(join(dir, COURT_FILES.keyPem)));
    const record = readFileSync(join(dir, COURT_FILES.record));
    const signature = readFileSync(join(dir, COURT_FILES.signature));
    expect(verifySignature(null, record, key, signature)).toBe(true);
    expect(verifySignature(null, Buffer.concat([record, Buffer.from(' ')]), key, signature)).toBe(false);
    // The README's OpenSSL command, as written there, where OpenSSL is installed.
    if (existsSync('/usr/bin/openssl')) {
      const args = ['pkeyutl', '-verify', '-pubin', '-inkey', COURT_FILES.keyPem, '-rawin', '-in', COURT_FILES.record];
      const out = execFileSync('openssl', [...args, '-sigfile', COURT_FILES.signature], { cwd: dir, encoding: 'utf8' });
      expect(out).toContain('Signature Verified Successfully');
    }
    const readme = readFileSync(join(dir, COURT_FILES.readme), 'utf8');
    expect(readme).toContain(`${t.url}/verify#case=`);
    expect(readme).toContain(createHash('sha256').update(record).digest('hex'));
    console.log(
      `court package: ${elapsed} ms, ${files.length} files, ${manifest.files.reduce((n, f) => n + f.size, 0)} bytes unzipped`,
    );
  });

  it('audits each download with what it revealed; the staff history lists the reveals', async () => {
    const entries = await t.server.audit.all(mine.caseId);
    const reveals = entries.filter((e) => e.kind === 'pii.revealed');
    expect(reveals.map((e) => [e.actorId, e.data.field, e.data.purpose])).toEqual([
      [ids.reviewer, 'nationalId', 'court.package'],
      [ids.reviewer, 'phone', 'court.package'],
    ]);
    const downloads = entries.filter((e) => e.kind === 'court.package');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]?.data).toMatchObject({ role: 'reviewer', revealed: ['name', 'nationalId', 'phone'] });
    // Nothing of the identifiers themselves is written into the log.
    expect(JSON.stringify(entries)).not.toContain('110101199003071234');
    const history = await json<CaseHistoryEntry[]>('GET', `/api/cases/${mine.caseId}/history`, tokens.admin);
    expect(history.body.filter((e) => e.kind === 'pii_revealed')).toHaveLength(2);
    expect((await t.server.audit.verify(mine.caseId)).ok).toBe(true);
  });

  it('the mediator, an admin and the borrower may have it; the lender, another lender, another borrower and strangers not', async () => {
    for (const [who, token, role] of [
      ['mediator', tokens.mediator, 'mediator'],
      ['admin', tokens.admin, 'admin'],
      ['borrower', mine.customer, 'customer'],
    ] as const) {
      const res = await zip(mine.caseId, token);
      expect(res.status, who).toBe(200);
      await res.arrayBuffer();
      const last = (await t.server.audit.all(mine.caseId)).filter((e) => e.kind === 'court.package').at(-1);
      expect(last?.data.role, who).toBe(role);
    }
    const before = (await t.server.audit.all(mine.caseId)).length;
    // The lender's staff read the case (and learn the window to apply in) but never get the borrower's ID.
    const lenderInfo = await info(mine.caseId, tokens.lender);
    expect(lenderInfo.body).toMatchObject({ mayDownload: false, own: false, deadline: '2027-02-14' });
    expect((await info(mine.caseId, mine.customer)).body).toMatchObject({ mayDownload: true, own: true });
    const refused = await json<{ error: ErrorBody }>(
      'GET',
      `/api/cases/${mine.caseId}/court-package/zip`,
      tokens.lender,
    );
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN', reason: 'court.notAllowed' } } });
    const theirs = await fileCase();
    for (const [who, token] of [
      ['another lender', tokens.otherLender],
      ['another borrower', theirs.customer],
    ] as const) {
      expect((await zip(mine.caseId, token)).status, who).toBe(403);
      expect((await info(mine.caseId, token)).status, who).toBe(403);
    }
    expect((await zip(mine.caseId)).status).toBe(401);
    const bad = await json<{ error: ErrorBody }>('GET', '/api/cases/not-a-case/court-package/zip', tokens.reviewer);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await zip(mine.caseId, 'not-a-token')).status).toBe(401);
    expect((await t.server.audit.all(mine.caseId)).length).toBe(before);
    // Another case's own borrower gets no package while it is unsealed.
    expect((await info(theirs.caseId, theirs.customer)).body.error.reason).toBe('court.notSealed');
  });

  it('a case that ended without a settlement has no package', async () => {
    const c = await fileCase();
    await seal(c.caseId, 'zh-CN', 'not_settled');
    const res = await json<{ error: ErrorBody }>('GET', `/api/cases/${c.caseId}/court-package/zip`, tokens.reviewer);
    expect(res).toMatchObject({ status: 409, body: { error: { reason: 'court.notSettled' } } });
  });

  it('in English for an English case', async () => {
    const c = await fileCase();
    await seal(c.caseId, 'en');
    const { dir } = await unzip(await zip(c.caseId, tokens.mediator), 'english');
    const text = pdfText(join(dir, COURT_FILES.application)).replace(/\s+/g, ' ');
    for (const expected of [
      'Joint application for judicial confirmation',
      'not legal advice',
      '110101199003071234',
      ORGANISATION,
      '15 January 2027',
      '14 February 2027',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(readFileSync(join(dir, COURT_FILES.readme), 'utf8')).toContain('sha256sum -c SHA256SUMS');
  });
});
