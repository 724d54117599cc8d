import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { rawYjs, type RawYjs } from '../helpers/raw-yjs';
import { waitFor } from '../helpers/wait';
import { Tally, type Prng } from './prng';

/**
 * Records every binary frame a stock provider sends and receives, so the fuzz
 * corpus is what a real session puts on the wire, not what we think it does.
 */
function recordingWebSocket(corpus: Uint8Array[]): typeof globalThis.WebSocket {
  class RecordingWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data: Buffer) => corpus.push(new Uint8Array(data)));
    }
  }
  // `send` is overloaded in ws's types; the provider only ever sends one Uint8Array.
  const send = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'send')?.value as (...a: unknown[]) => void;
  Object.defineProperty(RecordingWebSocket.prototype, 'send', {
    value(this: WebSocket, data: unknown, ...rest: unknown[]) {
      if (data instanceof Uint8Array) corpus.push(new Uint8Array(data));
      send.apply(this, [data, ...rest]);
    },
  });
  return RecordingWebSocket as unknown as typeof globalThis.WebSocket;
}

/**
 * A short real editing session through a stock y-websocket provider (rich text
 * the way TipTap stores it, settlement terms, deletions, carets), recorded.
 */
export async function captureSession(url: string, docName: string, token: string): Promise<Uint8Array[]> {
  const corpus: Uint8Array[] = [];
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, docName, doc, {
    params: { token },
    WebSocketPolyfill: recordingWebSocket(corpus),
    disableBc: true,
  });
  try {
    await waitFor(() => provider.synced, 'capture provider synced');
    provider.awareness.setLocalStateField('user', { name: 'Wang', color: '#30bced' });
    const body = doc.getXmlFragment('body');
    const heading = new Y.XmlElement('heading');
    // As the editor stores it: a number (Y's typing wants strings).
    heading.setAttribute('level', 2 as unknown as string);
    heading.insert(0, [new Y.XmlText('Settlement 和解协议')]);
    const para = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    text.insert(0, 'The platform refunds the service fee of ¥480.');
    text.format(4, 8, { bold: {} });
    para.insert(0, [text]);
    body.insert(0, [heading, para]);
    text.delete(10, 5);
    text.insert(10, 'repays ');
    const terms = doc.getMap('terms');
    terms.set('amountAgreedCents', 48_000);
    terms.set('instalments', 3);
    terms.set('conditions', 'Paid within 14 days.');
    terms.delete('instalments');
    provider.awareness.setLocalStateField('cursor', { anchor: 3, head: 9 });
    // Sync step 1 is answered only after everything before it is stored: the session is saved.
    const before = corpus.length;
    provider.ws?.send(syncStep1(doc));
    await waitFor(() => corpus.slice(before).some((m) => m[0] === 0 && m[1] === 1), 'session stored');
  } finally {
    provider.destroy();
    doc.destroy();
  }
  return corpus;
}

function syncStep1(doc: Y.Doc | null): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, doc ? Y.encodeStateVector(doc) : new Uint8Array([0]));
  return encoding.toUint8Array(e);
}

/** The y-websocket envelope of a message, decoded the way the server does (or null). */
function envelope(m: Uint8Array): { type: number; step: number | null; payload: Uint8Array } | null {
  try {
    const d = decoding.createDecoder(m);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const step = decoding.readVarUint(d);
      return { type, step, payload: decoding.readVarUint8Array(d) };
    }
    if (type === 1) return { type, step: null, payload: decoding.readVarUint8Array(d) };
    return { type, step: null, payload: new Uint8Array() };
  } catch {
    return null;
  }
}

function frame(type: number, step: number | null, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  if (step !== null) encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x3f, 0x40];
const BIG_VARUINTS = [
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
  [0x80],
];

type Mutator = (prng: Prng, m: Uint8Array, corpus: readonly Uint8Array[]) => Uint8Array;

const concat = (...parts: ArrayLike<number>[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Byte-level mutations, each named so a failure can say which one produced the input. */
export const byteMutators: Record<string, Mutator> = {
  bitFlip: (prng, m) => {
    const out = new Uint8Array(m);
    if (out.length === 0) return out;
    for (let k = 1 + prng.int(3); k > 0; k--) {
      const i = prng.int(out.length);
      out[i] = (out[i] ?? 0) ^ (1 << prng.int(8));
    }
    return out;
  },
  insertByte: (prng, m) => {
    const i = prng.int(m.length + 1);
    const b = prng.chance(0.5) ? prng.pick(INTERESTING) : prng.int(256);
    return concat(m.subarray(0, i), [b], m.subarray(i));
  },
  deleteBytes: (prng, m) => {
    if (m.length === 0) return m;
    const i = prng.int(m.length);
    return concat(m.subarray(0, i), m.subarray(i + 1 + prng.int(4)));
  },
  setInteresting: (prng, m) => {
    const out = new Uint8Array(m);
    if (out.length > 0) out[prng.int(out.length)] = prng.pick(INTERESTING);
    return out;
  },
  /** A length or count field (a varuint) nudged by one, or replaced by a huge one. */
  lengthTweak: (prng, m) => {
    if (m.length === 0) return m;
    // The envelope's length field is usually at index 1 or 2; elsewhere, counts inside the update.
    const i = prng.chance(0.5) ? Math.min(m.length - 1, 1 + prng.int(2)) : prng.int(m.length);
    if (prng.chance(0.5)) {
      const out = new Uint8Array(m);
      out[i] = ((out[i] ?? 0) + (prng.chance(0.5) ? 1 : 255)) & 0xff;
      return out;
    }
    return concat(m.subarray(0, i), prng.pick(BIG_VARUINTS), m.subarray(i + 1));
  },
  splice: (prng, m, corpus) => {
    const other = prng.pick(corpus);
    return concat(m.subarray(0, prng.int(m.length + 1)), other.subarray(prng.int(other.length + 1)));
  },
  truncate: (prng, m) => m.subarray(0, prng.int(m.length + 1)),
  duplicateChunk: (prng, m) => {
    const i = prng.int(m.length + 1);
    const j = Math.min(m.length, i + 1 + prng.int(16));
    return concat(m.subarray(0, j), m.subarray(i, j), m.subarray(j));
  },
  /** Same bytes, another message type or sync step (an update read as awareness, a state vector as an update). */
  retype: (prng, m) => {
    const env = envelope(m);
    if (!env) return m;
    const type = prng.int(5);
    return frame(type, type === 0 ? prng.int(4) : null, env.payload);
  },
};

/** Mutates inside the envelope and re-frames it with a correct length, to get past the framing checks. */
function mutateInside(prng: Prng, m: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  const env = envelope(m);
  if (!env || env.payload.length === 0) return byteMutators.bitFlip?.(prng, m, corpus) ?? m;
  const name = prng.pick(Object.keys(byteMutators).filter((k) => k !== 'retype' && k !== 'splice'));
  const payload = (byteMutators[name] as Mutator)(prng, env.payload, corpus);
  return frame(env.type, env.step, payload);
}

/** One fuzz input: a captured message with one to three mutations, or (rarely) left valid. */
export function mutateYjs(prng: Prng, corpus: readonly Uint8Array[]): { input: Uint8Array; how: string } {
  let m = prng.pick(corpus);
  if (prng.chance(0.04)) return { input: m, how: 'valid' };
  const how: string[] = [];
  for (let k = 1 + prng.int(3); k > 0; k--) {
    if (prng.chance(0.5)) {
      m = mutateInside(prng, m, corpus);
      how.push('inside');
    } else {
      const name = prng.pick(Object.keys(byteMutators));
      m = (byteMutators[name] as Mutator)(prng, m, corpus);
      how.push(name);
    }
  }
  return { input: m, how: how.join('+') };
}

interface Conn {
  raw: RawYjs;
  closedWith: { code: number; reason: string } | null;
  /** Sync step 2 answers and permission-denied messages received so far. */
  step2s: number;
  denials: number;
  /** The last sync step 2 frame received. */
  lastStep2: Uint8Array | null;
  /** Resolves true once `done()` holds or the socket closed, false after `ms`; checked on every frame. */
  until(done: () => boolean, ms: number): Promise<boolean>;
}

async function open(url: string, docName: string, token: string): Promise<Conn> {
  const raw = rawYjs(url, docName, token);
  let frames = 0;
  let wake = () => {};
  const conn: Conn = {
    raw,
    closedWith: null,
    step2s: 0,
    denials: 0,
    lastStep2: null,
    // Event-driven, not polled: a poll interval would cap the rate of inputs.
    until: (done, ms) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        wake = () => {
          if (!done() && !conn.closedWith) return;
          clearTimeout(timer);
          wake = () => {};
          resolve(true);
        };
        wake();
      }),
  };
  raw.ws.on('message', (d: Buffer) => {
    frames++;
    if (d[0] === 0 && d[1] === 1) {
      conn.step2s++;
      conn.lastStep2 = new Uint8Array(d);
    }
    if (d[0] === 2) conn.denials++;
    // Only the counts matter here; keeping every answer would grow without bound on a long run.
    raw.received.length = 0;
    wake();
  });
  void raw.closed.then((c) => {
    conn.closedWith = c;
    wake();
  });
  await raw.opened;
  // The server greets with its own sync step 1 once the document is loaded.
  await conn.until(() => frames > 0, 5000);
  return conn;
}

export interface YjsFuzzResult {
  tried: number;
  outcomes: Tally;
  mutations: Tally;
  /** Inputs the server neither answered nor closed on within the time budget (a hang). */
  hangs: { index: number; hex: string }[];
  /** Inputs the server accepted from a writer that the shadow document could not apply (or vice versa). */
  shadowMismatches: { index: number; hex: string; error: string }[];
  /**
   * A full sync served by the server that, applied to an empty document, does not give the shadow:
   * what a client loading the document now would get is not what was accepted. With the writer
   * inputs accepted since the last good check.
   */
  servedMismatch: {
    index: number;
    error: string | null;
    acceptedSince: string[];
    /**
     * Whether the shadow itself survives encodeStateAsUpdate → applyUpdate: if not, Yjs diverges
     * from its own encoding and the server only serves it (null: not checked, the sync was refused).
     */
    shadowRoundTrips: boolean | null;
  } | null;
  /** The document as a client applying exactly what the server accepted would have it. */
  shadow: Y.Doc;
}

/**
 * Sends mutated messages on raw connections, each followed by a sync step 1
 * whose answer (or a close) says the server has finished with the input.
 * Every input a writer had accepted is also applied to a shadow document, so
 * the stored document can be compared with what should be in it.
 */
export async function fuzzYjs(opts: {
  url: string;
  docName: string;
  tokens: { writer: string; reader: string };
  corpus: readonly Uint8Array[];
  prng: Prng;
  ms: number;
  /** The document as stored when the run starts. */
  initial: Uint8Array;
  /** Compare a full sync with the shadow after this many inputs (and at the end). */
  checkEvery: number;
  /** Stop after this many inputs even if time remains. */
  maxInputs: number;
}): Promise<YjsFuzzResult> {
  const { prng, corpus } = opts;
  const shadow = new Y.Doc();
  Y.applyUpdate(shadow, opts.initial);
  const result: YjsFuzzResult = {
    tried: 0,
    outcomes: new Tally(),
    mutations: new Tally(),
    hangs: [],
    shadowMismatches: [],
    servedMismatch: null,
    shadow,
  };
  const conns: Partial<Record<'writer' | 'reader', Conn>> = {};
  const deadline = Date.now() + opts.ms;
  let acceptedSince: string[] = [];
  /** Asks for the whole document, as a new client does, and compares it with the shadow. */
  const servedMatches = async (index: number): Promise<boolean> => {
    let conn = conns.writer;
    if (!conn || conn.closedWith) conn = conns.writer = await open(opts.url, opts.docName, opts.tokens.writer);
    const c = conn;
    const expected = c.step2s + 1;
    c.raw.ws.send(syncStep1(null));
    const answered = await c.until(() => c.step2s >= expected, 5000);
    if (!answered || c.closedWith || !c.lastStep2) {
      // A valid sync step 1 refused or unanswered: no client could load the document now.
      const why = c.closedWith ? `closed ${c.closedWith.code}: ${c.closedWith.reason}` : 'no answer';
      result.servedMismatch = { index, error: why, acceptedSince, shadowRoundTrips: null };
      return false;
    }
    const served = new Y.Doc();
    let error: string | null = null;
    try {
      Y.applyUpdate(served, envelope(c.lastStep2)?.payload ?? new Uint8Array());
    } catch (err) {
      error = String(err);
    }
    const same =
      error === null &&
      Buffer.from(Y.encodeStateVector(served)).equals(Buffer.from(Y.encodeStateVector(shadow))) &&
      Y.equalSnapshots(Y.snapshot(served), Y.snapshot(shadow));
    served.destroy();
    if (!same) {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(shadow));
      const shadowRoundTrips =
        Buffer.from(Y.encodeStateVector(copy)).equals(Buffer.from(Y.encodeStateVector(shadow))) &&
        Y.equalSnapshots(Y.snapshot(copy), Y.snapshot(shadow));
      copy.destroy();
      result.servedMismatch = { index, error, acceptedSince, shadowRoundTrips };
    }
    acceptedSince = [];
    return same;
  };
  while (Date.now() < deadline && result.tried < opts.maxInputs) {
    const index = result.tried++;
    const who = prng.chance(0.2) ? 'reader' : 'writer';
    const { input, how } = mutateYjs(prng, corpus);
    result.mutations.add(how.split('+')[0] ?? how);
    let conn = conns[who];
    if (!conn || conn.closedWith) conn = conns[who] = await open(opts.url, opts.docName, opts.tokens[who]);
    const env = envelope(input);
    const expected = conn.step2s + 1 + (env?.type === 0 && env.step === 0 ? 1 : 0);
    const denied = conn.denials;
    conn.raw.ws.send(input);
    // Asking from the shadow's state keeps the answer small however large the document grows.
    conn.raw.ws.send(syncStep1(shadow));
    const c = conn;
    if (!(await c.until(() => c.step2s >= expected, 5000))) {
      result.hangs.push({ index, hex: Buffer.from(input).toString('hex') });
      result.outcomes.add('no answer');
      c.raw.ws.terminate();
      continue;
    }
    let outcome: string;
    if (c.closedWith?.reason === 'malformed state vector' && !(env?.type === 0 && env.step === 0)) {
      // The input was no state vector: the server refused the valid sync step 1 sent after it.
      result.servedMismatch = {
        index,
        error: `a valid sync step 1 after input ${Buffer.from(input).toString('hex')} was refused: ${c.closedWith.reason}`,
        acceptedSince,
        shadowRoundTrips: null,
      };
      break;
    }
    if (c.closedWith) outcome = `close ${c.closedWith.code}`;
    else if (c.denials > denied) outcome = 'permission denied';
    else outcome = 'accepted';
    result.outcomes.add(`${who} ${outcome}`);
    if (who === 'writer' && outcome === 'accepted' && env?.type === 0 && (env.step === 1 || env.step === 2)) {
      try {
        Y.applyUpdate(shadow, env.payload);
        acceptedSince.push(Buffer.from(input).toString('hex'));
      } catch (err) {
        result.shadowMismatches.push({ index, hex: Buffer.from(input).toString('hex'), error: String(err) });
      }
    }
    if (index % opts.checkEvery === opts.checkEvery - 1 && !(await servedMatches(index))) break;
  }
  if (!result.servedMismatch) await servedMatches(result.tried);
  for (const c of Object.values(conns)) c.raw.ws.close();
  return result;
}
