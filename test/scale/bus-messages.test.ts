import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../server/src/scale/redis-bus';
import type { Envelope } from '../../server/src/scale/messages';
import { REDIS_URL, servicesOrSkip } from '../helpers/services';
import { waitFor } from '../helpers/wait';

const available = await servicesOrSkip('bus message checks');

describe.skipIf(!available)('bus messages are checked on receive', () => {
  const channel = `accord-test:${randomUUID()}:bus`;
  const problems: string[] = [];
  let bus: RedisBus;
  let raw: Redis;

  beforeAll(async () => {
    bus = new RedisBus(REDIS_URL, 'node-a', channel, (problem) => problems.push(problem));
    raw = new Redis(REDIS_URL);
    await bus.ping();
  });
  afterAll(async () => {
    await bus.close();
    await raw.quit();
  });

  it('drops what is not JSON or not a bus message, and delivers the valid one after them', async () => {
    const seen: Envelope[] = [];
    const unsubscribe = bus.subscribe((e) => seen.push(e));
    // A subscriber only hears messages published after its subscription is live: publish once first.
    await bus.publish({ type: 'doc.resync', doc: 'warm-up' });
    await waitFor(() => seen.length === 1, 'the warm-up message', 15_000);
    await raw.publish(channel, 'not json {');
    await raw.publish(channel, JSON.stringify({ origin: 'node-b', message: { type: 'sessions.nuked' } }));
    await raw.publish(
      channel,
      JSON.stringify({ origin: 'node-b', message: { type: 'member.removed', caseId: 42, userId: 'u' } }),
    );
    await raw.publish(
      channel,
      JSON.stringify({ origin: 'node-b', message: { type: 'doc.update', doc: 'd', update: '%%' } }),
    );
    await bus.publish({ type: 'member.removed', caseId: 'c1', userId: 'u1' });
    await waitFor(() => seen.length === 2, 'the valid message', 15_000);
    unsubscribe();
    expect(seen[1]).toEqual({ origin: 'node-a', message: { type: 'member.removed', caseId: 'c1', userId: 'u1' } });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe('not JSON');
    expect(problems[2]).toMatch(/caseId/);
    expect(problems[3]).toMatch(/update/);
  });
});
