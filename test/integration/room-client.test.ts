import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '@accord/shared';
import type { ChatStorage } from '../../client/src/room/chatCache';
import type { OutboxItem } from '../../client/src/room/chatState';
import { RoomClient, typingIn, type RoomSocket } from '../../client/src/room/RoomClient';
import { channelState } from '../../client/src/room/roomChat';
import { connectRoom } from '../helpers/clients';
import { startServer, type TestCase, type TestRole, type TestServer } from '../helpers/server';
import { SocketProxy } from '../helpers/socket-proxy';
import { waitFor } from '../helpers/wait';

/** The browser's `localStorage` as far as the room client uses it: one per device. */
function deviceStorage(): ChatStorage {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

interface Device {
  storage?: ChatStorage;
  /** The browser's online flag (`navigator.onLine`). */
  online?: { value: boolean };
  /** Where the socket connects: the server itself unless a proxy stands between. */
  url?: string;
  ackTimeoutMs?: number;
  retryMs?: number;
}

/** The browser's room client, in Node: a real socket.io-client to a real server. */
function roomClient(url: string, c: TestCase, role: TestRole, device: Device = {}): RoomClient {
  const online = device.online ?? { value: true };
  return new RoomClient({
    caseId: c.caseId,
    token: c.tokens[role],
    me: c.userIds[role],
    storage: device.storage ?? deviceStorage(),
    isOnline: () => online.value,
    ...(device.ackTimeoutMs ? { ackTimeoutMs: device.ackTimeoutMs } : {}),
    ...(device.retryMs ? { retryMs: device.retryMs } : {}),
    connect: (options): RoomSocket =>
      io(device.url ?? url, {
        ...options,
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
      }),
  });
}

const chatOf = (client: RoomClient, channel: Channel = 'joint') => channelState(client.getSnapshot().chat, channel);
const textsOf = (client: RoomClient) => chatOf(client).messages.map((m) => m.text);
const seqsOf = (client: RoomClient) => chatOf(client).messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const connected = (client: RoomClient) =>
  waitFor(() => client.getSnapshot().status === 'connected', 'room client connected', 10_000);
const sent = (client: RoomClient) => waitFor(() => client.getSnapshot().unsent === 0, 'outbox empty', 10_000);

describe('the browser room client (RoomClient) against a real server', () => {
  let t: TestServer;
  let proxy: SocketProxy;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(x: T): T => {
    open.push(x);
    return x;
  };

  beforeAll(async () => {
    t = await startServer();
    proxy = await SocketProxy.start(t.url);
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    await proxy?.close();
    await t?.close();
  });

  it('keeps an outbox written offline across a reload and sends it once, in the order written', async () => {
    const c = await t.createCase();
    const watcher = track(await connectRoom(t.url, c.tokens.platform, c.caseId));
    const storage = deviceStorage();
    const before = track(roomClient(t.url, c, 'customer', { storage, online: { value: false } }));
    before.open();
    for (const text of ['一', '二', '三']) before.send(text);
    expect(chatOf(before).outbox.map((o) => [o.text, o.status])).toEqual([
      ['一', 'queued'],
      ['二', 'queued'],
      ['三', 'queued'],
    ]);
    await Promise.resolve(); // the cache is written once per burst of changes
    before.close();

    const after = track(roomClient(t.url, c, 'customer', { storage }));
    expect(after.getSnapshot().unsent).toBe(3);
    after.open();
    await sent(after);
    // No echo comes back to the sender: each ack carries the stored message.
    expect(textsOf(after)).toEqual(['一', '二', '三']);
    expect(seqsOf(after)).toEqual([1, 2, 3]);
    await waitFor(() => watcher.messages.length === 3, 'the other party has all three');
    expect(watcher.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, '一'],
      [2, '二'],
      [3, '三'],
    ]);
    // What a later reload finds: the messages, nothing left to send.
    after.close();
    await Promise.resolve();
    const third = roomClient(t.url, c, 'customer', { storage }).getSnapshot();
    expect([third.unsent, channelState(third.chat, 'joint').messages.map((m) => m.seq)]).toEqual([0, [1, 2, 3]]);
  });

  it('an ack lost and then the connection cut: every message arrives once, in order', async () => {
    const c = await t.createCase();
    const watcher = track(await connectRoom(t.url, c.tokens.platform, c.caseId));
    const client = track(roomClient(t.url, c, 'customer', { url: proxy.url, ackTimeoutMs: 500 }));
    client.open();
    await connected(client);
    proxy.dropToClient = (frame) => frame.startsWith('43') && frame.includes('"text":"m2"');
    for (let i = 1; i <= 5; i++) client.send(`m${i}`);
    // m2 is stored but its ack never comes: it goes back to the queue, and the rest wait behind it.
    const waiting = (o: OutboxItem) => o.text === 'm2' && o.status === 'queued' && o.error === 'TIMEOUT';
    await waitFor(() => chatOf(client).outbox.some(waiting), 'm2 timed out');
    expect(chatOf(client).outbox.map((o) => o.text)).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(await t.server.store.headSeq(c.caseId, 'joint')).toBe(2);
    proxy.dropToClient = () => false;
    proxy.cut();
    await sent(client);
    expect(textsOf(client)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(seqsOf(client)).toEqual(range(1, 5));
    await waitFor(() => watcher.messages.length >= 5, 'the other party has all five');
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.messages.map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('the connection cut while sends are on the wire, three times over: nothing lost, nothing doubled', async () => {
    const c = await t.createCase();
    const watcher = track(await connectRoom(t.url, c.tokens.platform, c.caseId));
    const client = track(roomClient(t.url, c, 'customer', { url: proxy.url }));
    client.open();
    const written: string[] = [];
    // Cut at once (the first send lost on its way), then later and later (some stored, their acks lost).
    for (const [round, after] of [0, 5, 15].entries()) {
      await connected(client);
      for (let i = 0; i < 4; i++) {
        written.push(`r${round}-${i}`);
        client.send(`r${round}-${i}`);
      }
      if (after > 0) await new Promise((r) => setTimeout(r, after));
      proxy.cut();
      await waitFor(() => client.getSnapshot().status !== 'connected', 'the cut seen');
    }
    await connected(client);
    await sent(client);
    expect(textsOf(client)).toEqual(written);
    expect(seqsOf(client)).toEqual(range(1, written.length));
    await waitFor(() => watcher.messages.length >= written.length, 'the other party has them all');
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.messages.map((m) => m.text)).toEqual(written);
  });

  it('fills a gap in the sequence from the store when broadcasts were missed', async () => {
    const c = await t.createCase();
    const client = track(roomClient(t.url, c, 'customer', { url: proxy.url }));
    client.open();
    await connected(client);
    const sender = track(await connectRoom(t.url, c.tokens.platform, c.caseId));
    await sender.send('g1');
    await sender.send('g2');
    await waitFor(() => chatOf(client).messages.length === 2, 'first two live');
    const lost = ['"text":"g3"', '"text":"g4"'];
    proxy.dropToClient = (frame) => frame.startsWith('42["chat:message"') && lost.some((s) => frame.includes(s));
    try {
      for (const text of ['g3', 'g4', 'g5']) await sender.send(text);
      await waitFor(() => chatOf(client).messages.length === 5, 'the gap filled');
    } finally {
      proxy.dropToClient = () => false;
    }
    expect(proxy.dropped.filter((f) => f.startsWith('42["chat:message"'))).toHaveLength(2);
    expect(textsOf(client)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
    expect(seqsOf(client)).toEqual(range(1, 5));
  });

  it('starts from the latest page of history and pages back one page at a time', async () => {
    const c = await t.createCase();
    const sender = track(await connectRoom(t.url, c.tokens.mediator, c.caseId));
    for (let i = 1; i <= 120; i++) await sender.send(`h${i}`);
    const client = track(roomClient(t.url, c, 'customer'));
    client.open();
    await waitFor(() => chatOf(client).messages.length === 50, 'the latest page');
    expect(seqsOf(client)).toEqual(range(71, 120));
    expect(chatOf(client).hasOlder).toBe(true);

    client.loadOlder('joint');
    expect(client.getSnapshot().loadingOlder).toBe(true);
    client.loadOlder('joint'); // one page at a time: ignored while one is on its way
    await waitFor(() => !client.getSnapshot().loadingOlder, 'page two');
    expect(seqsOf(client)).toEqual(range(21, 120));
    client.loadOlder('joint');
    await waitFor(() => !client.getSnapshot().loadingOlder, 'page three');
    expect(seqsOf(client)).toEqual(range(1, 120));
    expect(chatOf(client).hasOlder).toBe(false);
    client.loadOlder('joint');
    expect(client.getSnapshot().loadingOlder).toBe(false);
  });

  it('shows presence, typing and room state, and sends commands with their acks', async () => {
    const c = await t.createCase();
    const mediator = track(roomClient(t.url, c, 'mediator'));
    const customer = track(roomClient(t.url, c, 'customer'));
    mediator.open();
    customer.open();
    await Promise.all([connected(mediator), connected(customer)]);
    await waitFor(
      () => mediator.getSnapshot().participants.filter((p) => p.online).length === 2,
      'both online for the mediator',
    );
    customer.setTyping(true);
    await waitFor(() => typingIn(mediator.getSnapshot().typing, 'joint').get(c.userIds.customer), 'typing seen');
    expect(customer.getSnapshot().typing.size).toBe(0);
    customer.setTyping(false);
    await waitFor(() => mediator.getSnapshot().typing.size === 0, 'typing stopped');

    expect(await mediator.command('room:pin', { text: '合同第7条' })).toBeNull();
    await waitFor(() => customer.getSnapshot().state?.pinned?.text === '合同第7条', 'pin seen');
    expect(await customer.command('room:pin', { text: 'no' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await customer.command('hand:raise', { raised: true })).toBeNull();
    await waitFor(
      () => mediator.getSnapshot().participants.find((p) => p.userId === c.userIds.customer)?.handRaised,
      'hand seen',
    );
    await waitFor(() => mediator.getSnapshot().activity.length > 0, 'activity feed');
    customer.close();
    await waitFor(
      () => mediator.getSnapshot().participants.find((p) => p.userId === c.userIds.customer)?.online === false,
      'customer gone',
    );
  });
});

describe('the room client over the chat rate limit', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_CHAT_PER_SECOND: '10', ACCORD_CHAT_BURST: '3' } });
  });
  afterAll(() => t?.close());

  it('waits as long as RATE_LIMITED says, then sends the rest, in order and once', async () => {
    const c = await t.createCase();
    const watcher = await connectRoom(t.url, c.tokens.platform, c.caseId);
    const online = { value: false };
    // A retry after the default pause would not be done within the test's wait: only the server's word is.
    const client = roomClient(t.url, c, 'customer', { online, retryMs: 60_000 });
    const refusals = new Set<string>();
    const unsubscribe = client.subscribe(() => {
      for (const o of chatOf(client).outbox) if (o.error === 'RATE_LIMITED') refusals.add(o.clientId);
    });
    try {
      client.open();
      const written = Array.from({ length: 8 }, (_, i) => `rl${i}`);
      written.forEach((text) => client.send(text));
      const started = Date.now();
      online.value = true;
      client.setOnline(true);
      await sent(client);
      expect(refusals.size).toBeGreaterThan(0);
      // Three pass at once, the other five at ten a second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(chatOf(client).outbox).toEqual([]);
      expect(textsOf(client)).toEqual(written);
      await waitFor(() => watcher.messages.length >= written.length, 'the other party has them all');
      expect(watcher.messages.map((m) => m.text)).toEqual(written);
    } finally {
      unsubscribe();
      client.close();
      watcher.close();
    }
  });
});

describe('the room client under the production rate limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    // An empty value means the default (test/helpers/server.ts otherwise runs unthrottled).
    t = await startServer({
      env: { ACCORD_EVENTS_PER_SECOND: '', ACCORD_EVENTS_BURST: '', ACCORD_CHAT_PER_SECOND: '', ACCORD_CHAT_BURST: '' },
    });
  });
  afterAll(() => t?.close());

  it('flushes a 50-message outbox written offline, with its welcome requests, without one refusal', async () => {
    const c = await t.createCase();
    const online = { value: false };
    const client = roomClient(t.url, c, 'customer', { online });
    const errors = new Set<string>();
    const unsubscribe = client.subscribe(() => {
      for (const o of chatOf(client).outbox) if (o.error) errors.add(o.error);
    });
    try {
      client.open();
      const written = Array.from({ length: 50 }, (_, i) => `queued offline ${i}`);
      written.forEach((text) => client.send(text));
      online.value = true;
      client.setOnline(true);
      await sent(client);
      expect([...errors]).toEqual([]);
      expect(textsOf(client)).toEqual(written);
      expect(client.getSnapshot().outcome).not.toBeNull();
    } finally {
      unsubscribe();
      client.close();
    }
  });
});
