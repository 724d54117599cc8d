import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';

const seqsOf = (c: RoomClient) => c.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Drops the transport as a network failure would; socket.io-client then reconnects by itself. */
function dropConnection(c: RoomClient): void {
  c.socket.io.engine.close();
}

describe('reconnect and replay: no gap, no duplicate, in order', () => {
  let t: TestServer;
  let c: TestCase;

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
  });
  afterAll(() => t.close());

  it('a client that comes back with lastSeq receives exactly what it missed, before anything live', async () => {
    const sender = await connectRoom(t.url, c.tokens.platform, c.caseId);
    const reader = await connectRoom(t.url, c.tokens.customer, c.caseId);
    for (let i = 0; i < 5; i++) await sender.send(`before ${i}`);
    await waitFor(() => reader.messages.length === 5, 'first five');

    reader.socket.disconnect();
    for (let i = 0; i < 7; i++) await sender.send(`missed ${i}`);
    reader.socket.connect();
    await waitFor(() => reader.welcomes.length === 2, 'second welcome');
    expect(reader.welcomes[1]).toMatchObject({ replayed: 7, headSeq: 12 });
    await sender.send('live after');
    await waitFor(() => reader.messages.length === 13, 'all thirteen');
    expect(seqsOf(reader)).toEqual(range(1, 13));
    expect(reader.messages.at(-1)?.text).toBe('live after');
    sender.close();
    reader.close();
  });

  it('a fresh connection with lastSeq replays only later messages', async () => {
    const head = await t.server.store.headSeq(c.caseId, 'joint');
    const late = await connectRoom(t.url, c.tokens.mediator, c.caseId, { lastSeq: head - 3 });
    expect(late.welcomes[0]?.replayed).toBe(3);
    expect(seqsOf(late)).toEqual(range(head - 2, head));
    late.close();
  });

  it('survives repeated network drops while others keep sending', async () => {
    const d = await t.createCase('reconnect storm');
    const senders = [
      await connectRoom(t.url, d.tokens.platform, d.caseId),
      await connectRoom(t.url, d.tokens.mediator, d.caseId),
    ];
    const reader = await connectRoom(t.url, d.tokens.customer, d.caseId);
    let sending = true;
    const loops = senders.map(async (s, n) => {
      let i = 0;
      while (sending) {
        const ack = await s.send(`s${n}-${i++}`);
        if (!ack.ok) throw new Error(ack.error.message);
        await sleep(2);
      }
    });
    for (let drop = 0; drop < 5; drop++) {
      await sleep(40);
      dropConnection(reader);
      await waitFor(() => reader.welcomes.length === drop + 2, `reconnect ${drop + 1}`);
    }
    sending = false;
    await Promise.all(loops);
    const head = await t.server.store.headSeq(d.caseId, 'joint');
    expect(head).toBeGreaterThan(20);
    await waitFor(() => reader.messages.some((m) => m.seq === head), 'caught up');
    // A recovered connection may get a message twice (from Socket.IO's recovery and from the replay);
    // clients keep the first of each seq. What they keep is every seq, once, in order.
    const firsts = seqsOf(reader).filter((s, i, all) => all.indexOf(s) === i);
    expect(firsts).toEqual(range(1, head));
    for (const s of [...senders, reader]) s.close();
  });

  describe('connection state recovery', () => {
    it('a dropped transport comes back as the same socket: what it missed arrives once, with no replay', async () => {
      const d = await t.createCase('recovery');
      const sender = await connectRoom(t.url, d.tokens.platform, d.caseId);
      const reader = await connectRoom(t.url, d.tokens.customer, d.caseId);
      for (let i = 0; i < 3; i++) await sender.send(`before ${i}`);
      await waitFor(() => reader.messages.length === 3, 'first three');
      const id = reader.socket.id;
      reader.socket.io.reconnection(false);
      dropConnection(reader);
      await waitFor(() => !reader.socket.connected, 'dropped');
      for (let i = 0; i < 4; i++) expect((await sender.send(`missed ${i}`)).ok).toBe(true);
      reader.socket.io.reconnection(true);
      reader.socket.connect();
      await waitFor(() => reader.welcomes.length === 2, 'welcome after recovery');
      expect(reader.socket.recovered).toBe(true);
      expect(reader.socket.id).toBe(id);
      expect(reader.welcomes[1]).toMatchObject({ headSeq: 7 });
      await sender.send('live after');
      await waitFor(() => reader.messages.some((m) => m.seq === 8), 'the live one');
      expect(seqsOf(reader).filter((s, i, all) => all.indexOf(s) === i)).toEqual(range(1, 8));
      // Still in the room both ways.
      expect((await reader.send('back')).ok).toBe(true);
      await waitFor(() => sender.messages.some((m) => m.text === 'back'), 'heard');
      sender.close();
      reader.close();
    });

    it('a member removed while cut off is not let back in by a recovery', async () => {
      const d = await t.createCase('recovery refused');
      const members = await t.server.store.listMembers(d.caseId);
      const platformId = members.find((m) => m.role === 'platform')?.userId ?? '';
      const mediator = await connectRoom(t.url, d.tokens.mediator, d.caseId);
      const platform = await connectRoom(t.url, d.tokens.platform, d.caseId);
      platform.socket.io.reconnection(false);
      // A broadcast received gives the client an offset to recover from.
      await mediator.send('before the drop');
      await waitFor(() => platform.messages.some((m) => m.text === 'before the drop'), 'offset');
      dropConnection(platform);
      await waitFor(() => !platform.socket.connected, 'dropped');
      expect((await mediator.socket.emitWithAck('moderation:remove', { userId: platformId })).ok).toBe(true);
      // Said after the removal while the party was away: a recovery would hand it over as "missed".
      expect((await mediator.send('not for removed ears')).ok).toBe(true);
      const refused = new Promise<{ data?: { code?: string } }>((resolve) =>
        platform.socket.once('connect_error', (err) => resolve(err as { data?: { code?: string } })),
      );
      // What reaches the wire, not just what the client library surfaces.
      const wire: string[] = [];
      platform.socket.io.once('open', () => platform.socket.io.engine.on('data', (d: unknown) => wire.push(String(d))));
      platform.socket.connect();
      expect((await refused).data?.code).toMatch(/^(TOKEN_REVOKED|NOT_A_MEMBER)$/);
      expect(platform.socket.connected).toBe(false);
      await mediator.send('after the removal');
      await sleep(100);
      expect(platform.messages.some((m) => m.text === 'after the removal')).toBe(false);
      expect(platform.messages.some((m) => m.text === 'not for removed ears')).toBe(false);
      expect(wire.length).toBeGreaterThan(0);
      expect(wire.some((d) => d.includes('not for removed ears'))).toBe(false);
      expect(platform.socket.recovered).toBe(false);
      platform.close();
      mediator.close();
    });
  });
});
