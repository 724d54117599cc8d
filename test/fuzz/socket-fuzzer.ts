import { clientEvents, type ClientEventName, type ErrorBody } from '@accord/shared';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { Tally, type Prng } from './prng';

type Json = null | boolean | number | string | Uint8Array | Json[] | { [k: string]: Json };

/** A valid payload for every client→server event, given the ids of the room it is sent in. */
export function validPayloads(ids: {
  target: string;
  nonce: () => string;
}): Record<ClientEventName, (prng: Prng) => Json> {
  const hex64 = (prng: Prng) => Array.from({ length: 64 }, () => '0123456789abcdef'[prng.int(16)]).join('');
  return {
    'chat:send': () => ({ clientId: `fz${ids.nonce()}`, text: '我们同意分期付款 fuzz', channel: 'joint' }),
    'chat:history': (prng) => ({ channel: 'joint', beforeSeq: 1 + prng.int(20), limit: 1 + prng.int(100) }),
    'chat:typing': (prng) => ({ typing: prng.chance(0.5), channel: 'joint' }),
    'room:phase': (prng) => ({ phase: prng.pick(['opening', 'joint', 'drafting', 'signing', 'concluded']) }),
    'room:settings': (prng) => ({ lobby: false, quietOpening: prng.chance(0.5) }),
    'lobby:admit': (prng): Json => (prng.chance(0.5) ? { userId: ids.target } : { all: true }),
    'caucus:open': () => ({ userId: ids.target }),
    'caucus:close': () => ({}),
    'caucus:list': () => ({}),
    'terms:last': () => ({}),
    'moderation:mute': (prng) => ({ userId: ids.target, muted: prng.chance(0.5) }),
    'moderation:remove': () => ({ userId: ids.target }),
    'agreement:lock': (prng) => ({ locked: prng.chance(0.5) }),
    'room:pin': (prng) => ({ text: prng.chance(0.2) ? null : 'Break at 15:00 休息' }),
    'hand:raise': (prng) => ({ raised: prng.chance(0.5) }),
    'hand:lower': () => ({ userId: ids.target }),
    'activity:list': (prng) => ({ before: hex64(prng).slice(0, 32), limit: 1 + prng.int(100) }),
    'outcome:status': () => ({}),
    'outcome:sign': (prng) => ({ fingerprint: hex64(prng), fullName: 'Wang Fang', secret: '123456' }),
    'outcome:seal': () => ({ outcome: 'not_settled', reason: 'The parties could not agree.' }),
    'negotiation:state': () => ({}),
    'consent:set': (prng) =>
      prng.chance(0.5)
        ? { clauseId: 'terms', hash: hex64(prng), state: 'agreed', reason: '' }
        : {
            clauseId: `${1 + prng.int(1000)}.${prng.int(50)}`,
            hash: hex64(prng),
            state: 'objected',
            reason: '不同意 fuzz',
          },
    'round:close': (prng) => ({ note: prng.chance(0.5) ? '' : 'Round of offers 第一轮' }),
    'round:get': (prng) => ({ n: 1 + prng.int(5) }),
    'offer:submit': (prng) => ({ amountCents: 1 + prng.int(10_000_000) }),
    'call:join': (prng) => ({
      peerId: `fuzzpeer${ids.nonce()}`.padEnd(16, '0'),
      audio: prng.chance(0.5),
      video: false,
    }),
    'call:leave': () => ({}),
    'call:media': (prng) => ({ audio: prng.chance(0.5), video: prng.chance(0.5) }),
    'call:ice': () => ({}),
    'call:signal': (prng): Json =>
      prng.chance(0.5)
        ? { to: 'fuzz-target-peer-0001', kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } }
        : {
            to: 'fuzz-target-peer-0001',
            kind: 'candidate',
            candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' },
          },
  };
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** A value of another kind than `v` (or of the same kind, pathological). */
function weird(prng: Prng, depth = 0): Json {
  switch (prng.int(14)) {
    case 0:
      return null;
    case 1:
      return prng.chance(0.5);
    case 2:
      return prng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 3:
      return '';
    case 4:
      return ' \n\t ';
    case 5:
      return 'x'.repeat(prng.pick([4001, 70_000, 130_000]));
    case 6:
      return '\u0000\uffff\ud800 ☃ 𝄞 ' + 'é'.repeat(prng.int(50));
    case 7:
      return "'; DROP TABLE messages; --";
    case 8:
      return [];
    case 9:
      return depth > 3 ? {} : [weird(prng, depth + 1), weird(prng, depth + 1)];
    case 10:
      return depth > 3 ? {} : { a: weird(prng, depth + 1) };
    case 11:
      return new Uint8Array(prng.int(64)).fill(0xff);
    case 12:
      return protoObject(prng);
    default: {
      // Deeply nested.
      let v: Json = 'deep';
      for (let i = 0; i < 50 + prng.int(200); i++) v = prng.chance(0.5) ? [v] : { n: v };
      return v;
    }
  }
}

/** An object with an own `__proto__` (or other built-in name) key, as a JSON parser produces it. */
function protoObject(prng: Prng): Json {
  const key = prng.pick(PROTO_KEYS);
  return JSON.parse(`{${JSON.stringify(key)}: {"polluted": true, "admin": true}}`) as Json;
}

const hasBinary = (v: Json): boolean =>
  v instanceof Uint8Array || (typeof v === 'object' && v !== null && Object.values(v).some(hasBinary));

/**
 * The payload as the server will decode it. With a binary value anywhere, socket.io-client
 * rebuilds the payload by assignment, so an own `__proto__` key becomes the copy's prototype and
 * is never sent; without one, it is plain JSON and the key travels.
 */
function asSent(v: Json): Json {
  if (!hasBinary(v)) return v;
  const rebuild = (x: Json): Json => {
    if (x instanceof Uint8Array || typeof x !== 'object' || x === null) return x;
    if (Array.isArray(x)) return x.map(rebuild);
    const out: { [k: string]: Json } = {};
    for (const [k, val] of Object.entries(x)) if (k !== '__proto__') out[k] = rebuild(val);
    return out;
  };
  return rebuild(v);
}

const asText = (v: Json | undefined) => (typeof v === 'string' ? v : JSON.stringify(v));

const isObject = (v: Json): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Structural mutations of a payload. */
export const payloadMutators: Record<string, (prng: Prng, v: Json) => Json> = {
  dropKey: (prng, v) => {
    if (!isObject(v) || Object.keys(v).length === 0) return weird(prng);
    const out = { ...v };
    delete out[prng.pick(Object.keys(out))];
    return out;
  },
  wrongType: (prng, v) => {
    if (!isObject(v) || Object.keys(v).length === 0) return weird(prng);
    return { ...v, [prng.pick(Object.keys(v))]: weird(prng) };
  },
  hugeString: (prng, v) => {
    const huge = 'ä'.repeat(prng.pick([1001, 2001, 4001, 100_000]));
    if (!isObject(v) || Object.keys(v).length === 0) return huge;
    return { ...v, [prng.pick(Object.keys(v))]: huge };
  },
  nest: (prng, v) => (prng.chance(0.5) ? { payload: v } : [v]),
  extraKey: (prng, v) => {
    if (!isObject(v)) return weird(prng);
    return { ...v, [prng.pick(['seq', 'role', 'caseId', 'userId', 'admin', 'x'])]: weird(prng) };
  },
  protoKey: (prng, v) => {
    if (!isObject(v)) return protoObject(prng);
    const key = prng.pick(PROTO_KEYS);
    const out = JSON.parse(JSON.stringify(v)) as { [k: string]: Json };
    Object.defineProperty(out, key, { value: { admin: true }, enumerable: true, writable: true, configurable: true });
    return out;
  },
  replaceWhole: (prng) => weird(prng),
  /** Keeps the shape, bends one string value (empty, blank, case, an id of nobody). */
  bendString: (prng, v) => {
    if (!isObject(v)) return v;
    const keys = Object.keys(v).filter((k) => typeof v[k] === 'string');
    if (keys.length === 0) return { ...v };
    const k = prng.pick(keys);
    const s = v[k] as string;
    const bent = prng.pick(['', '  ', s.toUpperCase(), s + ' ', '00000000-0000-4000-8000-000000000000', s.slice(1)]);
    return { ...v, [k]: bent };
  },
};

type Emitter = {
  emit: (event: string, ...args: unknown[]) => void;
  timeout: (ms: number) => { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> };
};

export interface SocketFuzzResult {
  tried: number;
  /** `event → ok | error code` counts. */
  outcomes: Tally;
  codes: Tally;
  /** Payloads the shared schema refuses that were not answered VALIDATION_FAILED. */
  schemaMismatches: { event: string; payload: string; answer: string }[];
  hangs: { event: string; payload: string }[];
  /** Every `chat:send` the server acknowledged as newly stored: clientId → text. */
  storedChats: Map<string, string>;
  /** Valid `chat:send`s emitted without an ack: they may be stored, unseen by the fuzzer. */
  unackedChats: Map<string, string>;
  disconnects: number;
}

const show = (v: unknown) => {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x));
    return s.length > 300 ? `${s.slice(0, 300)}…(${s.length})` : s;
  } catch {
    return String(v);
  }
};

/**
 * Emits mutated payloads of every client event from raw socket.io-client
 * connections of several roles. Each answer is checked against the shared
 * schema: a payload the schema refuses must be answered VALIDATION_FAILED.
 */
export async function fuzzSocket(opts: {
  url: string;
  caseId: string;
  tokens: Record<'mediator' | 'customer' | 'observer', string>;
  target: string;
  prng: Prng;
  ms: number;
  /** Stop after this many inputs even if time remains. */
  maxInputs: number;
}): Promise<SocketFuzzResult> {
  const { prng } = opts;
  let nonce = 0;
  const valid = validPayloads({ target: opts.target, nonce: () => `${opts.prng.seed}x${(nonce++).toString(36)}` });
  const events = Object.keys(clientEvents) as ClientEventName[];
  const result: SocketFuzzResult = {
    tried: 0,
    outcomes: new Tally(),
    codes: new Tally(),
    schemaMismatches: [],
    hangs: [],
    storedChats: new Map(),
    unackedChats: new Map(),
    disconnects: 0,
  };
  const clients: Partial<Record<keyof typeof opts.tokens, RoomClient>> = {};
  const clientOf = async (role: keyof typeof opts.tokens) => {
    let c = clients[role];
    if (!c || !c.socket.connected) {
      if (c) {
        result.disconnects++;
        c.close();
      }
      c = clients[role] = await connectRoom(opts.url, opts.tokens[role], opts.caseId, { resume: false });
    }
    return c;
  };
  const deadline = Date.now() + opts.ms;
  while (Date.now() < deadline && result.tried < opts.maxInputs) {
    result.tried++;
    const role = prng.pick(['mediator', 'mediator', 'mediator', 'customer', 'observer'] as const);
    const client = await clientOf(role);
    const event = prng.chance(0.03) ? prng.pick(['case:delete', '__proto__', 'constructor', 'toString', '']) : null;
    const name = event ?? prng.pick(events);
    let payload: Json = event === null ? valid[name as ClientEventName](prng) : {};
    for (let k = 1 + prng.int(2); k > 0; k--) {
      const mutate = payloadMutators[prng.pick(Object.keys(payloadMutators))] as (p: Prng, v: Json) => Json;
      payload = mutate(prng, payload);
    }
    const schema = event === null ? clientEvents[name as ClientEventName].payload : null;
    const schemaOk = schema !== null && schema.safeParse(asSent(payload)).success;
    // A valid seal ends the session for good; the run needs a live room, and sealing is tested elsewhere.
    if (schemaOk && name === 'outcome:seal') {
      result.outcomes.add('skipped valid seal');
      continue;
    }
    const socket = client.socket as unknown as Emitter;
    if (prng.chance(0.05)) {
      // No ack: the answer is an accord:error event, which connectRoom records.
      socket.emit(name, payload);
      result.outcomes.add(`${name} (no ack)`);
      if (name === 'chat:send' && schemaOk && isObject(payload)) {
        result.unackedChats.set(asText(payload.clientId), asText(payload.text));
      }
      continue;
    }
    let answer: { ok: boolean; error?: ErrorBody; data?: { duplicate?: boolean } };
    try {
      answer = (await socket.timeout(3000).emitWithAck(name, payload)) as typeof answer;
    } catch {
      if (!client.socket.connected) {
        // A packet over the size limit closes the socket (documented); anything else is a finding.
        result.outcomes.add(`${name} → disconnected`);
        continue;
      }
      result.hangs.push({ event: name, payload: show(payload) });
      result.outcomes.add(`${name} → no answer`);
      continue;
    }
    const code = answer.ok ? 'ok' : (answer.error?.code ?? 'malformed answer');
    result.codes.add(code);
    result.outcomes.add(`${name} → ${code}`);
    if (schema !== null && !schemaOk && code !== 'VALIDATION_FAILED') {
      result.schemaMismatches.push({ event: name, payload: show(payload), answer: show(answer) });
    }
    if (event !== null && code !== 'UNKNOWN_EVENT') {
      result.schemaMismatches.push({ event: name, payload: show(payload), answer: show(answer) });
    }
    if (name === 'chat:send' && answer.ok && answer.data?.duplicate === false && isObject(payload)) {
      result.storedChats.set(asText(payload.clientId), asText(payload.text));
    }
  }
  for (const c of Object.values(clients)) c.close();
  return result;
}
