import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '@accord/shared';
import type { Principal } from '../auth/service';
import { bindAwareness } from '../agreement/awareness-binding';
import type { Logger } from '../log';
import type { TokenBucket } from '../lib/token-bucket';
import { SerialQueue } from '../lib/serial-queue';
import {
  DocStoreError,
  LiveDoc,
  MalformedUpdateError,
  type DecodedUpdate,
  type DocConnection,
} from '../agreement/live-doc';
import { termsProblemOf } from '../agreement/terms-guard';
import { MessageType, awarenessMessage, permissionDeniedMessage } from '../agreement/messages';
import type { DocRegistry } from '../agreement/registry';

/**
 * At most this many messages may wait while the document loads or a store write runs. As many as
 * the default message burst, so a stock provider's burst of edits made in one go is queued, not
 * closed (a permanent close for it); the byte budget bounds what they hold.
 */
const MAX_QUEUED = 1024;
/** Updates held until the client's sync step 2 (see handleSync): as many messages, and at most 16 MiB. */
const MAX_EARLY_BYTES = 16 * 1024 * 1024;

class ProtocolError extends Error {}

/**
 * One stock y-websocket client on one document. Messages are handled strictly
 * in arrival order; anything the protocol does not allow closes this
 * connection alone, with a close code and a reason.
 */
/**
 * Asked before each change is applied: may this connection write now (role, phase, lock, …)? Null
 * if it may; otherwise why not, sent to the client in the protocol's permission-denied message.
 */
export type WritePolicy = () => string | null | Promise<string | null>;

/** What one connection may send: messages and bytes per second, with their bursts. */
export interface YjsBudget {
  messages: TokenBucket;
  bytes: TokenBucket;
}

export class YjsConnection implements DocConnection {
  private doc: LiveDoc | null = null;
  /** This connection's messages, handled one at a time in arrival order, after the document is open. */
  private readonly queue = new SerialQueue();
  private queued = 0;
  private closed = false;
  /**
   * Updates that arrived before this client's sync step 2, applied right after it. A stock provider
   * sends edits as they are typed, also in the moment between connecting and answering the server's
   * sync step 1: such an edit can build on offline content that only the step 2 brings. Holding it
   * lets every update be required to integrate completely (LiveDoc.applyUpdate). Null once synced.
   */
  private early: { step: number; payload: Uint8Array }[] | null = [];
  private earlyBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly principal: Principal,
    private readonly mayWrite: WritePolicy,
    private readonly registry: DocRegistry,
    docName: string,
    private readonly log: Logger,
    private readonly budget?: YjsBudget,
  ) {
    ws.binaryType = 'nodebuffer';
    // These listeners live as long as the connection, and so does the scope they close over: they
    // capture `this` alone (not the constructor's arguments, see `open`).
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => this.log.debug({ err, event: 'yjs.socket_error' }, 'socket error'));
    void this.queue.run(() => this.open(docName));
  }

  private open(docName: string): Promise<void> {
    return this.registry.open(docName, this).then(
      (doc) => {
        this.doc = doc;
        if (this.closed) {
          this.registry.close(doc, this);
          return;
        }
        this.send(doc.syncStep1());
        const states = [...doc.awareness.getStates().keys()];
        if (states.length > 0) this.send(awarenessMessage(doc.awareness, states));
      },
      (err: unknown) => {
        this.log.error({ err, event: 'yjs.load_failed', doc: docName }, 'could not load document');
        this.close(CloseCode.STORE_FAILED, 'could not load the document');
      },
    );
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    // No callback: a write that fails errors the socket, which closes it (onClose); a callback per
    // message (two or more relays per update) only allocated.
    this.ws.send(message);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // A close reason may carry at most 123 bytes.
    this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
    this.detach();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) {
      this.close(CloseCode.MALFORMED, 'text frames are not part of the y-websocket protocol');
      return;
    }
    const budget = this.budget;
    if (budget && (!budget.messages.take() || !budget.bytes.take(data.byteLength))) {
      this.log.info({ event: 'yjs.rate_limited', userId: this.principal.userId }, 'closing');
      this.close(
        CloseCode.OVERLOADED,
        `RATE_LIMITED: over ${budget.messages.perSecond} messages or ${budget.bytes.perSecond} bytes per second`,
      );
      return;
    }
    if (++this.queued > MAX_QUEUED) {
      this.close(CloseCode.OVERLOADED, 'too many messages queued; slow down');
      return;
    }
    const message = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    void this.queue
      .run(() => (this.closed || !this.doc ? Promise.resolve() : this.handle(this.doc, message)))
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.queued--;
      });
  }

  private async handle(doc: LiveDoc, message: Uint8Array): Promise<void> {
    const decoder = decoding.createDecoder(message);
    let type: number;
    try {
      type = decoding.readVarUint(decoder);
    } catch {
      throw new ProtocolError('empty message');
    }
    switch (type) {
      case MessageType.sync:
        return this.handleSync(doc, decoder);
      case MessageType.awareness: {
        let update: Uint8Array;
        try {
          update = bindAwareness(decoding.readVarUint8Array(decoder), this.principal, (id) =>
            doc.heldByAnother(id, this),
          );
          awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, this);
        } catch (err) {
          throw new ProtocolError(`malformed awareness update: ${(err as Error).message}`);
        }
        return;
      }
      case MessageType.queryAwareness:
        this.send(awarenessMessage(doc.awareness, [...doc.awareness.getStates().keys()]));
        return;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }

  private async handleSync(doc: LiveDoc, decoder: decoding.Decoder): Promise<void> {
    let step: number;
    let payload: Uint8Array;
    try {
      step = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new ProtocolError('truncated sync message');
    }
    if (step === syncProtocol.messageYjsSyncStep1) {
      // Its answer means "all you sent before is stored", untrue of held updates: it waits with them.
      if (this.early && this.early.length > 0) return this.hold(step, payload);
      return this.answerStep1(doc, payload);
    }
    if (step === syncProtocol.messageYjsSyncStep2) {
      const early = this.early ?? [];
      this.early = null;
      await this.applyClientUpdate(doc, payload);
      for (const held of early) {
        if (held.step === syncProtocol.messageYjsSyncStep1) await this.answerStep1(doc, held.payload);
        else await this.applyClientUpdate(doc, held.payload);
      }
      return;
    }
    if (step !== syncProtocol.messageYjsUpdate) throw new ProtocolError(`unknown sync step ${step}`);
    if (this.early) return this.hold(step, payload);
    await this.applyClientUpdate(doc, payload);
  }

  private hold(step: number, payload: Uint8Array): void {
    const early = this.early ?? [];
    this.earlyBytes += payload.byteLength;
    if (early.length >= MAX_QUEUED || this.earlyBytes > MAX_EARLY_BYTES) {
      throw new ProtocolError('too many messages before sync step 2');
    }
    early.push({ step, payload });
  }

  /** Serves only what is already stored. */
  private async answerStep1(doc: LiveDoc, payload: Uint8Array): Promise<void> {
    let reply: Uint8Array;
    try {
      reply = await doc.syncReply(payload);
    } catch {
      throw new ProtocolError('malformed state vector');
    }
    this.send(reply);
  }

  private async applyClientUpdate(doc: LiveDoc, payload: Uint8Array): Promise<void> {
    let empty: boolean;
    try {
      empty = LiveDoc.isEmptyUpdate(payload);
    } catch {
      throw new MalformedUpdateError('update cannot be decoded');
    }
    // An update with nothing in it (a new client's sync step 2) changes nothing: nothing to check or store.
    if (empty) return;
    const verdict = this.mayWrite();
    // Usually answered from caches at once: no await (and no turn of the microtask queue) then.
    const refused = typeof verdict === 'object' && verdict !== null ? await verdict : verdict;
    if (refused !== null) {
      // A reader that reopens the copy it keeps (IndexedDB) replies to sync step 1 with its whole delete
      // set (Yjs always sends it), so its reply is not empty though it changes nothing: that is no
      // change to refuse, and refusing it told people who edited nothing that their change was lost.
      if (changesNothing(doc.ydoc, payload)) return;
      this.send(permissionDeniedMessage(refused));
      return;
    }
    // Decoded once, here, for the terms check and for the document's own checks (LiveDoc.applyUpdate).
    let decoded: DecodedUpdate;
    try {
      decoded = Y.decodeUpdate(payload);
    } catch (err) {
      throw new MalformedUpdateError(`update cannot be decoded: ${(err as Error).message}`);
    }
    const badTerm = termsProblemOf(doc.ydoc, decoded.structs);
    if (badTerm) {
      this.send(permissionDeniedMessage(badTerm));
      return;
    }
    await doc.applyUpdate(payload, this, decoded);
  }

  private onError(err: unknown): void {
    if (err instanceof ProtocolError || err instanceof MalformedUpdateError) {
      this.log.info({ event: 'yjs.malformed', reason: err.message, userId: this.principal.userId }, 'closing');
      this.close(CloseCode.MALFORMED, err.message);
    } else if (err instanceof DocStoreError) {
      this.close(CloseCode.STORE_FAILED, err.message);
    } else {
      this.log.error({ err, event: 'yjs.internal' }, 'unexpected error');
      this.close(CloseCode.INTERNAL, 'internal error');
    }
  }

  private onClose(): void {
    this.closed = true;
    this.detach();
  }

  private detached = false;
  private detach(): void {
    if (this.detached || !this.doc) return;
    this.detached = true;
    this.registry.close(this.doc, this);
  }
}

/** Whether every struct and deletion in `update` is already in `ydoc`. */
function changesNothing(ydoc: Y.Doc, update: Uint8Array): boolean {
  try {
    return Y.snapshotContainsUpdate(Y.snapshot(ydoc), update);
  } catch {
    return false; // malformed: refused like any other change
  }
}
