import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@accord/shared';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

// Its own file (its own process): the hash queue's limit is one per process.
describe('the password-hash queue is bounded', () => {
  let t: TestServer;

  const login = async (username: string, password: string) => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { token?: string; error?: ErrorBody };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
  };

  beforeAll(async () => {
    // No waiting at all behind the two running hashes: the third concurrent sign-in is refused.
    t = await startServer({ env: { ACCORD_PASSWORD_HASH_QUEUE: '0' } });
    await t.server.cases.createStaff(null, {
      username: 'queued',
      displayName: 'Q',
      staffRole: 'platform',
      password: 'correct horse battery',
    });
  });
  afterAll(() => t.close());

  it('beyond the queue a sign-in is refused at once with BUSY (503, Retry-After), and counts no attempt', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => login('queued', `wrong-${i}-password`)));
    const busy = burst.filter((r) => r.body.error?.code === 'BUSY');
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r.status).toBe(503);
      expect(r.retryAfter).toBe('1');
      expect(r.body.error?.retryAfterMs).toBe(1000);
    }
    // The rest were checked and wrong; none waited in a queue that does not exist.
    expect(burst.every((r) => r.body.error?.code === 'BUSY' || r.body.error?.code === 'BAD_CREDENTIALS')).toBe(true);
    // The refused ones spent nothing of the username's 10 attempts: the right password still gets in
    // once the running hashes are done.
    const ok = await waitFor(async () => {
      const r = await login('queued', 'correct horse battery');
      if (r.body.error?.code === 'BUSY') return null;
      return r;
    }, 'the queue to drain');
    expect(ok.status).toBe(200);
    expect(ok.body.token).toBeTruthy();
  }, 120_000);
});
