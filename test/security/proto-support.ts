import WebSocket from 'ws';
import { expect } from 'vitest';
import * as Y from 'yjs';
import type { ErrorBody } from '@accord/shared';
import { connectDoc, connectRoom, newClientId, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import type { TestCase, TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

/**
 * What the store holds for a case, minus what the bystander itself wrote: its chat messages (by
 * clientId) and its Yjs client id in the state vector. An attack that changed anything shows here.
 */
export async function storedState(t: TestServer, caseId: string, bystander?: Bystander) {
  const mine = new Set(bystander?.sentIds ?? []);
  const messages = (await t.server.store.listMessages(caseId, 'joint', { limit: 1000 }))
    .filter((m) => !mine.has(m.clientId))
    .map((m) => ({ seq: m.seq, senderId: m.senderId, text: m.text }));
  const stored = await t.server.store.loadDoc(caseId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  stored.updates.forEach((u) => Y.applyUpdate(doc, u.data));
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  const by = bystander?.doc.doc.clientID;
  if (by !== undefined) sv.delete(by);
  // Rows of the update log the bystander did not write alone: content waiting for a missing
  // predecessor is stored without entering the state vector, so the rows are compared too.
  const rows = stored.updates
    .filter((u) => {
      const { structs, ds } = Y.decodeUpdate(u.data);
      const clients = new Set([...structs.map((x) => x.id.client), ...ds.clients.keys()]);
      if (by !== undefined) clients.delete(by);
      return clients.size > 0;
    })
    .map((u) => u.id);
  return {
    messages,
    stateVector: [...sv.entries()].sort((a, b) => a[0] - b[0]),
    rows,
    snapshot: stored.snapshot ? Buffer.from(stored.snapshot).toString('base64') : null,
  };
}

/**
 * Another participant of the same room: a real socket.io-client and a stock y-websocket provider.
 * `works()` proves it can still chat and edit, and that the other side of each sees it.
 */
export interface Bystander {
  room: RoomClient;
  doc: DocClient;
  sentIds: string[];
  works(): Promise<void>;
  close(): void;
}

export async function bystander(t: TestServer, c: TestCase): Promise<Bystander> {
  const room = await connectRoom(t.url, c.tokens.platform, c.caseId);
  const watcher = await connectRoom(t.url, c.tokens.mediator, c.caseId);
  const doc = connectDoc(t.url, c.caseId, c.tokens.platform);
  const reader = connectDoc(t.url, c.caseId, c.tokens.mediator);
  await Promise.all([waitSynced(doc), waitSynced(reader)]);
  const sentIds: string[] = [];
  let n = 0;
  return {
    room,
    doc,
    sentIds,
    async works() {
      const id = newClientId();
      sentIds.push(id);
      const ack = await room.send(`still here ${n}`, id);
      expect(ack.ok).toBe(true);
      await waitFor(() => watcher.messages.some((m) => m.clientId === id), 'the mediator hears the bystander');
      const marker = `edit-${n++}-${id}`;
      draft(doc.doc).insert(0, marker);
      await waitFor(() => bodyText(reader.doc).includes(marker), 'the mediator sees the edit');
      expect(doc.closes).toEqual([]);
    },
    close() {
      room.close();
      watcher.close();
      doc.destroy();
      reader.destroy();
    },
  };
}

/** The answer to an acknowledged event, as a hostile client reads it off the wire. */
export type AckArgs = unknown[];

/**
 * A Socket.IO client written by hand on a bare WebSocket: Engine.IO v4 framing and Socket.IO v5
 * packets (`40{auth}`, `42[...]`, `42<id>[...]`, `45<n>-[...]` plus binary frames), so a test sends
 * exactly the bytes a hostile client would, not what socket.io-client allows.
 */
export interface RawSocketIo {
  ws: WebSocket;
  /** Every text frame received, as sent. */
  frames: string[];
  /** `42[...]` events received. */
  events: { name: string; args: unknown[] }[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  send(frame: string | Buffer): void;
  /** Sends CONNECT for the main namespace; resolves with `true` or the refusal's ErrorBody. */
  connect(auth: unknown): Promise<true | ErrorBody>;
  /** Resolves with the arguments of the ack numbered `id`. */
  ack(id: number, ms?: number): Promise<AckArgs>;
  errors(): ErrorBody[];
  close(): void;
}

export function rawSocketIo(url: string, options: { localAddress?: string; path?: string } = {}): RawSocketIo {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${options.path ?? '/socket.io/'}?EIO=4&transport=websocket`, {
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  const frames: string[] = [];
  const events: RawSocketIo['events'] = [];
  const acks = new Map<number, AckArgs>();
  let closedFlag = false;
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    frames.push(text);
    if (text === '2') ws.send('3'); // Engine.IO ping → pong, so the session stays up
    const m = /^4([23])(\d*)(\[.*)$/s.exec(text);
    if (!m) return;
    const payload = JSON.parse(m[3] ?? '[]') as unknown[];
    if (m[1] === '2') events.push({ name: String(payload[0]), args: payload.slice(1) });
    else acks.set(Number(m[2]), payload);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      closedFlag = true;
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on('error', () => undefined);
  const raw: RawSocketIo = {
    ws,
    frames,
    events,
    opened,
    closed,
    isClosed: () => closedFlag,
    send: (frame) => ws.send(frame),
    async connect(auth) {
      await opened;
      await waitFor(() => frames.some((f) => f.startsWith('0{')), 'Engine.IO open');
      ws.send(`40${JSON.stringify(auth)}`);
      const reply = await waitFor(() => frames.find((f) => f.startsWith('40') || f.startsWith('44')), 'CONNECT answer');
      if (reply.startsWith('40')) return true;
      return (JSON.parse(reply.slice(2)) as { data: ErrorBody }).data;
    },
    ack: (id, ms = 5000) => waitFor(() => acks.get(id), `ack ${id}`, ms),
    errors: () => events.filter((e) => e.name === 'accord:error').map((e) => e.args[0] as ErrorBody),
    close: () => ws.terminate(),
  };
  return raw;
}
