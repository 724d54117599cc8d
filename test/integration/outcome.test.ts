import { createHash, createPublicKey, verify } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOutcome, type OutcomeStatus, type SealedOutcome } from '@accord/shared';
import { connectDoc, connectRoom, waitSynced, type RoomClient } from '../helpers/clients';
import { runCli } from '../helpers/process';
import { NAMES, makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';
import { seedAgreement } from '../helpers/agreement';
import { agreeToEveryClause } from '../helpers/negotiation';
import { sleep, waitFor } from '../helpers/wait';
import { emit, emitUnchecked } from '../helpers/emit';

/**
 * Verification with nothing of Accord's: Node's crypto and an RFC 8785
 * canonicalizer, exactly as docs/PROTOCOL.md describes the format.
 */
function independentlyValid(sealed: { record: unknown; signature: string }, publicKeyB64url: string): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyB64url }, format: 'jwk' });
  const bytes = Buffer.from(canonicalize(sealed.record) ?? '', 'utf8');
  const record = sealed.record as { agreement: { text: string; fingerprint: string } | null };
  const fingerprintOk =
    record.agreement === null ||
    createHash('sha256').update(record.agreement.text, 'utf8').digest('hex') === record.agreement.fingerprint;
  return fingerprintOk && verify(null, bytes, key, Buffer.from(sealed.signature, 'base64url'));
}

describe('sign-off and the sealed outcome record', () => {
  let t: TestServer;
  let c: TestCase;
  let mediator: RoomClient;
  let customer: RoomClient;
  let platform: RoomClient;
  let observer: RoomClient;
  let publicKey: string;
  let sealed: SealedOutcome;
  const status = async (client: RoomClient) => (await emit(client, 'outcome:status', {})).data as OutcomeStatus;
  const sign = (client: RoomClient, fingerprint: string, fullName: string, secret: string) =>
    emit(client, 'outcome:sign', { fingerprint, fullName, secret });

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('Sign-off');
    mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    platform = await connectRoom(t.url, c.tokens.platform, c.caseId);
    observer = await connectRoom(t.url, c.tokens.observer, c.caseId);
    publicKey = ((await (await fetch(`${t.url}/api/outcome/public-key`)).json()) as { publicKey: string }).publicKey;
    const wellKnown = (await (await fetch(`${t.url}/.well-known/accord-outcome-key.json`)).json()) as {
      publicKey: string;
    };
    expect(wellKnown.publicKey).toBe(publicKey);
  });
  afterAll(async () => {
    [mediator, customer, platform, observer].forEach((x) => x.close());
    await t.close();
  });

  it('freezing for signing fixes the canonical text; every participant sees it and its fingerprint', async () => {
    const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await waitSynced(writer);
    const body = writer.doc.getXmlFragment('body');
    const p = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    text.insert(0, '平台退还服务费480元，王女士撤回投诉。');
    p.insert(0, [text]);
    body.insert(0, [p]);
    writer.doc.getMap('terms').set('feesWaivedCents', 48_000);
    writer.doc.getMap('terms').set('amountAgreedCents', 48_000);
    // Relayed to another connection, so the server holds both edits before the freeze reads the text.
    const watcher = connectDoc(t.url, c.caseId, c.tokens.customer);
    await waitFor(
      () =>
        watcher.doc.getMap('terms').get('feesWaivedCents') === 48_000 &&
        watcher.doc.getXmlFragment('body').toJSON().includes('平台退还服务费480元，王女士撤回投诉。'),
      'the edits relayed',
    );
    await waitFor(() => watcher.doc.getMap('terms').get('amountAgreedCents') === 48_000, 'the amount relayed');
    watcher.destroy();
    await agreeToEveryClause({ customer, platform }, { watchers: [mediator, observer] });
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
    const frozen = await waitFor(() => customer.socket && status(customer).then((s) => s.freeze), 'frozen');
    expect(frozen.text).toContain('平台退还服务费480元，王女士撤回投诉。');
    expect(frozen.text).toContain('减免费用：人民币 480.00 元（大写：肆佰捌拾元整）');
    expect(frozen.fingerprint).toBe(createHash('sha256').update(frozen.text, 'utf8').digest('hex'));
    expect((await status(platform)).freeze?.fingerprint).toBe(frozen.fingerprint);

    // The Yjs endpoint now refuses every update, the mediator's included; nothing stored changes.
    const before = await t.server.store.loadDoc(c.caseId);
    writer.doc.getMap('terms').set('feesWaivedCents', 1);
    await waitFor(() => writer.denied.length > 0, 'mediator refused after freeze');
    await sleep(100);
    const after = await t.server.store.loadDoc(c.caseId);
    expect(after.updates.length).toBe(before.updates.length);
    writer.destroy();
  });

  it('refuses a wrong fingerprint, a non-signer, a wrong PIN, and a second signature', async () => {
    const { freeze } = await status(customer);
    const fp = freeze?.fingerprint ?? '';
    const me = NAMES.customer;
    expect((await sign(customer, 'f'.repeat(64), me, c.pins.customer)).error?.code).toBe('CONFLICT');
    expect((await sign(observer, fp, NAMES.observer, c.pins.observer)).error?.code).toBe('FORBIDDEN');
    expect((await sign(customer, fp, me, '000000' === c.pins.customer ? '111111' : '000000')).error?.code).toBe(
      'BAD_CREDENTIALS',
    );
    expect((await sign(customer, fp, '王', c.pins.customer)).error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await sign(customer, fp, me, c.pins.customer)).ok).toBe(true);
    expect((await sign(customer, fp, me, c.pins.customer)).error?.code).toBe('CONFLICT');
    const s = await status(mediator);
    expect(s.signers.find((x) => x.role === 'customer')?.signedAt).not.toBeNull();
  });

  it('wrong PINs are rate-limited per signer, counted before the check: 12 at once, 5 checked', async () => {
    const { freeze } = await status(platform);
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => sign(platform, freeze?.fingerprint ?? '', NAMES.platform, `9999${10 + i}`)),
    );
    const codes = burst.map((r) => r.error?.code);
    expect(codes.filter((x) => x === 'BAD_CREDENTIALS')).toHaveLength(5);
    const refused = burst.filter((r) => r.error?.code === 'RATE_LIMITED');
    expect(refused.map((r) => r.error?.message)).toEqual(Array(7).fill(expect.stringMatching(/failed attempts/)));
    // The right PIN is refused too while the limit holds.
    expect((await sign(platform, freeze?.fingerprint ?? '', NAMES.platform, c.pins.platform)).error?.code).toBe(
      'RATE_LIMITED',
    );
  });

  it('unfreezing voids every signature given so far, recorded in the audit log and the activity feed', async () => {
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'drafting' })).ok).toBe(true);
    const s = await status(customer);
    expect(s.freeze).toBeNull();
    expect(s.signers.every((x) => x.signedAt === null)).toBe(true);
    const unfrozen = (await t.server.audit.all(c.caseId)).find((e) => e.kind === 'agreement.unfrozen');
    expect(unfrozen?.data).toMatchObject({ detail: { voidedSignatures: 1 } });
    await waitFor(() => customer.activity.some((a) => a.kind === 'agreement.unfrozen'), 'shown in the feed');
  });

  it('seals when the last required signature arrives, and refuses any signature after sealing', async () => {
    // A new PIN-rate window for the platform rep: their earlier failures were counted.
    const fresh = await t.createCase('Sign-off, second round');
    const m = await connectRoom(t.url, fresh.tokens.mediator, fresh.caseId);
    const cu = await connectRoom(t.url, fresh.tokens.customer, fresh.caseId);
    const pl = await connectRoom(t.url, fresh.tokens.platform, fresh.caseId);
    expect((await m.send('双方已确认方案。')).ok).toBe(true);
    await seedAgreement(t.server.store, fresh.caseId);
    await agreeToEveryClause({ customer: cu, platform: pl });
    expect((await m.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
    const fp = (await status(cu)).freeze?.fingerprint ?? '';
    expect((await sign(cu, fp, NAMES.customer, fresh.pins.customer)).ok).toBe(true);
    expect((await sign(pl, fp, NAMES.platform, fresh.pins.platform)).ok).toBe(true);
    const last = await sign(m, fp, NAMES.mediator, fresh.pins.mediator);
    expect(last.ok).toBe(true);
    const done = last.data as OutcomeStatus;
    expect(done.sealed).not.toBeNull();
    sealed = done.sealed as SealedOutcome;
    await waitFor(() => cu.states.at(-1)?.phase === 'concluded', 'concluded for everyone');
    expect((await sign(cu, fp, NAMES.customer, fresh.pins.customer)).error?.code).toBe('CONFLICT');
    expect((await emit(m, 'outcome:seal', { outcome: 'withdrawn', reason: '申请人撤回投诉' })).error?.code).toBe(
      'CONFLICT',
    );
    // Everyone in the room got the sealed record live; members can download it.
    await waitFor(() => cu.socket.connected, 'connected');
    const res = await fetch(`${t.url}/api/cases/${fresh.caseId}/outcome`, {
      headers: { authorization: `Bearer ${fresh.tokens.customer}` },
    });
    expect(await res.json()).toEqual(sealed);
    for (const x of [m, cu, pl]) x.close();

    const r = sealed.record;
    expect(r).toMatchObject({ format: 'accord.outcome/3', outcome: { kind: 'settled', reason: null } });
    // The seeded text and the terms: two clauses, each agreed by both parties (names masked).
    expect(r.clauses?.map((x) => [x.number, x.history.map((h) => [h.role, h.state, h.name])])).toEqual([
      [
        1,
        [
          ['customer', 'agreed', '王**'],
          ['platform', 'agreed', '李*'],
        ],
      ],
      [
        2,
        [
          ['customer', 'agreed', '王**'],
          ['platform', 'agreed', '李*'],
        ],
      ],
    ]);
    expect(r.rounds).toEqual([]);
    expect(r.hardship).toBeNull();
    expect(r.signatures.map((s) => s.role).sort()).toEqual(['customer', 'mediator', 'platform']);
    expect(r.signatures.every((s) => s.fingerprint === r.agreement?.fingerprint)).toBe(true);
    // Personal identifiers are masked, by one rule: a signature's name is the party's name.
    expect(JSON.stringify(r)).not.toContain(NAMES.customer);
    expect(r.signatures.find((s) => s.role === 'customer')?.name).toBe('王**');
    for (const s of r.signatures) expect(s.name).toBe(r.parties.find((x) => x.userId === s.userId)?.name);
    expect(r.transcript.messages).toBe(1);
    expect(r.key.publicKey).toBe(publicKey);
  });

  it('the record verifies, with Accord’s verify() and with only Node crypto and RFC 8785', async () => {
    expect(await verifyOutcome(sealed, publicKey)).toMatchObject({ ok: true, problems: [] });
    expect(independentlyValid(sealed, publicKey)).toBe(true);
  });

  it('changing any byte of the record makes verification fail', async () => {
    const tampers: ((s: SealedOutcome) => void)[] = [
      (s) => (s.record.outcome.kind = 'not_settled'),
      (s) => s.record.terms && (s.record.terms.feesWaivedCents = 1),
      (s) => (s.record.signatures[0]!.name = '张*'),
      (s) => (s.record.transcript.messages += 1),
      (s) => s.record.agreement && (s.record.agreement.text += ' '),
      (s) => (s.record.sealedAt = new Date(0).toISOString()),
      (s) => (s.signature = s.signature.slice(0, -2) + (s.signature.endsWith('AA') ? 'BA' : 'AA')),
    ];
    for (const tamper of tampers) {
      const copy = structuredClone(sealed);
      tamper(copy);
      expect((await verifyOutcome(copy, publicKey)).ok).toBe(false);
      expect(independentlyValid(copy, publicKey)).toBe(false);
    }
    // Every single byte of the canonical record, flipped one at a time (a sample), breaks the signature.
    const bytes = Buffer.from(canonicalize(sealed.record) ?? '', 'utf8');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    for (let i = 0; i < bytes.length; i += Math.ceil(bytes.length / 200)) {
      const flipped = Buffer.from(bytes);
      flipped[i] = (flipped[i] ?? 0) ^ 0x01;
      expect(verify(null, flipped, key, Buffer.from(sealed.signature, 'base64url'))).toBe(false);
    }
    // A record signed by another key does not pass as the published one.
    expect((await verifyOutcome(sealed, 'A'.repeat(43))).ok).toBe(false);
  });

  it('the CLI verifies a downloaded record offline and rejects an altered one', async () => {
    const dir = makeTempDir('accord-verify-');
    const good = join(dir, 'record.json');
    writeFileSync(good, JSON.stringify(sealed, null, 2));
    const out = await runCli(['verify', good, '--key', publicKey], dir);
    expect(out).toMatch(/^VALID/);
    expect(out).toContain('matches the published key');
    const bad = join(dir, 'altered.json');
    const altered = structuredClone(sealed);
    altered.record.outcome.reason = 'edited later';
    writeFileSync(bad, JSON.stringify(altered));
    await expect(runCli(['verify', bad, '--key', publicKey], dir)).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('NOT VALID'),
    });
  });

  it('the mediator can seal "not settled" or "withdrawn" with a reason; nobody else can', async () => {
    const d = await t.createCase('No agreement');
    const m = await connectRoom(t.url, d.tokens.mediator, d.caseId);
    const cu = await connectRoom(t.url, d.tokens.customer, d.caseId);
    expect((await emit(cu, 'outcome:seal', { outcome: 'withdrawn', reason: '我撤回投诉。' })).error?.code).toBe(
      'FORBIDDEN',
    );
    // No reason, a blank one, or one too short to say anything: refused, and nothing is sealed.
    for (const reason of ['', '    ', '\u3000\n', '不同意', 'no.']) {
      for (const outcome of ['not_settled', 'withdrawn'] as const) {
        const refused = await emitUnchecked(m, 'outcome:seal', { outcome, reason });
        expect(refused.error, JSON.stringify(reason)).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    }
    expect(await emitUnchecked(m, 'outcome:seal', { outcome: 'withdrawn' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await t.server.store.getOutcome(d.caseId)).toBeNull();
    expect((await emitUnchecked(m, 'outcome:seal', { outcome: 'settled', reason: 'x' })).error?.code).toBe(
      'VALIDATION_FAILED',
    );
    const res = await emit(m, 'outcome:seal', { outcome: 'not_settled', reason: '双方对分期方案未能达成一致。' });
    expect(res.ok).toBe(true);
    const record = (res.data as SealedOutcome).record;
    expect(record).toMatchObject({
      outcome: { kind: 'not_settled', reason: '双方对分期方案未能达成一致。' },
      agreement: null,
    });
    expect((await verifyOutcome(res.data, publicKey)).ok).toBe(true);
    m.close();
    cu.close();
  });

  it('the audit log holds every message, action, freeze, signature and seal, and any tampering shows', async () => {
    const entries = await t.server.audit.all(c.caseId);
    expect((await t.server.audit.verify(c.caseId)).ok).toBe(true);
    const kinds = new Set(entries.map((e) => e.kind));
    for (const k of ['phase.changed', 'agreement.frozen', 'agreement.signed', 'agreement.unfrozen']) {
      expect(kinds).toContain(k);
    }
    const sealedCase = sealed.record.caseId;
    const sealedLog = await t.server.audit.all(sealedCase);
    expect(sealedLog.map((e) => e.kind)).toContain('chat.message');
    // The seal entry follows the head the record names (the case's status changes come after it).
    const headIndex = sealedLog.findIndex((e) => e.hash === sealed.record.audit.headHash);
    expect(sealedLog[headIndex + 1]?.kind).toBe('outcome.sealed');

    // The CLI on a copy of the database: intact, then altered, deleted, reordered.
    const dir = makeTempDir('accord-audit-');
    const source = join(t.dataDir, 'accord.db');
    const check = async (mutate: (db: Database.Database) => void) => {
      mkdirSync(dir, { recursive: true });
      const target = join(dir, 'accord.db');
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(source + suffix)) copyFileSync(source + suffix, target + suffix);
      }
      const db = new Database(target);
      mutate(db);
      db.close();
      return runCli(['audit', 'verify', sealedCase], dir).then(
        (out) => ({ ok: true, out }),
        (err: { stdout: string }) => ({ ok: false, out: err.stdout }),
      );
    };
    const intact = await check(() => undefined);
    expect(intact).toMatchObject({ ok: true, out: expect.stringContaining('chain intact') });
    const altered = await check((db) =>
      db.prepare("UPDATE audit_log SET at = '2020-01-01T00:00:00.000Z' WHERE case_id = ? AND seq = 1").run(sealedCase),
    );
    expect(altered).toMatchObject({ ok: false, out: expect.stringContaining('BROKEN') });
    const deleted = await check((db) =>
      db.prepare('DELETE FROM audit_log WHERE case_id = ? AND seq = 2').run(sealedCase),
    );
    expect(deleted.ok).toBe(false);
    const reordered = await check((db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE case_id = ? AND seq = 1').run(sealedCase);
      db.prepare('UPDATE audit_log SET seq = 1 WHERE case_id = ? AND seq = 2').run(sealedCase);
      db.prepare('UPDATE audit_log SET seq = 2 WHERE case_id = ? AND seq = -1').run(sealedCase);
    });
    expect(reordered.ok).toBe(false);
    // Cutting the tail (the seal and what followed) leaves a consistent chain, but not the one the record names.
    const truncated = await check((db) => {
      const seal = db
        .prepare("SELECT seq FROM audit_log WHERE case_id = ? AND kind = 'outcome.sealed'")
        .get(sealedCase) as { seq: number };
      db.prepare('DELETE FROM audit_log WHERE case_id = ? AND seq >= ?').run(sealedCase, seal.seq);
    });
    expect(truncated).toMatchObject({ ok: false, out: expect.stringContaining('sealed record') });
  });
});
