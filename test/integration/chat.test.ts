import type { ChatMessage } from '@accord/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom, newClientId, type RoomClient } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

describe('room: chat, presence and typing between three parties', () => {
  let t: TestServer;
  let c: TestCase;
  let customer: RoomClient;
  let platform: RoomClient;
  let mediator: RoomClient;

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
    customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    platform = await connectRoom(t.url, c.tokens.platform, c.caseId);
    mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
  });
  afterAll(async () => {
    for (const x of [customer, platform, mediator]) x.close();
    await t.close();
  });

  it('welcomes each party with their role and the case', () => {
    expect(customer.welcomes[0]).toMatchObject({ caseId: c.caseId, you: { role: 'customer', displayName: '王女士' } });
    expect(mediator.welcomes[0]?.you.role).toBe('mediator');
    expect(customer.welcomes[0]?.caseNumber).toMatch(/^AC-\d{4}-\d{6}$/);
  });

  it('shows everyone who is online, with role and connection count', async () => {
    const snapshot = await waitFor(() => {
      const last = customer.presence.at(-1);
      return last && last.participants.filter((p) => p.online).length === 3 ? last : null;
    }, 'three online');
    const byRole = Object.fromEntries(snapshot.participants.map((p) => [p.role, p]));
    expect(byRole.customer).toMatchObject({ online: true, connections: 1, displayName: '王女士' });
    expect(byRole.observer).toMatchObject({ online: false, connections: 0 });

    const second = await connectRoom(t.url, c.tokens.customer, c.caseId);
    await waitFor(
      () => mediator.presence.at(-1)?.participants.find((p) => p.role === 'customer')?.connections === 2,
      'two customer connections',
    );
    second.close();
    await waitFor(
      () => mediator.presence.at(-1)?.participants.find((p) => p.role === 'customer')?.connections === 1,
      'back to one',
    );
  });

  it('delivers messages both ways, stored and numbered before the ack', async () => {
    const a = await customer.send('您好，我对提前还款违约金有异议。');
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.data.duplicate).toBe(false);
    const b = await platform.send('您好，我们已收到，合同第7条约定了该费用。');
    if (!b.ok) throw new Error(b.error.message);
    expect(b.data.message.seq).toBe(a.data.message.seq + 1);
    for (const client of [customer, platform, mediator]) {
      await waitFor(() => client.messages.length >= 2, 'both messages');
      expect(client.messages.map((m) => m.text)).toEqual([a.data.message.text, b.data.message.text]);
    }
    expect(mediator.messages[0]).toMatchObject({ senderRole: 'customer', senderName: '王女士', seq: 1 });
    // It is in the store: history returns it.
    const history = await mediator.socket.emitWithAck('chat:history', { limit: 10 });
    expect(history.ok && history.data.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it("does not send a message back to the connection that sent it (its ack carries it), but to the sender's other tabs", async () => {
    const tab = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const wire: ChatMessage[] = [];
    const onMessage = (m: ChatMessage) => wire.push(m);
    customer.socket.on('chat:message', onMessage);
    try {
      const a = await customer.send('另一个标签页也能看到这条吗？');
      if (!a.ok) throw new Error(a.error.message);
      const id = a.data.message.id;
      await waitFor(() => tab.messages.some((m) => m.id === id), "the sender's other tab");
      await waitFor(() => platform.messages.some((m) => m.id === id), 'the platform');
      // Anything sent back would have come before the platform's copy; give it a moment more anyway.
      await new Promise((r) => setTimeout(r, 100));
      expect(wire.filter((m) => m.id === id)).toEqual([]);
      expect(customer.messages.filter((m) => m.id === id)).toEqual([a.data.message]);
    } finally {
      customer.socket.off('chat:message', onMessage);
      tab.close();
    }
  });

  it('stores a retried send once and acknowledges it with the same seq', async () => {
    const clientId = newClientId();
    const first = await customer.send('请问违约金是怎么计算的？', clientId);
    const retry = await customer.send('请问违约金是怎么计算的？', clientId);
    if (!first.ok || !retry.ok) throw new Error('send failed');
    expect(retry.data).toEqual({ message: first.data.message, duplicate: true });
    await waitFor(() => platform.messages.some((m) => m.clientId === clientId), 'delivered');
    await new Promise((r) => setTimeout(r, 100));
    expect(platform.messages.filter((m) => m.clientId === clientId)).toHaveLength(1);
  });

  it('refuses reusing a clientId for different text', async () => {
    const clientId = newClientId();
    await customer.send('one', clientId);
    const res = await customer.send('two', clientId);
    expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('relays typing to the others only, and does not store it', async () => {
    const ack = await customer.socket.emitWithAck('chat:typing', { typing: true });
    expect(ack).toEqual({ ok: true, data: {} });
    await waitFor(() => platform.typing.some((e) => e.role === 'customer' && e.typing), 'typing seen');
    expect(customer.typing.some((e) => e.role === 'customer' && e.typing)).toBe(false);
    const head = await t.server.store.headSeq(c.caseId, 'joint');
    expect(head).toBe(customer.messages.at(-1)?.seq);
  });

  it('pages history backwards by seq', async () => {
    for (let i = 0; i < 12; i++) await mediator.send(`分页消息 ${i}`);
    const head = await t.server.store.headSeq(c.caseId, 'joint');
    const page1 = await customer.socket.emitWithAck('chat:history', { limit: 5 });
    if (!page1.ok) throw new Error(page1.error.message);
    expect(page1.data.messages.map((m) => m.seq)).toEqual([head - 4, head - 3, head - 2, head - 1, head]);
    expect(page1.data.hasMore).toBe(true);
    const page2 = await customer.socket.emitWithAck('chat:history', { beforeSeq: head - 4, limit: 5 });
    if (!page2.ok) throw new Error(page2.error.message);
    expect(page2.data.messages.map((m) => m.seq)).toEqual([head - 9, head - 8, head - 7, head - 6, head - 5]);
    const all = await customer.socket.emitWithAck('chat:history', { beforeSeq: 3, limit: 100 });
    expect(all.ok && all.data).toMatchObject({ hasMore: false });
    expect(all.ok && all.data.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('keeps every receiver in seq order under concurrent senders', async () => {
    const sends = [];
    for (let i = 0; i < 20; i++) {
      sends.push(customer.send(`c${i}`), platform.send(`p${i}`), mediator.send(`m${i}`));
    }
    const acks = await Promise.all(sends);
    expect(acks.every((a) => a.ok)).toBe(true);
    const head = await t.server.store.headSeq(c.caseId, 'joint');
    for (const client of [customer, platform, mediator]) {
      await waitFor(() => client.messages.at(-1)?.seq === head, 'all delivered');
      const seqs = client.messages.map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    }
  });
});
