import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSignal, CallState } from '@accord/shared';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

describe('call smoke', () => {
  let t: TestServer;
  let c: TestCase;
  const open: RoomClient[] = [];
  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('Call', { lobby: false, phase: 'joint' });
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    await t.close();
  });

  it('joins, signals, separates in caucus', async () => {
    const states = new Map<string, CallState[]>();
    const signals = new Map<string, CallSignal[]>();
    const conn = async (role: 'customer' | 'platform' | 'mediator') => {
      const x = await connectRoom(t.url, c.tokens[role], c.caseId);
      open.push(x);
      states.set(role, []);
      signals.set(role, []);
      x.socket.on('call:state', (s) => states.get(role)?.push(s));
      x.socket.on('call:signal', (s) => signals.get(role)?.push(s));
      return x;
    };
    const cu = await conn('customer');
    const pl = await conn('platform');
    const me = await conn('mediator');
    const ids = {
      customer: 'peer-customer-000001',
      platform: 'peer-platform-000001',
      mediator: 'peer-mediator-000001',
    };
    expect((await emit(cu, 'call:join', { peerId: ids.customer, audio: true, video: true })).ok).toBe(true);
    expect((await emit(pl, 'call:join', { peerId: ids.platform, audio: true, video: false })).ok).toBe(true);
    expect((await emit(me, 'call:join', { peerId: ids.mediator, audio: true, video: true })).ok).toBe(true);
    await waitFor(() => states.get('customer')?.at(-1)?.peers.length === 2, 'customer sees two');
    const sent = await emit(cu, 'call:signal', { to: ids.platform, kind: 'restart' });
    expect(sent.ok).toBe(true);
    await waitFor(() => (signals.get('platform')?.length ?? 0) === 1, 'signal arrives');
    expect(signals.get('platform')?.[0]).toEqual({ kind: 'restart', from: ids.customer });
    expect((await emit(me, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    await waitFor(
      () =>
        states
          .get('platform')
          ?.at(-1)
          ?.peers.every((p) => p.separated === 'caucus') === true,
      'platform apart',
    );
    const refused = await emit(pl, 'call:signal', { to: ids.customer, kind: 'restart' });
    expect(refused.error?.reason).toBe('call.separated');
  });
});
