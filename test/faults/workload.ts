import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Ack, ChatMessage } from '@accord/shared';
import type { Store } from '@accord/server';
// The browser's own merge rule (keep the first of each seq, ascending): what a person sees is what we check.
import { mergeMessages } from '../../client/src/room/chatState';
import { connectDoc, connectRoom, newClientId, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { sleep, waitFor } from '../helpers/wait';
import { appendParagraph, paragraphs } from '../helpers/agreement-body';

export type PartyRole = 'customer' | 'platform' | 'mediator';

/** Errors the browser's outbox retries (client/src/room/chatState.ts `isRetriable`); others need a person. */
const RETRIABLE = new Set<string>(['STORE_FAILED', 'INTERNAL', 'RATE_LIMITED']);

type SendAck = Ack<{ message: ChatMessage; duplicate: boolean }>;

interface Probe {
  marks: string[];
}

/**
 * One person in the room, as the browser client behaves: chat goes through an outbox (one message at
 * a time, a client-chosen id, resent after a timeout or a retriable error until acknowledged), edits go
 * into a stock y-websocket provider's document, and an edit counts as acknowledged once a sync step 1
 * sent after it has been answered (the server answers only after storing what came before it; this is
 * the client's "all changes saved" probe in client/src/agreement/useAgreement.ts).
 */
export class Party {
  /** Every Socket.IO client this party used (a party moves to another node by opening a new one). */
  readonly rooms: RoomClient[] = [];
  room!: RoomClient;
  doc: DocClient;
  readonly outbox: { clientId: string; text: string }[] = [];
  readonly sent = new Set<string>();
  readonly acked = new Set<string>();
  readonly ackMessages: ChatMessage[] = [];
  /** Error codes and timeouts seen by sends (each was retried unless refused for good). */
  readonly sendErrors: string[] = [];
  readonly refused = new Set<string>();
  readonly marks: string[] = [];
  readonly marksAcked = new Set<string>();
  /** A chat send is on the wire, not yet answered. */
  sending = false;
  private probes: Probe[] = [];
  private unprobed: string[] = [];
  private offline = false;
  private pumping: Promise<void> | null = null;
  private stopped = false;

  private constructor(
    readonly role: PartyRole,
    readonly caseId: string,
    readonly token: string,
    readonly ackTimeoutMs: number,
    url: string,
    ydoc: Y.Doc,
  ) {
    this.doc = this.openDoc(url, ydoc);
  }

  static async join(
    role: PartyRole,
    url: string,
    caseId: string,
    token: string,
    options: { ackTimeoutMs?: number } = {},
  ): Promise<Party> {
    const p = new Party(role, caseId, token, options.ackTimeoutMs ?? 1000, url, new Y.Doc());
    await p.openRoom(url, 0);
    p.pumping = p.pump();
    await waitFor(() => p.doc.provider.synced, `${role}'s document synced`);
    return p;
  }

  /** What this person's chat shows: every message received or acknowledged, by the client's merge rule. */
  view(): ChatMessage[] {
    return mergeMessages([], [...this.received(), ...this.ackMessages]);
  }

  /**
   * Every chat message that reached this party's sockets as `chat:message`, duplicates included, in
   * arrival order. Its own messages come back only in replays: a live one is in the send's ack.
   */
  received(): ChatMessage[] {
    return this.rooms.flatMap((r) => r.messages);
  }

  /** Edits sent whose stored-confirmation has not come back yet. */
  get probesInFlight(): number {
    return this.probes.length;
  }

  get connected(): boolean {
    return this.room.socket.connected;
  }

  say(): string {
    const clientId = newClientId();
    const text = `${this.role} ${clientId}`;
    this.outbox.push({ clientId, text });
    this.sent.add(clientId);
    return clientId;
  }

  edit(): string {
    const mark = `${this.role}:${newClientId()}`;
    appendParagraph(this.doc.doc, mark);
    this.marks.push(mark);
    this.unprobed.push(mark);
    return mark;
  }

  /** Asks the server whether everything edited here so far is stored (a sync step 1; see the class comment). */
  probe(): void {
    const { provider } = this.doc;
    const ws = provider.ws;
    if (!ws || !provider.wsconnected || !provider.synced || this.unprobed.length === 0) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc.doc);
    this.probes.push({ marks: this.unprobed });
    this.unprobed = [];
    ws.send(encoding.toUint8Array(e));
  }

  /** The network goes away: the transport drops (as a cable pulled would) and the document disconnects. */
  goOffline(): void {
    this.offline = true;
    this.room.socket.io.reconnection(false);
    this.room.socket.io.engine.close();
    this.doc.provider.disconnect();
  }

  goOnline(): void {
    this.offline = false;
    this.room.socket.io.reconnection(true);
    this.room.socket.connect();
    this.doc.provider.connect();
  }

  /** Follows the balancer to another node: new connections there, resuming from what this party holds. */
  async moveTo(url: string): Promise<void> {
    this.room.close();
    this.doc.provider.destroy();
    this.requeueProbes();
    this.doc = this.openDoc(url, this.doc.doc);
    await this.openRoom(url, this.view().at(-1)?.seq ?? 0);
  }

  /** Sends what is still in the outbox and has every edit confirmed stored; fails after `ms`. */
  async settle(ms = 15_000): Promise<void> {
    await waitFor(() => this.outbox.length === 0, `${this.role}'s outbox empty`, ms);
    await waitFor(
      () => {
        if (this.marks.every((m) => this.marksAcked.has(m))) return true;
        if (this.probes.length === 0) this.probe();
        return false;
      },
      `${this.role}'s edits confirmed stored`,
      ms,
    );
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.pumping;
    for (const r of this.rooms) r.close();
    this.doc.provider.destroy();
  }

  private async openRoom(url: string, lastSeq: number): Promise<void> {
    const room = await connectRoom(url, this.token, this.caseId, { lastSeq });
    this.rooms.push(room);
    this.room = room;
  }

  private openDoc(url: string, ydoc: Y.Doc): DocClient {
    const client = connectDoc(url, this.caseId, this.token, ydoc);
    const { provider } = client;
    const original = provider.messageHandlers[0];
    if (!original) throw new Error('y-websocket sync handler missing');
    provider.messageHandlers[0] = (encoder, decoder, p, emitSynced, messageType) => {
      // The answer to a probe is the server's sync step 2; connections answer in order.
      if (decoding.peekVarUint(decoder) === syncProtocol.messageYjsSyncStep2) {
        const probe = provider.synced ? this.probes.shift() : undefined;
        probe?.marks.forEach((m) => this.marksAcked.add(m));
      }
      original(encoder, decoder, p, emitSynced, messageType);
    };
    // A connection that closed will never answer its probes: ask again on the next one.
    provider.on('status', ({ status }: { status: string }) => {
      if (status !== 'connected') this.requeueProbes();
    });
    return client;
  }

  private requeueProbes(): void {
    this.unprobed = [...this.probes.flatMap((p) => p.marks), ...this.unprobed];
    this.probes = [];
  }

  /** The outbox: one message at a time, in order, only while connected, until acknowledged or refused. */
  private async pump(): Promise<void> {
    while (!this.stopped) {
      const item = this.outbox[0];
      if (!item || this.offline || !this.room.socket.connected) {
        await sleep(5);
        continue;
      }
      let code: string;
      this.sending = true;
      try {
        // socket.io's typings lose the ack type behind timeout(); it is the chat:send ack.
        const ack = (await this.room.socket
          .timeout(this.ackTimeoutMs)
          .emitWithAck('chat:send', { clientId: item.clientId, text: item.text })) as SendAck;
        if (ack.ok) {
          this.acked.add(item.clientId);
          this.ackMessages.push(ack.data.message);
          this.outbox.shift();
          continue;
        }
        code = ack.error.code;
      } catch {
        code = 'TIMEOUT';
      } finally {
        this.sending = false;
      }
      this.sendErrors.push(code);
      if (code !== 'TIMEOUT' && !RETRIABLE.has(code)) {
        this.refused.add(item.clientId);
        this.outbox.shift();
      } else {
        await sleep(20);
      }
    }
  }
}

/** Everyone chatting and editing at a steady pace until stopped. */
export function runWorkload(
  parties: Party[],
  options: { chatEveryMs?: number; editEveryMs?: number; probeEvery?: number } = {},
): { stop(): Promise<void> } {
  // About 12 messages a second per person: past the server's sustained chat limit (5/s, burst 60) only
  // after several seconds, so RATE_LIMITED stays rare; edits well under the y-websocket message limit.
  const chatEvery = options.chatEveryMs ?? 80;
  const editEvery = options.editEveryMs ?? 25;
  const probeEvery = options.probeEvery ?? 4;
  let running = true;
  const loops = parties.flatMap((p) => [
    (async () => {
      while (running) {
        // The outbox fills while a party is offline or the server is down, as a person keeps typing.
        if (p.outbox.length < 8) p.say();
        await sleep(chatEvery);
      }
    })(),
    (async () => {
      for (let i = 1; running; i++) {
        p.edit();
        if (i % probeEvery === 0) p.probe();
        await sleep(editEvery);
      }
    })(),
  ]);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** A document rebuilt from what the store holds (snapshot, then the update log). */
export async function docFromStore(store: Pick<Store, 'loadDoc'>, name: string): Promise<Y.Doc> {
  const stored = await store.loadDoc(name);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  return doc;
}

/** Every message of the joint channel in the store, read through a fresh connection replaying from seq 0. */
export async function storedChat(url: string, token: string, caseId: string): Promise<ChatMessage[]> {
  const reader = await connectRoom(url, token, caseId, { lastSeq: 0, resume: false });
  try {
    const head = reader.welcomes[0]?.headSeq ?? 0;
    await waitFor(() => reader.messages.length >= head, 'the replay of the whole channel');
    return reader.messages;
  } finally {
    reader.close();
  }
}

export interface FaultReport {
  fault: string;
  strictOrder: boolean;
  chat: {
    sent: number;
    acked: number;
    refused: number;
    /** Sends answered with an error or not at all, by code (each retried unless refused). */
    errors: Record<string, number>;
    lost: string[];
    duplicated: string[];
  };
  delivery: Record<
    string,
    { received: number; redelivered: number; outOfOrder: number; gapsFilled: number; missing: number[] }
  >;
  edits: { made: number; acked: number; lost: string[]; duplicated: string[] };
  replicas: { count: number; identical: boolean; differing: string[] };
}

const dupes = <T>(xs: T[]): T[] => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** How long checkHistory lets what is still on its way arrive before it reports it missing. */
const GRACE_MS = 30_000;

/**
 * Reads everything back after the fault is healed and says, by id, what was lost (acknowledged but
 * missing) or duplicated (stored or shown twice). `stored` is the joint channel as the store holds it,
 * `replicas` every copy of the document that must be byte-identical (the parties', a fresh client's,
 * one rebuilt from the store). `strictOrder`: one node, so each party's sockets must deliver seqs in
 * ascending order with no gap; scaled out, two nodes' broadcasts may overtake each other, and the
 * client fills a hole between two received seqs with `chat:history` (as the browser does).
 */
export async function checkHistory(
  fault: string,
  parties: Party[],
  stored: ChatMessage[],
  replicas: Record<string, Y.Doc>,
  options: { strictOrder: boolean; quiet?: boolean },
): Promise<FaultReport> {
  // What is still on its way (a relay across nodes, a broadcast after the last ack) is given time to
  // arrive, as much as a loaded machine needs; what never arrives is reported below as missing or differing.
  const headOfStore = stored.at(-1)?.seq ?? 0;
  await waitFor(
    () => parties.every((p) => (p.view().at(-1)?.seq ?? 0) >= headOfStore),
    'every party at the head',
    GRACE_MS,
  ).catch(() => undefined);
  await waitFor(
    () => new Set(Object.values(replicas).map((d) => hex(Y.encodeStateVector(d)))).size === 1,
    'replicas converged',
    GRACE_MS,
  ).catch(() => undefined);
  const storedIds = stored.map((m) => m.clientId);
  const storedSet = new Set(storedIds);
  const acked = parties.flatMap((p) => [...p.acked]);
  const headSeq = stored.at(-1)?.seq ?? 0;
  const report: FaultReport = {
    fault,
    strictOrder: options.strictOrder,
    chat: {
      sent: parties.reduce((n, p) => n + p.sent.size, 0),
      acked: acked.length,
      refused: parties.reduce((n, p) => n + p.refused.size, 0),
      errors: parties
        .flatMap((p) => p.sendErrors)
        .reduce<Record<string, number>>((acc, code) => ({ ...acc, [code]: (acc[code] ?? 0) + 1 }), {}),
      lost: acked.filter((id) => !storedSet.has(id)),
      duplicated: dupes(storedIds),
    },
    delivery: {},
    edits: { made: 0, acked: 0, lost: [], duplicated: [] },
    replicas: { count: 0, identical: true, differing: [] },
  };
  if (stored.some((m, i) => m.seq !== i + 1)) report.chat.duplicated.push('(stored seqs not 1..head)');

  for (const p of parties) {
    const wire = p.received().map((m) => m.seq);
    // Recovery and replay may both hand over a message (docs/PROTOCOL.md); the client keeps the first.
    const firsts = wire.filter((s, i) => wire.indexOf(s) === i);
    // One node delivers 1, 2, 3, … with nothing skipped but the party's own messages (each in its own
    // ack, not sent back; a retry's ack can come after later messages); scaled out, only a step
    // backwards is counted.
    const own = new Set(p.ackMessages.map((m) => m.seq));
    const skipsOthers = (from: number, to: number) => {
      for (let s = from + 1; s < to; s++) if (!own.has(s)) return true;
      return false;
    };
    const outOfOrder = firsts.filter((s, i) => {
      const prev = firsts[i - 1] ?? 0;
      return options.strictOrder ? s <= prev || skipsOthers(prev, s) : s < prev;
    }).length;
    let view = p.view();
    let gapsFilled = 0;
    if (!options.strictOrder) {
      // Holes between two received seqs are fetched from the store, as the browser does.
      for (let i = 1; i < view.length; i++) {
        const prev = view[i - 1]?.seq ?? 0;
        const seq = view[i]?.seq ?? 0;
        if (seq - prev > 1) {
          const res = await p.room.socket.emitWithAck('chat:history', {
            channel: 'joint',
            beforeSeq: seq,
            limit: Math.min(100, seq - prev - 1),
          });
          if (res.ok) {
            gapsFilled += res.data.messages.length;
            view = mergeMessages(view, res.data.messages);
          }
        }
      }
    }
    const seqs = new Set(view.map((m) => m.seq));
    const missing = Array.from({ length: headSeq }, (_, i) => i + 1).filter((s) => !seqs.has(s));
    report.delivery[p.role] = {
      received: wire.length,
      redelivered: wire.length - new Set(wire).size,
      outOfOrder,
      gapsFilled,
      missing,
    };
    for (const id of dupes(view.map((m) => m.clientId))) report.chat.duplicated.push(`${p.role} shows ${id} twice`);
  }

  // Compared as they are, with no normalisation: Yjs could in principle encode equal content with
  // structs merged differently (a run of one client's items integrated in one transaction or in
  // several), but every replica here encodes byte-identically, so any difference is reported.
  const stateOf = Object.entries(replicas).map(([name, d]) => ({
    name,
    sv: hex(Y.encodeStateVector(d)),
    state: hex(Y.encodeStateAsUpdate(d)),
    marks: paragraphs(d),
  }));
  const reference = stateOf[0];
  report.replicas.count = stateOf.length;
  report.replicas.differing = stateOf
    .filter((s) => s.sv !== reference?.sv || s.state !== reference.state)
    .map((s) => s.name);
  report.replicas.identical = report.replicas.differing.length === 0;
  const fromStore = stateOf.find((s) => s.name === 'store')?.marks ?? [];
  const inStore = new Set(fromStore);
  const marksAcked = parties.flatMap((p) => [...p.marksAcked]);
  report.edits = {
    made: parties.reduce((n, p) => n + p.marks.length, 0),
    acked: marksAcked.length,
    lost: marksAcked.filter((m) => !inStore.has(m)),
    duplicated: dupes(fromStore),
  };

  if (!options.quiet) printReport(report, stored.length);
  return report;
}

export function printReport(report: FaultReport, stored: number): void {
  const deliveryLine = Object.entries(report.delivery)
    .map(
      ([role, d]) =>
        `${role} ${d.received} received (${d.redelivered} redelivered, ${d.outOfOrder} out of order, ${d.gapsFilled} gap-filled, ${d.missing.length} missing)`,
    )
    .join('; ');
  console.log(
    [
      `[fault: ${report.fault}]`,
      `  chat: ${report.chat.sent} sent, ${report.chat.acked} acked, ${report.chat.refused} refused, send errors ${JSON.stringify(report.chat.errors)}; lost ${report.chat.lost.length}, duplicated ${report.chat.duplicated.length}; ${stored} stored`,
      `  delivery: ${deliveryLine}`,
      `  edits: ${report.edits.made} made, ${report.edits.acked} acked; lost ${report.edits.lost.length}, duplicated ${report.edits.duplicated.length}`,
      `  replicas: ${report.replicas.count}, byte-identical ${report.replicas.identical ? 'yes' : `no (${report.replicas.differing.join(', ')})`}`,
      ...(report.chat.lost.length ? [`  lost messages: ${report.chat.lost.join(' ')}`] : []),
      ...(report.chat.duplicated.length ? [`  duplicated messages: ${report.chat.duplicated.join(' ')}`] : []),
      ...(report.edits.lost.length ? [`  lost edits: ${report.edits.lost.join(' ')}`] : []),
    ].join('\n'),
  );
}

/** The assertions every fault test makes on its report: nothing acknowledged lost or doubled, replicas equal. */
export function expectClean(report: FaultReport, expect: (v: unknown) => { toEqual(x: unknown): void }): void {
  expect(report.chat.lost).toEqual([]);
  expect(report.chat.duplicated).toEqual([]);
  expect(report.edits.lost).toEqual([]);
  expect(report.edits.duplicated).toEqual([]);
  for (const [role, d] of Object.entries(report.delivery)) {
    // Scaled out, out of order is allowed: the client sorts by seq (counted and printed all the same).
    const outOfOrder = report.strictOrder ? d.outOfOrder : 0;
    expect({ role, missing: d.missing, outOfOrder }).toEqual({ role, missing: [], outOfOrder: 0 });
  }
  expect(report.replicas.differing).toEqual([]);
  // Everything was acknowledged in the end: the figures above cover the whole workload.
  expect(report.chat.acked + report.chat.refused).toEqual(report.chat.sent);
  expect(report.edits.acked).toEqual(report.edits.made);
}

/**
 * checkHistory for a workload on one server at `url`: the parties' replicas, a fresh client's (as
 * `observerToken`) and the store's document must be identical, the chat as the observer reads it.
 */
export async function checkOnServer(
  name: string,
  parties: Party[],
  server: { url: string; store: Pick<Store, 'loadDoc'> },
  c: { caseId: string; observerToken: string },
  options: { strictOrder: boolean },
): Promise<FaultReport> {
  const fresh = connectDoc(server.url, c.caseId, c.observerToken);
  try {
    await waitSynced(fresh);
    return await checkHistory(
      name,
      parties,
      await storedChat(server.url, c.observerToken, c.caseId),
      {
        ...Object.fromEntries(parties.map((p) => [p.role, p.doc.doc])),
        fresh: fresh.doc,
        store: await docFromStore(server.store, c.caseId),
      },
      options,
    );
  } finally {
    fresh.destroy();
  }
}
