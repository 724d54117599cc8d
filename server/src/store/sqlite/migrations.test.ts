import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './index';
import { sqliteMigrations } from './migrations';

const dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteStore migrations', () => {
  it('migrates a new file to the latest version and reopens it without re-running', async () => {
    const file = join(dir, 'migrate.db');
    const a = new SqliteStore({ filename: file });
    expect(a.schemaVersion).toBe(sqliteMigrations.length);
    await a.close();
    const b = new SqliteStore({ filename: file });
    expect(b.schemaVersion).toBe(sqliteMigrations.length);
    await b.close();
  });

  it('the chat table rebuilt with its idempotence index led by the client id keeps every message, and a retry still finds its own', async () => {
    const file = join(dir, 'messages-v3.db');
    const cite = { id: '0193a1b2-0000-7000-8000-000000000001', name: '还款记录.pdf', type: 'repayment_record' };
    const before = sqliteMigrations.length - 1;
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    sqliteMigrations.slice(0, before).forEach((sql) => old.exec(sql));
    old.pragma(`user_version = ${before}`);
    const insert = old.prepare(
      `INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at, cites)
       VALUES ('case-1', 'joint', ?, ?, ?, 'user-1', '张女士', 'customer', ?, '2026-12-06T01:00:00.000Z', ?)`,
    );
    insert.run(1, 'm-1', 'client-aaaa', '第一条', null);
    insert.run(2, 'm-2', 'client-bbbb', '第二条', JSON.stringify([cite]));
    old.close();

    const store = new SqliteStore({ filename: file });
    expect(store.schemaVersion).toBe(sqliteMigrations.length);
    const listed = await store.listMessages('case-1', 'joint', { afterSeq: 0, limit: 10 });
    expect(listed.map((m) => [m.seq, m.clientId, m.text, m.cites])).toEqual([
      [1, 'client-aaaa', '第一条', []],
      [2, 'client-bbbb', '第二条', [cite]],
    ]);
    const retry = await store.appendMessage({
      id: 'm-retry',
      caseId: 'case-1',
      channel: 'joint',
      clientId: 'client-aaaa',
      senderId: 'user-1',
      senderName: '张女士',
      senderRole: 'customer',
      text: '第一条',
      createdAt: '2026-12-06T01:00:01.000Z',
    });
    expect(retry.duplicate).toBe(true);
    expect(retry.message.seq).toBe(1);
    // The same client id from another sender is another message.
    const other = await store.appendMessage({
      id: 'm-3',
      caseId: 'case-1',
      channel: 'joint',
      clientId: 'client-bbbb',
      senderId: 'user-2',
      senderName: '平台',
      senderRole: 'platform',
      text: '收到',
      createdAt: '2026-12-06T01:00:02.000Z',
    });
    expect([other.duplicate, other.message.seq]).toEqual([false, 3]);
    await store.close();
  });
});
