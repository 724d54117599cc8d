import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, type Store } from '@accord/server';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { Party, checkOnServer, expectClean, runWorkload } from './workload';

/**
 * The real SQLite store, except that the next N message or document writes fail the way SQLite fails
 * when another process holds the lock or the disk errs. Nothing is written by a failing call.
 */
class FlakyStore {
  failMessages = 0;
  failDocs = 0;
  failedMessages = 0;
  failedDocs = 0;

  wrap(inner: Store): Store {
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop === 'appendMessage') {
          return (...args: Parameters<Store['appendMessage']>) => {
            if (this.failMessages > 0) {
              this.failMessages--;
              this.failedMessages++;
              return Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
            }
            return target.appendMessage(...args);
          };
        }
        if (prop === 'appendDocUpdate') {
          return (...args: Parameters<Store['appendDocUpdate']>) => {
            if (this.failDocs > 0) {
              this.failDocs--;
              this.failedDocs++;
              return Promise.reject(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }));
            }
            return target.appendDocUpdate(...args);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

describe('fault: the store briefly fails writes', () => {
  const flaky = new FlakyStore();
  let t: TestServer;
  let c: TestCase;

  beforeAll(async () => {
    t = await startServer({ store: (dir) => flaky.wrap(new SqliteStore({ filename: join(dir, 'accord.db') })) });
    c = await t.createCase('Fault: store failing');
  });
  afterAll(() => t.close());

  it('a failed write is an error, never an ack; the retry is stored once; nothing acknowledged is lost', async () => {
    const parties = await Promise.all(
      (['customer', 'platform', 'mediator'] as const).map((role) => Party.join(role, t.url, c.caseId, c.tokens[role])),
    );
    const workload = runWorkload(parties);
    await waitFor(() => parties.every((p) => p.acked.size >= 5 && p.marksAcked.size >= 5), 'workload under way');
    // A burst of failing writes, then another while the first retries are coming in.
    flaky.failMessages = 6;
    flaky.failDocs = 2;
    await waitFor(() => flaky.failMessages === 0 && flaky.failDocs === 0, 'the failures consumed');
    await sleep(300);
    flaky.failMessages = 4;
    flaky.failDocs = 1;
    await waitFor(() => flaky.failMessages === 0 && flaky.failDocs === 0, 'the second failures consumed');
    await sleep(300);
    await workload.stop();
    await Promise.all(parties.map((p) => p.settle()));

    const report = await checkOnServer(
      'store fails writes (SQLITE_BUSY / SQLITE_IOERR)',
      parties,
      { url: t.url, store: t.server.store },
      { caseId: c.caseId, observerToken: c.tokens.observer },
      { strictOrder: true },
    );
    // The failures were really injected and really reached the clients as errors.
    expect(flaky.failedMessages).toBe(10);
    expect(flaky.failedDocs).toBe(3);
    expect(parties.flatMap((p) => p.sendErrors).filter((e) => e === 'STORE_FAILED')).toHaveLength(10);
    expect(parties.some((p) => p.doc.closes.some((x) => x.code === 4503))).toBe(true);
    expectClean(report, expect);
    await Promise.all(parties.map((p) => p.close()));
  });
});
