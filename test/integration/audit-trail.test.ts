import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caucusChannel, type OutcomeStatus, type SealedOutcome } from '@accord/shared';
import { connectDoc, connectRoom, waitSynced, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { runCli } from '../helpers/process';
import { makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { agreeToEveryClause } from '../helpers/negotiation';

/**
 * Issue 15, Found 5: `accord audit verify` checks the chat, the signatures and the sealed record
 * against the chain, not only the chain's own rows; and a server refuses to serve a sealed record
 * edited in its database. Each tamper is made with SQL on a copy of a real server's data dir, and
 * the real CLI (a separate process, through tsx) is run on it.
 */
describe('the audit trail binds chat, signatures and the sealed record', () => {
  let dataDir: string;
  let t: TestServer | null;
  let c: TestCase;
  let sealed: SealedOutcome;
  /** A case still in session: its log ends with a chat message. */
  let open: TestCase;
  const copies: string[] = [];

  /** A copy of the sealed case's data dir with `mutate` applied to its database. */
  const tampered = (mutate: (db: Database.Database) => void): string => {
    const dir = makeTempDir('accord-audit-');
    copies.push(dir);
    cpSync(dataDir, dir, { recursive: true });
    const db = new Database(join(dir, 'accord.db'));
    mutate(db);
    db.close();
    return dir;
  };
  const auditVerify = (dir: string, caseId = c.caseId) =>
    runCli(['audit', 'verify', caseId], dir).then(
      (out) => ({ code: 0, out, err: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  beforeAll(async () => {
    dataDir = makeTempDir('accord-sealed-');
    t = await startServer({ dataDir });
    c = await t.createCase('Audit trail');
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const platform = await connectRoom(t.url, c.tokens.platform, c.caseId);
    const clients: RoomClient[] = [mediator, customer, platform];
    for (const text of ['各位好，我们开始。', '服务费我不认可。', '我们可以减免部分费用。']) {
      const who = text.startsWith('各位') ? mediator : text.startsWith('服务') ? customer : platform;
      expect((await who.send(text)).ok).toBe(true);
    }
    // A caucus with the customer the platform never sees.
    expect((await emit(mediator, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    const caucus = caucusChannel(c.userIds.customer);
    expect(
      (await emit(mediator, 'chat:send', { clientId: 'caucus-1-xxxx', text: '您的底线是？', channel: caucus })).ok,
    ).toBe(true);
    expect(
      (await emit(customer, 'chat:send', { clientId: 'caucus-2-xxxx', text: '640 元。', channel: caucus })).ok,
    ).toBe(true);
    expect((await emit(mediator, 'caucus:close', {})).ok).toBe(true);
    const phase = () => mediator.states.at(-1)?.phase;
    await waitFor(() => phase() !== 'caucus', 'caucus closed');
    if (phase() !== 'drafting') expect((await emit(mediator, 'room:phase', { phase: 'drafting' })).ok).toBe(true);

    // An agreement with a body and its key terms, frozen, signed by all three: sealed.
    const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await waitSynced(writer);
    const p = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    text.insert(0, '平台减免服务费 480 元，客户撤回投诉。');
    p.insert(0, [text]);
    writer.doc.getXmlFragment('body').insert(0, [p]);
    writer.doc.getMap('terms').set('feesWaivedCents', 48_000);
    writer.doc.getMap('terms').set('amountAgreedCents', 0);
    const watcher = connectDoc(t.url, c.caseId, c.tokens.customer);
    await waitFor(() => watcher.doc.getMap('terms').get('feesWaivedCents') === 48_000, 'the edit relayed');
    watcher.destroy();
    writer.destroy();
    await agreeToEveryClause({ customer, platform });
    expect((await emit(mediator, 'room:phase', { phase: 'signing' })).ok).toBe(true);
    const status = async (x: RoomClient) => (await emit(x, 'outcome:status', {})).data as OutcomeStatus;
    const frozen = await waitFor(() => status(customer).then((s) => s.freeze), 'frozen');
    const names = { customer: '王女士', platform: '李华', mediator: '张律师' } as const;
    let last: OutcomeStatus | undefined;
    for (const [role, x] of [
      ['customer', customer],
      ['platform', platform],
      ['mediator', mediator],
    ] as const) {
      const signed = await emit(x, 'outcome:sign', {
        fingerprint: frozen.fingerprint,
        fullName: names[role],
        secret: c.pins[role],
      });
      expect(signed.ok).toBe(true);
      last = signed.data;
    }
    expect(last?.sealed).toBeTruthy();
    sealed = last?.sealed as SealedOutcome;
    // The case's status moves after the seal; its entries are in the log before the data dir is copied.
    await waitFor(async () => (await t?.server.store.getCase(c.caseId))?.status === 'settled', 'case settled');
    clients.forEach((x) => x.close());
    open = await t.createCase('Audit trail, in session');
    const o = await connectRoom(t.url, open.tokens.customer, open.caseId);
    for (const text of ['第一条。', '第二条。']) expect((await o.send(text)).ok).toBe(true);
    o.close();
    await t.close();
    t = null;
  });

  afterAll(async () => {
    await t?.close();
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('an intact case verifies, exit 0', async () => {
    const r = await auditVerify(tampered(() => undefined));
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('chain intact') });
  });

  it('an unknown case is refused, exit 2, not "0 entries, chain intact"', async () => {
    const r = await auditVerify(
      tampered(() => undefined),
      '0190a8c4-0000-7000-8000-000000000000',
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('no case');
    expect(r.out).not.toContain('intact');
  });

  it('a joint chat message’s text rewritten in the database is caught, named by message', async () => {
    const dir = tampered((db) =>
      db
        .prepare("UPDATE messages SET text = '服务费我认可。' WHERE case_id = ? AND channel = 'joint' AND seq = 2")
        .run(c.caseId),
    );
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken link: chat message #2 \(joint\): .*does not match its audit entry \(seq \d+\)/);
    // The sealed transcript hash no longer matches either: reported after the first link.
    expect(r.out).toContain('transcript hash');
  });

  it('a caucus message rewritten is caught too', async () => {
    const dir = tampered((db) =>
      db
        .prepare("UPDATE messages SET text = '800 元。' WHERE case_id = ? AND channel LIKE 'caucus:%' AND seq = 2")
        .run(c.caseId),
    );
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken link: chat message #2 \(caucus [^)]+\): .*does not match its audit entry/);
  });

  it('the last audit row deleted is caught', async () => {
    const dir = tampered((db) =>
      db
        .prepare('DELETE FROM audit_log WHERE case_id = ? AND seq = (SELECT MAX(seq) FROM audit_log WHERE case_id = ?)')
        .run(c.caseId, c.caseId),
    );
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    // The last entry is the case's move to "settled", after the seal: its status names the cut.
    expect(r.out).toMatch(/first broken link: case status: the case is "settled" but its last case.status entry/);
  });

  it('the last audit row of a case in session deleted (a chat message’s entry) is caught', async () => {
    const dir = tampered((db) =>
      db
        .prepare('DELETE FROM audit_log WHERE case_id = ? AND seq = (SELECT MAX(seq) FROM audit_log WHERE case_id = ?)')
        .run(open.caseId, open.caseId),
    );
    const r = await auditVerify(dir, open.caseId);
    expect(r.code).toBe(1);
    expect(r.out).toContain('first broken link: chat message #2 (joint): has no audit entry');
  });

  it('the frozen text edited is caught', async () => {
    const dir = tampered((db) =>
      db.prepare("UPDATE freezes SET text = text || '另：客户放弃一切权利。' WHERE case_id = ?").run(c.caseId),
    );
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken link: agreement frozen for signing: .*do not match its audit entry/);
  });

  it('the tail from the seal on deleted is caught by the head the sealed record anchors', async () => {
    const dir = tampered((db) =>
      db.prepare('DELETE FROM audit_log WHERE case_id = ? AND seq > ?').run(c.caseId, sealed.record.audit.headSeq),
    );
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken link: sealed record: no seal entry after the audit head it names \(seq \d+\)/);
  });

  it('a signer’s name edited is caught', async () => {
    const dir = tampered((db) =>
      db.prepare("UPDATE signatures SET name = '王女士' WHERE user_id = ?").run(c.userIds.platform),
    );
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`first broken link: signature of platform ${c.userIds.platform}`);
  });

  it('the stored sealed record edited is caught by the CLI and not served by a server on that data', async () => {
    const edit = (db: Database.Database) => {
      const row = db.prepare('SELECT record FROM outcomes WHERE case_id = ?').get(c.caseId) as { record: string };
      const record = JSON.parse(row.record) as { title: string };
      record.title = `${record.title}（已修改）`;
      db.prepare('UPDATE outcomes SET record = ? WHERE case_id = ?').run(JSON.stringify(record), c.caseId);
    };
    const dir = tampered(edit);
    const r = await auditVerify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('sealed record: the signature does not match the record');
    expect(r.out).toMatch(/sealed record: does not match its seal entry/);

    // A server started on that data refuses to serve the edited record; on the intact copy it serves it.
    // The customer's export carries the record too: the same check, the same refusal.
    const get = async (d: string, path: 'outcome' | 'export' = 'outcome') => {
      const s = await startServer({ dataDir: d });
      try {
        const res = await fetch(`${s.url}/api/cases/${c.caseId}/${path}`, {
          headers: { authorization: `Bearer ${c.tokens.customer}` },
        });
        return { status: res.status, body: (await res.json()) as unknown };
      } finally {
        await s.close();
      }
    };
    const intact = await get(tampered(() => undefined));
    expect(intact).toEqual({ status: 200, body: sealed });
    const exported = await get(
      tampered(() => undefined),
      'export',
    );
    expect(exported.status).toBe(200);
    expect((exported.body as { outcome: unknown }).outcome).toEqual(sealed);
    for (const path of ['outcome', 'export'] as const) {
      const served = await get(dir, path);
      expect(served.status, path).toBe(500);
      expect(served.body).toMatchObject({
        error: { code: 'INTERNAL', message: expect.stringContaining('seal check') },
      });
      expect(JSON.stringify(served.body)).not.toContain('已修改');
    }
  });
});
