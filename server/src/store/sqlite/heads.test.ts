import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AuditLog, entryBuilder } from '../../audit/log';
import type { MessageAudit, NewMessage } from '../types';
import { SqliteStore } from './index';

const dir = mkdtempSync(join(tmpdir(), 'accord-heads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

/** Two connections to one file: the server's and another writer's (the CLI's, say). */
function twoWriters(): [SqliteStore, SqliteStore] {
  const file = join(dir, `${randomUUID()}.db`);
  const a = new SqliteStore({ filename: file });
  const b = new SqliteStore({ filename: file });
  opened.push(a, b);
  return [a, b];
}

const message = (caseId: string, clientId: string, text = `text ${clientId}`): NewMessage => ({
  id: randomUUID(),
  caseId,
  channel: 'joint',
  clientId,
  senderId: 'u1',
  senderName: 'Mediator',
  senderRole: 'mediator',
  text,
  createdAt: new Date().toISOString(),
});

const audited: MessageAudit = (m, previous) =>
  entryBuilder(m.caseId, m.senderId, 'chat.message', { channel: m.channel, seq: m.seq })(previous);

describe('the SQLite store keeps chain heads between transactions, and another writer cannot break them', () => {
  it('an audit entry and a message written by another connection are counted before the next message', async () => {
    const [server, other] = twoWriters();
    const caseId = randomUUID();
    expect((await server.appendMessage(message(caseId, 'c1'), audited)).message.seq).toBe(1);
    await new AuditLog(other).append(caseId, 'staff', 'case.note', { note: 'from the CLI' });
    expect((await other.appendMessage(message(caseId, 'c2'), audited)).message.seq).toBe(2);
    expect((await server.appendMessage(message(caseId, 'c3'), audited)).message.seq).toBe(3);
    await new AuditLog(server).append(caseId, 'staff', 'case.note', { note: 'from the server' });

    const chain = await new AuditLog(server).verify(caseId);
    expect(chain).toMatchObject({ ok: true, problems: [] });
    const entries = await new AuditLog(other).all(caseId);
    expect(entries.map((e) => e.kind)).toEqual([
      'chat.message',
      'case.note',
      'chat.message',
      'chat.message',
      'case.note',
    ]);
    const messages = await server.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 });
    expect(messages.map((m) => [m.clientId, m.seq])).toEqual([
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
    ]);
    // A retry of a message the other connection stored is found, not stored again.
    const retry = await server.appendMessage({ ...message(caseId, 'c2'), text: 'text c2' }, audited);
    expect(retry).toMatchObject({ duplicate: true, message: { seq: 2 } });
    expect(await server.headSeq(caseId, 'joint')).toBe(3);
  });

  it('messages of one batch and of the next continue each channel and the chain', async () => {
    const [server] = twoWriters();
    const caseId = randomUUID();
    const first = await Promise.all(['a', 'b', 'c'].map((id) => server.appendMessage(message(caseId, id), audited)));
    expect(first.map((r) => r.message.seq)).toEqual([1, 2, 3]);
    const next = await Promise.all(['d', 'a'].map((id) => server.appendMessage(message(caseId, id), audited)));
    expect(next.map((r) => [r.message.seq, r.duplicate])).toEqual([
      [4, false],
      [1, true],
    ]);
    await expect(server.appendMessage(message(caseId, 'b', 'other text'), audited)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await server.appendMessage(message(caseId, 'e'), audited)).message.seq).toBe(5);
    expect(await new AuditLog(server).verify(caseId)).toMatchObject({ ok: true });
  });

  it('a purge keeps the channel head: the next message is not given a seq a client already holds', async () => {
    const [server, other] = twoWriters();
    const caseId = randomUUID();
    for (const id of ['a', 'b']) await server.appendMessage(message(caseId, id), audited);
    await server.purgeCase(caseId, new Date().toISOString());
    expect(await server.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 })).toEqual([]);
    expect(await server.headSeq(caseId, 'joint')).toBe(2);
    expect((await server.appendMessage(message(caseId, 'c'), audited)).message.seq).toBe(3);
    // Read afresh by a connection that kept nothing.
    expect((await other.appendMessage(message(caseId, 'd'), audited)).message.seq).toBe(4);
    expect(await new AuditLog(server).verify(caseId)).toMatchObject({ ok: true });
  });
});
