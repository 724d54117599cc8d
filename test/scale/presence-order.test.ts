import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceSnapshot } from '@accord/shared';
import { createLogger } from '../../server/src/log';
import { reactToPresence } from '../../server/src/room/presence-reactions';
import { socketRooms, type AccordIo } from '../../server/src/room/socket-types';
import { RedisBus } from '../../server/src/scale/redis-bus';
import { ownRedis, redisServerOrSkip, type OwnRedis } from '../helpers/services';
import { waitFor } from '../helpers/wait';

const available = redisServerOrSkip('presence order test');

/** A snapshot read the test finishes when it likes, so reads can be held while notices arrive. */
interface Read {
  caseId: string;
  finish: (label: string) => void;
}

describe.skipIf(!available)('presence snapshots sent by a node', () => {
  const caseId = `case-${randomUUID()}`;
  const reads: Read[] = [];
  const received: string[] = [];
  const http = createServer();
  const io: AccordIo = new Server(http, { transports: ['websocket'] });
  let bus: RedisBus;
  let stop: () => void;
  let client: ClientSocket;
  let admin: Redis;
  // Its own Redis: cutting the bus off (CLIENT KILL of every subscriber) must not cut other test files'.
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await ownRedis();
    bus = new RedisBus(redis.url, 'node-a', `accord-test:${randomUUID()}:bus`);
    await bus.ping();
    admin = new Redis(redis.url);
    io.on('connection', (socket) => {
      socket.data.admitted = true;
      socket.data.principal = { userId: 'u', displayName: 'U', role: 'customer', caseId, sessionId: 's' };
      void socket.join(socketRooms.joint(caseId));
      socket.emit('documents:changed', { caseId });
    });
    const snapshots = {
      presenceSnapshot: (id: string) =>
        new Promise<PresenceSnapshot>((resolve) => {
          reads.push({
            caseId: id,
            finish: (label) =>
              resolve({
                caseId: id,
                participants: [
                  {
                    userId: 'u',
                    displayName: label,
                    role: 'customer',
                    online: true,
                    connections: 1,
                    admitted: true,
                    muted: false,
                    handRaised: false,
                  },
                ],
              }),
          });
        }),
    };
    stop = reactToPresence(io, bus, snapshots, createLogger({ logLevel: 'silent' }));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    client.on('presence', (s: PresenceSnapshot) => received.push(s.participants[0]?.displayName ?? ''));
    await new Promise<void>((r) => client.once('documents:changed', () => r()));
  });

  afterAll(async () => {
    stop?.();
    client?.close();
    await new Promise<void>((r) => void io.close(() => r()));
    await bus?.close();
    await admin?.quit();
    await redis?.kill();
  });

  it('reads once per room at a time, folds notices that arrive meanwhile into one later read, and sends in read order', async () => {
    await bus.publish({ type: 'presence.changed', caseId });
    await waitFor(() => reads.length === 1, 'the first read');
    // Two changes while the first read is out: neither starts a read beside it.
    await bus.publish({ type: 'presence.changed', caseId });
    await bus.publish({ type: 'presence.changed', caseId });
    // A room this node has no connection in costs no read at all.
    await bus.publish({ type: 'presence.changed', caseId: 'nobody-here' });
    // The bus delivers in order: once this marker is seen, the three above were handled.
    const seen = new Promise<void>((r) => {
      const off = bus.subscribe(({ message }) => {
        if (message.type === 'doc.resync' && message.doc === 'marker') {
          off();
          r();
        }
      });
    });
    await bus.publish({ type: 'doc.resync', doc: 'marker' });
    await seen;
    expect(reads.length).toBe(1);
    reads[0]?.finish('first');
    await waitFor(() => reads.length === 2, 'one more read, for the changes that came during the first');
    reads[1]?.finish('second');
    await waitFor(() => received.length === 2, 'both snapshots');
    expect(received).toEqual(['first', 'second']);
    expect(reads.map((r) => r.caseId)).toEqual([caseId, caseId]);
  });

  it('after the bus was cut off (notices lost), reads and sends every room with a connection here', async () => {
    const before = reads.length;
    await admin.client('KILL', 'TYPE', 'pubsub');
    await waitFor(() => reads.length === before + 1, 'a read after the bus came back', 15_000);
    reads.at(-1)?.finish('after reconnect');
    await waitFor(() => received.at(-1) === 'after reconnect', 'the snapshot after the reconnect');
  });
});
