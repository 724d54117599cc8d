import { describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { LeanSessionAdapter } from './lean-adapter';

describe('LeanSessionAdapter', () => {
  // Never attached to an HTTP server, so nothing to close (the adapter's sweep timer is unref'd).
  function adapter(): LeanSessionAdapter {
    const io = new Server({ connectionStateRecovery: { maxDisconnectionDuration: 60_000 } });
    io.adapter(LeanSessionAdapter);
    return io.of('/').adapter as LeanSessionAdapter;
  }

  /** Broadcasts an event to room `r`; returns the offset a client would read from it, if any. */
  function send(a: LeanSessionAdapter, event: string, payload: unknown): unknown {
    const data: unknown[] = [event, payload];
    a.broadcast({ type: 2, nsp: '/', data }, { rooms: new Set(['r']), except: new Set() });
    return data.length > 2 ? data.at(-1) : undefined;
  }

  it('replays what a recovered connection missed, except what the gateway sends it afresh', async () => {
    const a = adapter();
    const last = send(a, 'room:state', { phase: 'opening' });
    a.persistSession({ sid: 's1', pid: 'p1', rooms: ['r'], data: {} });
    send(a, 'presence', { participants: [] });
    send(a, 'room:welcome', { caseId: 'c' });
    send(a, 'room:lobby', { caseId: 'c' });
    expect(send(a, 'chat:message', { seq: 1 })).toBeUndefined();
    send(a, 'room:state', { phase: 'drafting' });
    const session = await a.restoreSession('p1', last as string);
    expect(session?.missedPackets.map((d) => d.slice(0, 2))).toEqual([['room:state', { phase: 'drafting' }]]);
  });

  it('a welcome or a presence update still gives the client an offset to recover from', async () => {
    const a = adapter();
    const welcome = send(a, 'room:welcome', { caseId: 'c' });
    const presence = send(a, 'presence', { participants: [] });
    expect(typeof welcome).toBe('string');
    expect(typeof presence).toBe('string');
    a.persistSession({ sid: 's1', pid: 'p1', rooms: ['r'], data: {} });
    send(a, 'activity', { kind: 'phase' });
    const fromWelcome = await a.restoreSession('p1', welcome as string);
    expect(fromWelcome?.missedPackets.map((d) => d[0])).toEqual(['activity']);
    a.persistSession({ sid: 's1', pid: 'p1', rooms: ['r'], data: {} });
    const fromPresence = await a.restoreSession('p1', presence as string);
    expect(fromPresence?.missedPackets.map((d) => d[0])).toEqual(['activity']);
  });
});
