import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgreementDoc,
  ROUTES,
  amountInWords,
  caucusNotesName,
  formatCents,
  mediatorNotesName,
  type NegotiationState,
} from '@accord/shared';
import { createLogger } from '@accord/server';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { httpClient } from '../helpers/http';
import { makeTempDir, startServer, type TestCase, type TestRole, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * Black box: no blind offer's amount reaches anyone but the server, by any path. The customer and
 * the lender each submit amounts chosen so that their digits appear nowhere else (above 2^32 cents,
 * so that even their binary forms are long enough not to turn up by chance); everything each
 * member of the case receives is recorded (every Socket.IO packet, events and acks alike; every
 * y-websocket message of every document they may open, and the documents as they end; every REST
 * response of a case route; the activity feed and the other lists), together with the server's log
 * at trace level and every file of its data directory. None of it holds any rendering of an offer:
 * cents, yuan, with thousands separators, in 万, in Chinese capital words, or as a binary integer or
 * float. The one place an offer's value may be is its submitter's own outgoing payload, which is
 * not recorded. The first round does not overlap, so its amounts could only leak by a bug; the
 * second does, and its midpoint, which is public, lands in the terms and nowhere reveals the offers.
 */

const ROUND_1 = { customer: 9_758_316_427, platform: 8_613_972_451 }; // apart: the customer asks more
const ROUND_2 = { customer: 5_274_819_363, platform: 7_391_846_529 }; // overlapping
const MIDPOINT = Math.floor((ROUND_2.customer + ROUND_2.platform) / 2);
const SECRETS = [ROUND_1.customer, ROUND_1.platform, ROUND_2.customer, ROUND_2.platform];

const commas = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Every way the text of a page, a record, a log or a message could spell an amount of cents. */
function textForms(cents: number): string[] {
  const yuan = Math.floor(cents / 100);
  const fen = String(cents % 100).padStart(2, '0');
  return [
    String(cents),
    commas(String(cents)),
    String(yuan),
    `${yuan}.${fen}`,
    formatCents(cents),
    commas(String(yuan)),
    `${(cents / 1_000_000).toFixed(2)}万`,
    amountInWords(cents),
  ];
}

/** Every way a database, a Yjs update or a PDF could hold an amount of cents as bytes. */
function binaryForms(cents: number): Buffer[] {
  const be64 = Buffer.alloc(8);
  be64.writeBigUInt64BE(BigInt(cents));
  const le64 = Buffer.alloc(8);
  le64.writeBigUInt64LE(BigInt(cents));
  const f64be = Buffer.alloc(8);
  f64be.writeDoubleBE(cents);
  const f64le = Buffer.alloc(8);
  f64le.writeDoubleLE(cents);
  const varint = encoding.createEncoder();
  encoding.writeVarUint(varint, cents);
  return [
    be64,
    le64,
    // SQLite keeps an integer below 2^47 in six big-endian bytes.
    be64.subarray(2),
    f64be,
    f64le,
    Buffer.from(encoding.toUint8Array(varint)),
    ...textForms(cents).map((t) => Buffer.from(t, 'utf8')),
    // Text a PDF or a JSON string may hold as UTF-16.
    ...textForms(cents).map((t) => Buffer.from(t, 'utf16le')),
  ];
}

/** What one member received, by every path. */
interface Recording {
  role: TestRole;
  text: string[];
  bytes: Buffer[];
}

/** A y-websocket connection whose every incoming message is recorded (the stock provider, BroadcastChannel off). */
function recordedDoc(url: string, name: string, token: string, into: Recording) {
  class RecordingSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data: Buffer) => into.bytes.push(Buffer.from(data)));
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, name, doc, {
    params: { token },
    WebSocketPolyfill: RecordingSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
  // A document this member may not open is refused (a 4xxx close): not tried again and again.
  provider.on('connection-close', (event) => {
    if (event && event.code >= 4000) provider.shouldConnect = false;
  });
  return { name, doc, provider, role: into.role };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('blind offers, seen from outside', () => {
  const log: string[] = [];
  let t: TestServer;
  let c: TestCase;
  let dataDir: string;
  const roles = ['customer', 'platform', 'mediator', 'observer', 'admin'] as const;
  const recordings = Object.fromEntries(
    roles.map((r): [TestRole, Recording] => [r, { role: r, text: [], bytes: [] }]),
  ) as Record<TestRole, Recording>;
  const rooms = {} as Record<TestRole, RoomClient>;
  const states = Object.fromEntries(roles.map((r) => [r, []])) as unknown as Record<TestRole, NegotiationState[]>;
  const docs: ReturnType<typeof recordedDoc>[] = [];
  const http = httpClient(() => t.url);

  /** The centre's administrator, signed in with a password: the staff pages of the case. */
  const staff: Recording & { token: string } = { role: 'admin', text: [], bytes: [], token: '' };

  /** Every GET route of a case (no other parameter), as this token fetches it; the bodies are recorded. */
  async function fetchRoutes(token: string, into: Recording): Promise<void> {
    const paths = Object.keys(ROUTES)
      .filter((k) => k.startsWith('GET /api/') && !/:(?!caseId\b)\w+/.test(k))
      .map((k) => k.slice('GET '.length).replace(':caseId', c.caseId));
    for (const path of paths) {
      const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = Buffer.from(await res.arrayBuffer());
      into.bytes.push(body);
      into.text.push(body.toString('utf8'));
    }
  }

  /** Everything a member may ask for: the routes, and the room's lists. */
  async function fetchEverything(role: TestRole): Promise<void> {
    await fetchRoutes(c.tokens[role], recordings[role]);
    const room = rooms[role];
    for (const [event, payload] of [
      ['activity:list', { limit: 200 }],
      ['terms:last', {}],
      ['outcome:status', {}],
      ['caucus:list', {}],
      ['chat:history', { channel: 'joint', limit: 100 }],
      ['negotiation:state', {}],
    ] as const) {
      // Some are not everyone's (or not in every branch of the contract): the refusal is recorded too.
      const reply: unknown = await room.socket
        .timeout(5000)
        .emitWithAck(event as 'activity:list', payload as never)
        .catch((err: unknown) => String(err));
      recordings[role].text.push(JSON.stringify(reply));
    }
  }

  beforeAll(async () => {
    dataDir = makeTempDir('accord-offers-blackbox-');
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        log.push(chunk.toString());
        done();
      },
    });
    t = await startServer({ dataDir, log: createLogger({ logLevel: 'trace' }, stream) });
    c = await t.createCase('Blind offers from outside');
    const account = { username: 'centre-admin', password: 'correct horse battery' };
    await t.server.cases.createStaff(null, { ...account, displayName: '中心管理员', staffRole: 'admin' });
    const login = await http<{ token: string }>('POST', '/api/auth/login', undefined, account);
    staff.token = login.body.token;
    for (const role of roles) {
      const room = await connectRoom(t.url, c.tokens[role], c.caseId);
      rooms[role] = room;
      recordings[role].text.push(JSON.stringify(room.welcomes));
      // Every packet the server sends this member (events and acks), as decoded by the client.
      room.socket.io.on('packet', (packet) => recordings[role].text.push(JSON.stringify(packet)));
      room.socket.on('negotiation:state', (s) => states[role].push(s));
      // Every document of the case, from before the first offer: each opens those it may, the rest are refused.
      const names = [
        c.caseId,
        mediatorNotesName(c.caseId),
        caucusNotesName(c.caseId, c.userIds.customer),
        caucusNotesName(c.caseId, c.userIds.platform),
      ];
      for (const name of names) docs.push(recordedDoc(t.url, name, c.tokens[role], recordings[role]));
    }
    await waitFor(() => docs.filter((d) => d.name === c.caseId).every((d) => d.provider.synced), 'agreements synced');
  });

  afterAll(async () => {
    for (const d of docs) {
      d.provider.destroy();
      d.doc.destroy();
    }
    for (const r of Object.values(rooms)) r.close();
    await t?.close();
  });

  it('the parties make their offers: a round apart, then a round that overlaps', async () => {
    const offer = (role: 'customer' | 'platform', amountCents: number) =>
      emit(rooms[role], 'offer:submit', { amountCents });
    // A caucus and back: offers made in a private session are just as blind.
    expect((await emit(rooms.mediator, 'caucus:open', { userId: c.userIds.platform })).ok).toBe(true);
    expect(await offer('platform', ROUND_1.platform)).toEqual({ ok: true, data: { round: 1 } });
    expect((await emit(rooms.mediator, 'caucus:close', {})).ok).toBe(true);
    expect(await offer('customer', ROUND_1.customer)).toEqual({ ok: true, data: { round: 1 } });
    expect(await offer('customer', ROUND_2.customer)).toEqual({ ok: true, data: { round: 2 } });
    expect(await offer('platform', ROUND_2.platform)).toEqual({ ok: true, data: { round: 2 } });
    for (const role of roles) {
      await waitFor(() => states[role].at(-1)?.offers.rounds[1]?.result, `${role} told of round 2`);
      expect(
        states[role].at(-1)?.offers.rounds.map((r) => r.result && [r.result.overlap, r.result.midpointCents]),
      ).toEqual([
        [false, null],
        [true, MIDPOINT],
      ]);
    }
    // The midpoint, and nothing else of the offers, is in the terms of every copy.
    const agreements = docs.filter((d) => d.name === c.caseId);
    await waitFor(
      () => agreements.every((d) => d.doc.getMap(AgreementDoc.terms).get('amountAgreedCents') === MIDPOINT),
      'the midpoint in every copy of the terms',
    );
  });

  it('the room reads everything it may; the mediator seals the case and the record is fetched too', async () => {
    for (const role of roles) await fetchEverything(role);
    await fetchRoutes(staff.token, staff);
    const sealed = await emit(rooms.mediator, 'outcome:seal', {
      outcome: 'not_settled',
      reason: '双方差距较大，未能达成一致',
    });
    expect(sealed.ok).toBe(true);
    for (const role of roles) await fetchEverything(role);
    await fetchRoutes(staff.token, staff);
    // The staff pages were reached: the case's detail and history are the administrator's to read.
    expect(staff.text.some((body) => body.includes('"number":"AC-'))).toBe(true);
  });

  it('no rendering of an offer is anywhere: not in what anyone received, the log or the data directory', async () => {
    // The documents as each member's copy ends, decoded (numbers in a Yjs update are binary).
    for (const d of docs) {
      const rec = recordings[d.role];
      // The agreement's terms and body, and the notes of the notebooks.
      rec.text.push(
        JSON.stringify(d.doc.getMap(AgreementDoc.terms).toJSON()),
        d.doc.getXmlFragment(AgreementDoc.body).toJSON(),
        d.doc.getXmlFragment('notes').toJSON(),
      );
      rec.bytes.push(Buffer.from(Y.encodeStateAsUpdate(d.doc)));
    }
    await t.close();
    const files = filesUnder(dataDir).map((path) => ({ path, bytes: readFileSync(path) }));
    expect(files.some((f) => f.path.endsWith('accord.db'))).toBe(true);
    expect(log.length).toBeGreaterThan(0);

    const places: { where: string; text: string[]; bytes: Buffer[] }[] = [
      ...roles.map((r) => ({ where: `received by the ${r}`, text: recordings[r].text, bytes: recordings[r].bytes })),
      { where: "the centre administrator's pages", text: staff.text, bytes: staff.bytes },
      { where: 'the server log', text: log, bytes: [] },
      ...files.map((f) => ({ where: f.path, text: [], bytes: [f.bytes] })),
    ];
    const found: string[] = [];
    for (const secret of SECRETS) {
      const texts = textForms(secret);
      const binaries = binaryForms(secret);
      for (const place of places) {
        for (const s of place.text)
          for (const form of texts) if (s.includes(form)) found.push(`${form} in ${place.where}`);
        for (const b of place.bytes)
          for (const form of binaries)
            if (b.includes(form)) found.push(`${form.toString('hex')} (bytes) in ${place.where}`);
      }
    }
    expect(found).toEqual([]);
    // And the recording is not empty: the midpoint, which is public, is found where it should be.
    const midpointBytes = Buffer.alloc(8);
    midpointBytes.writeDoubleBE(MIDPOINT);
    for (const role of roles) {
      expect(recordings[role].text.join('\n')).toContain(String(MIDPOINT));
      // As a Yjs update carries it (a float64 beyond 2^31): the documents' messages were recorded.
      expect(recordings[role].bytes.some((b) => b.includes(midpointBytes))).toBe(true);
    }
  });
});
