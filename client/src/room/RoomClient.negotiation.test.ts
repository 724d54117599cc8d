import { describe, expect, it } from 'vitest';
import type { NegotiationState, RoomWelcome } from '@accord/shared';
import { RoomClient, type RoomSocket } from './RoomClient';

const state = (rounds: number): NegotiationState => ({
  consent: [],
  authors: [],
  rounds: Array.from({ length: rounds }, (_, i) => ({
    n: i + 1,
    closedAt: '2027-01-01T00:00:00.000Z',
    closedBy: { userId: 'u-m', role: 'mediator', displayName: 'Ms Li' },
    note: '',
    fingerprint: 'a'.repeat(64),
  })),
  offers: { limit: 3, rounds: [] },
});

/** Just enough of a Socket.IO socket: events fired by the test, acks answered from `answers`. */
class FakeSocket {
  connected = true;
  active = true;
  readonly asked: string[] = [];
  private readonly handlers = new Map<string, (data: unknown) => void>();
  constructor(private readonly answers: Record<string, unknown>) {}
  on(event: string, fn: (data: unknown) => void) {
    this.handlers.set(event, fn);
    return this;
  }
  timeout() {
    return {
      emitWithAck: (event: string) => {
        this.asked.push(event);
        return Promise.resolve(this.answers[event] ?? { ok: false, error: { code: 'UNKNOWN_EVENT', message: '' } });
      },
    };
  }
  emit() {}
  removeAllListeners() {}
  disconnect() {
    this.connected = false;
  }
  connect() {}
  fire(event: string, data: unknown) {
    this.handlers.get(event)?.(data);
  }
}

const welcome = {
  you: { userId: 'u-c', role: 'customer', displayName: 'Wang' },
  state: null,
} as unknown as RoomWelcome;

function setup(answers: Record<string, unknown>) {
  const socket = new FakeSocket(answers);
  const client = new RoomClient({
    caseId: 'c1',
    token: 't',
    me: 'u-c',
    storage: null,
    isOnline: () => true,
    connect: () => socket as unknown as RoomSocket,
  });
  client.open();
  return { socket, client };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the negotiation state in the room client', () => {
  it('is asked after every admission, and each broadcast replaces it', async () => {
    const { socket, client } = setup({ 'negotiation:state': { ok: true, data: state(1) } });
    expect(client.getSnapshot().negotiation).toBeNull();
    socket.fire('room:welcome', welcome);
    await settle();
    expect(socket.asked).toContain('negotiation:state');
    expect(client.getSnapshot().negotiation?.rounds).toHaveLength(1);
    socket.fire('negotiation:state', state(2));
    expect(client.getSnapshot().negotiation?.rounds).toHaveLength(2);
    // A reconnection: asked again (broadcasts sent meanwhile were missed).
    socket.fire('room:welcome', welcome);
    await settle();
    expect(socket.asked.filter((e) => e === 'negotiation:state')).toHaveLength(2);
    client.close();
  });

  it("takes consent's answer as the new state at once, and fails in words when not connected", async () => {
    const { socket, client } = setup({ 'consent:set': { ok: true, data: state(3) } });
    const res = await client.ask('consent:set', { clauseId: 'terms', hash: 'b'.repeat(64), state: 'agreed' });
    expect(res.ok).toBe(true);
    expect(client.getSnapshot().negotiation?.rounds).toHaveLength(3);
    // A round's snapshot is no negotiation state: it is handed back, not kept.
    const before = client.getSnapshot().negotiation;
    await client.ask('round:get', { n: 1 });
    expect(client.getSnapshot().negotiation).toBe(before);
    socket.connected = false;
    const offline = await client.ask('offer:submit', { amountCents: 100 });
    expect(offline).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    client.close();
  });

  it('keeps the later state when an older broadcast arrives after a newer answer (they cross on the way)', async () => {
    const { socket, client } = setup({ 'consent:set': { ok: true, data: state(3) } });
    await client.ask('consent:set', { clauseId: 'terms', hash: 'b'.repeat(64), state: 'agreed' });
    // Read by the server before that consent, sent after its answer.
    socket.fire('negotiation:state', state(2));
    expect(client.getSnapshot().negotiation?.rounds).toHaveLength(3);
    socket.fire('negotiation:state', state(4));
    expect(client.getSnapshot().negotiation?.rounds).toHaveLength(4);
    client.close();
  });
});
