import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventRateLimits, handshakeAttempts } from './rate-limit';

const limits = {
  eventsPerSecond: 10,
  eventsBurst: 5,
  chatPerSecond: 2,
  chatBurst: 3,
  floodDisconnectAfter: 4,
  yjsMessagesPerSecond: 1,
  yjsMessagesBurst: 1,
  yjsBytesPerSecond: 1,
  yjsBytesBurst: 1,
};

describe('EventRateLimits', () => {
  afterEach(() => vi.useRealTimers());

  it('refuses past the socket budget with a retry hint, and disconnects after the strikes run out', () => {
    vi.useFakeTimers({ now: 0 });
    const socket = new EventRateLimits(limits).forSocket('u1');
    const verdicts = Array.from({ length: 10 }, () => socket.check('chat:history'));
    expect(verdicts.slice(0, 5).every((v) => v.ok)).toBe(true);
    const refused = verdicts.slice(5);
    expect(refused.map((v) => !v.ok && v.disconnect)).toEqual([false, false, false, false, true]);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: 100 } });
    expect(refused[4]).toMatchObject({ error: { message: expect.stringMatching(/^disconnected/) as unknown } });
  });

  it('the chat budget belongs to the person, across sockets, and outlives them', () => {
    vi.useFakeTimers({ now: 0 });
    const rates = new EventRateLimits(limits);
    const a = rates.forSocket('u1');
    const b = rates.forSocket('u1');
    expect([a.check('chat:send'), a.check('chat:send'), b.check('chat:send')].every((v) => v.ok)).toBe(true);
    expect(b.check('chat:send')).toMatchObject({ ok: false, error: { retryAfterMs: 500 } });
    expect(rates.forSocket('u2').check('chat:send').ok).toBe(true);
    a.release();
    b.release();
    // Reconnecting does not reset a spent budget.
    expect(rates.forSocket('u1').check('chat:send').ok).toBe(false);
    vi.setSystemTime(500);
    expect(rates.forSocket('u1').check('chat:send').ok).toBe(true);
  });
});

describe('handshakeAttempts', () => {
  it('lets ten handshakes through per connection, then refuses and closes it', async () => {
    const guard = handshakeAttempts(10);
    let closed = 0;
    const conn = { close: () => closed++ };
    const results: (Error | undefined)[] = [];
    for (let i = 0; i < 12; i++) guard({ conn }, (err) => results.push(err));
    expect(results.slice(0, 10).every((r) => r === undefined)).toBe(true);
    expect((results[10] as Error & { data: { code: string } }).data.code).toBe('RATE_LIMITED');
    await new Promise((r) => process.nextTick(r));
    expect(closed).toBe(2);
    // Another connection has its own count.
    guard({ conn: { close: () => undefined } }, (err) => expect(err).toBeUndefined());
  });
});
