import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@accord/shared';
import { SqliteStore, type Store } from '@accord/server';
import { connectDoc, connectRoom, newClientId, waitSynced } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

/**
 * A real SQLite store whose writes can be slowed down or made to fail, to prove
 * the order "stored, then acknowledged or relayed" and what happens when a
 * write fails: the client is told, nothing is relayed, a retry lands once.
 */
class SlowStore {
  delayMs = 0;
  failNext: 'message' | 'doc' | null = null;
  readonly storedAt = new Map<string, number>();
  docStoredAt: number[] = [];

  wrap(inner: Store): Store {
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop === 'appendMessage') {
          return async (m: Parameters<Store['appendMessage']>[0]) => {
            await sleep(this.delayMs);
            if (this.failNext === 'message') {
              this.failNext = null;
              throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
            }
            const result = await target.appendMessage(m);
            if (!this.storedAt.has(m.clientId)) this.storedAt.set(m.clientId, Date.now());
            return result;
          };
        }
        if (prop === 'appendDocUpdate') {
          return async (name: string, update: Uint8Array) => {
            await sleep(this.delayMs);
            if (this.failNext === 'doc') {
              this.failNext = null;
              throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
            }
            const id = await target.appendDocUpdate(name, update);
            this.docStoredAt.push(Date.now());
            return id;
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

describe('stored before acknowledged or relayed; a failed write is reported, not lost', () => {
  const slow = new SlowStore();
  let t: TestServer;
  let c: TestCase;

  beforeAll(async () => {
    t = await startServer({ store: (dir) => slow.wrap(new SqliteStore({ filename: join(dir, 'accord.db') })) });
    c = await t.createCase();
  });
  afterAll(() => t.close());

  it('no one receives a chat message, and the sender gets no ack, before it is stored', async () => {
    const sender = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const receiver = await connectRoom(t.url, c.tokens.platform, c.caseId);
    const receivedAt = new Map<string, number>();
    receiver.socket.on('chat:message', (m) => receivedAt.set(m.clientId, Date.now()));
    slow.delayMs = 150;
    const ids = [newClientId(), newClientId(), newClientId()];
    const ackedAt = await Promise.all(
      ids.map(async (id) => {
        const ack = await sender.send(`慢写入 ${id}`, id);
        expect(ack.ok).toBe(true);
        return Date.now();
      }),
    );
    slow.delayMs = 0;
    await waitFor(() => ids.every((id) => receivedAt.has(id)), 'all delivered');
    ids.forEach((id, i) => {
      const stored = slow.storedAt.get(id) ?? Infinity;
      expect(receivedAt.get(id)).toBeGreaterThanOrEqual(stored);
      expect(ackedAt[i]).toBeGreaterThanOrEqual(stored);
    });
    sender.close();
    receiver.close();
  });

  it('a failed store write answers STORE_FAILED, delivers nothing, and the retry is stored once', async () => {
    const sender = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const receiver = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const head = await t.server.store.headSeq(c.caseId, 'joint');
    const id = newClientId();
    slow.failNext = 'message';
    const failed = await sender.send('这条第一次写入失败', id);
    expect(failed).toMatchObject({ ok: false, error: { code: 'STORE_FAILED' } });
    await sleep(100);
    expect(receiver.messages.some((m) => m.clientId === id)).toBe(false);
    expect(await t.server.store.headSeq(c.caseId, 'joint')).toBe(head);
    const retried = await sender.send('这条第一次写入失败', id);
    expect(retried.ok && retried.data.message.seq).toBe(head + 1);
    await waitFor(() => receiver.messages.some((m) => m.clientId === id), 'delivered after retry');
    sender.close();
    receiver.close();
  });

  it('an edit is relayed to others only after it is stored', async () => {
    const writer = connectDoc(t.url, c.caseId, c.tokens.customer);
    const watcher = connectDoc(t.url, c.caseId, c.tokens.platform);
    await Promise.all([waitSynced(writer), waitSynced(watcher)]);
    let relayedAt = 0;
    watcher.doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (origin === watcher.provider && relayedAt === 0) relayedAt = Date.now();
    });
    slow.delayMs = 150;
    slow.docStoredAt = [];
    draft(writer.doc).insert(0, '慢');
    await waitFor(() => bodyText(watcher.doc) === '慢', 'relayed');
    slow.delayMs = 0;
    expect(slow.docStoredAt.length).toBeGreaterThan(0);
    expect(relayedAt).toBeGreaterThanOrEqual(slow.docStoredAt[0] ?? Infinity);
    writer.destroy();
    watcher.destroy();
  });

  it('a failed update write closes the document’s connections (4503); they resync and nothing is lost', async () => {
    const writer = connectDoc(t.url, c.caseId, c.tokens.customer);
    const watcher = connectDoc(t.url, c.caseId, c.tokens.platform);
    await Promise.all([waitSynced(writer), waitSynced(watcher)]);
    slow.failNext = 'doc';
    draft(writer.doc).insert(0, '第一次写入失败的修改');
    await waitFor(() => writer.closes.some((x) => x.code === CloseCode.STORE_FAILED), 'writer closed with 4503');
    await waitFor(() => watcher.closes.some((x) => x.code === CloseCode.STORE_FAILED), 'watcher closed too');
    // The stock providers reconnect by themselves; the writer resends what the server lacks.
    await waitFor(() => bodyText(watcher.doc).includes('第一次写入失败的修改'), 'converged');
    const stored = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    stored.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    expect(bodyText(doc)).toContain('第一次写入失败的修改');
    writer.destroy();
    watcher.destroy();
  });
});
