import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { draft } from './agreement-body';

export interface RawYjs {
  ws: WebSocket;
  received: Uint8Array[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * A bare WebSocket speaking (or abusing) the y-websocket protocol byte by byte. Like a stock
 * provider it first sends its sync step 2 (empty: it holds nothing), without which the server holds
 * its updates; `handshake: false` leaves that out.
 */
export function rawYjs(url: string, docName: string, token: string, options: { handshake?: boolean } = {}): RawYjs {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${docName}?token=${encodeURIComponent(token)}`);
  const received: Uint8Array[] = [];
  ws.on('message', (d: Buffer) => received.push(new Uint8Array(d)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      if (options.handshake !== false) ws.send(syncStep2Message(Y.encodeStateAsUpdate(new Y.Doc())));
      resolve();
    });
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { ws, received, opened, closed };
}

const syncMessage = (step: number, update: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
};

/** A sync "update" message (type 0, sync message 2) carrying `update` as-is. */
export const updateMessage = (update: Uint8Array): Uint8Array => syncMessage(2, update);

/** A sync step 1 (type 0, sync message 0) carrying a state vector: "send me what I lack". */
export const syncStep1Message = (stateVector: Uint8Array): Uint8Array => syncMessage(0, stateVector);

/** A sync step 2 (type 0, sync message 1): the answer to the server's sync step 1. */
export const syncStep2Message = (update: Uint8Array): Uint8Array => syncMessage(1, update);

/** A real update that inserts `text` (a paragraph of the body, as the editor stores it), from a throw-away document. */
export function realUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  draft(doc).insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}
