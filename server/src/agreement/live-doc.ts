import { performance } from 'node:perf_hooks';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import { awarenessMessage, updateMessage } from './messages';

/** One party's connection to a document, as the document sees it (transport-free). */
export interface DocConnection {
  readonly id: string;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** An update Yjs cannot decode or apply; the sender's connection is closed, nothing is stored. */
export class MalformedUpdateError extends Error {}

/** The store refused an update; the document is dropped and every client resyncs. */
export class DocStoreError extends Error {}

/** The origin of changes that came from another node: applied and relayed here, never stored or sent on. */
export const REMOTE = Symbol('remote node');

export interface LiveDocOptions {
  compactEvery: number;
  /** After an update is stored and relayed here: tell the other nodes. */
  onStored?: (doc: LiveDoc, update: Uint8Array) => void;
  /** After an awareness change of a local connection: tell the other nodes. */
  onAwareness?: (doc: LiveDoc, update: Uint8Array) => void;
  log: Logger;
  /** Called once when the document can no longer be trusted (a store failure). */
  onBroken: (doc: LiveDoc) => void;
}

function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && ds.clients.size === 0;
}

/**
 * A Yjs document held in memory while anyone has it open. Every change is
 * applied, stored, then relayed, one at a time, so that what this node has
 * relayed or served in a sync is always already in the store.
 */
export class LiveDoc {
  readonly awareness: awarenessProtocol.Awareness;
  /** Each connection with the awareness client ids it controls. */
  readonly connections = new Map<DocConnection, Set<number>>();
  private tail: Promise<void> = Promise.resolve();
  private updatesSinceCompaction = 0;
  private broken = false;

  private constructor(
    readonly name: string,
    private doc: Y.Doc,
    pendingUpdates: number,
    private readonly store: Store,
    private readonly options: LiveDocOptions,
  ) {
    this.updatesSinceCompaction = pendingUpdates;
    // Awareness needs a Y.Doc only for a client id; a doc of its own lets the content doc be
    // replaced (rebuild) or destroyed independently.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    // The server has no cursor of its own.
    this.awareness.setLocalState(null);
    this.awareness.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const controlled = this.connections.get(origin as DocConnection);
        if (controlled) {
          added.forEach((id) => controlled.add(id));
          removed.forEach((id) => controlled.delete(id));
        }
        const changed = [...added, ...updated, ...removed];
        if (changed.length === 0) return;
        this.broadcast(awarenessMessage(this.awareness, changed), null);
        if (origin !== REMOTE) {
          this.options.onAwareness?.(this, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
        }
      },
    );
  }

  static async load(name: string, store: Store, options: LiveDocOptions): Promise<LiveDoc> {
    const { doc, updates, timing } = await loadYDoc(store, name);
    options.log.debug({ event: 'doc.loaded', doc: name, updates, ...timing }, 'document loaded');
    return new LiveDoc(name, doc, updates, store, options);
  }

  /** The current Yjs document (read-only use: encoding state for a sync). */
  get ydoc(): Y.Doc {
    return this.doc;
  }

  get isBroken(): boolean {
    return this.broken;
  }

  attach(conn: DocConnection): void {
    this.connections.set(conn, new Set());
  }

  /** Whether an awareness client id is held by a connection other than `conn` on this node. */
  heldByAnother(clientId: number, conn: DocConnection): boolean {
    for (const [other, ids] of this.connections) if (other !== conn && ids.has(clientId)) return true;
    return false;
  }

  detach(conn: DocConnection): void {
    const controlled = this.connections.get(conn);
    this.connections.delete(conn);
    if (controlled && controlled.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null);
    }
  }

  /** Waits until every change received so far is stored. */
  flushed(): Promise<void> {
    return this.enqueue(async () => {});
  }

  /**
   * Validates, applies, stores and relays an update from a writer. Resolves
   * once it is stored (or was already known); rejects with MalformedUpdateError
   * for input Yjs cannot read, or DocStoreError when the store failed.
   */
  applyUpdate(update: Uint8Array, from: DocConnection): Promise<void> {
    return this.enqueue(async () => {
      if (this.broken) throw new DocStoreError('document is being reloaded');
      try {
        // Decoding parses the whole update without touching the document, so a
        // truncated or garbled one is refused before anything is applied.
        Y.decodeUpdate(update);
      } catch (err) {
        throw new MalformedUpdateError(`update cannot be decoded: ${(err as Error).message}`);
      }
      const doc = this.doc;
      const hadPending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      let effective: Uint8Array | null = null;
      const capture = (u: Uint8Array, origin: unknown) => {
        if (origin === from) effective = u;
      };
      doc.on('update', capture);
      let failure: unknown = null;
      try {
        Y.applyUpdate(doc, update, from);
      } catch (err) {
        failure = err;
      } finally {
        doc.off('update', capture);
      }
      if (failure !== null) {
        // Part of it may have been integrated in memory; rebuild from what is stored.
        await this.rebuild(doc);
        throw new MalformedUpdateError(`update cannot be applied: ${(failure as Error).message}`);
      }
      // Content waiting for a missing dependency is not in `effective`, and Yjs merges new waiting
      // content into the pending set in place: whenever anything waits, store the raw update too.
      const pending = hadPending || doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      const toStore = pending ? update : effective;
      if (!toStore) return;
      try {
        await this.store.appendDocUpdate(this.name, toStore);
      } catch (err) {
        this.fail(err);
        throw new DocStoreError('the update could not be stored');
      }
      this.updatesSinceCompaction++;
      if (effective) {
        this.broadcast(updateMessage(effective), from);
        this.options.onStored?.(this, effective);
      }
      if (this.updatesSinceCompaction >= this.options.compactEvery) await this.compact();
    });
  }

  /** An update another node stored: applied and relayed to this node's connections, not stored again. */
  applyRemote(update: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      if (this.broken) return;
      let effective: Uint8Array | null = null;
      const capture = (u: Uint8Array, origin: unknown) => {
        if (origin === REMOTE) effective = u;
      };
      const doc = this.doc;
      doc.on('update', capture);
      try {
        Y.applyUpdate(doc, update, REMOTE);
      } finally {
        doc.off('update', capture);
      }
      if (effective) this.broadcast(updateMessage(effective), null);
      // Content waiting for a dependency means an earlier relay never arrived (the bus is
      // fire-and-forget): every update is in the store before it is relayed, so read it from there.
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) await this.catchUp();
    });
  }

  /** Applies what the store holds that this node missed (after the bus lost messages). */
  resync(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.broken) await this.catchUp();
    });
  }

  /** Applies the stored snapshot and updates (Yjs ignores what is known); returns the update ids read. */
  private async catchUp(): Promise<number[]> {
    const stored = await this.store.loadDoc(this.name);
    const doc = this.doc;
    const changes: Uint8Array[] = [];
    const capture = (u: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) changes.push(u);
    };
    doc.on('update', capture);
    try {
      doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot, REMOTE);
        for (const u of stored.updates) Y.applyUpdate(doc, u.data, REMOTE);
      }, REMOTE);
    } finally {
      doc.off('update', capture);
    }
    for (const change of changes) this.broadcast(updateMessage(change), null);
    return stored.updates.map((u) => u.id);
  }

  applyRemoteAwareness(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
  }

  /** Writes the whole state as one snapshot and drops the updates it covers. */
  compactNow(): Promise<void> {
    return this.enqueue(() => this.compact());
  }

  destroy(): void {
    this.awareness.doc.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }

  broadcast(message: Uint8Array, except: DocConnection | null): void {
    for (const conn of this.connections.keys()) if (conn !== except) conn.send(message);
  }

  /** Reports whether an update would change anything (used to refuse read-only writes quietly). */
  static isEmptyUpdate(update: Uint8Array): boolean {
    return isEmptyUpdate(update);
  }

  private async compact(): Promise<void> {
    if (this.updatesSinceCompaction === 0 || this.broken) return;
    try {
      // Other nodes append to the same log; a snapshot may only cover updates it contains, so take in
      // everything stored first (a relay may be late or lost), then cover exactly the ids read.
      const read = await this.catchUp();
      await this.store.compactDoc(this.name, Y.encodeStateAsUpdate(this.doc), read);
      this.updatesSinceCompaction = 0;
    } catch (err) {
      // The update log is still complete; compaction is only an optimisation.
      this.options.log.warn({ err, event: 'doc.compact_failed', doc: this.name }, 'compaction failed');
    }
  }

  private async rebuild(broken: Y.Doc): Promise<void> {
    const fresh = await loadYDoc(this.store, this.name);
    this.doc = fresh.doc;
    broken.destroy();
    this.updatesSinceCompaction = fresh.updates;
  }

  private fail(err: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.options.log.error({ err, event: 'doc.store_failed', doc: this.name }, 'could not store update');
    this.options.onBroken(this);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** How long a load took: reading the store, then building the Y.Doc (ms), and the bytes read. */
interface LoadTiming {
  readMs: number;
  applyMs: number;
  bytes: number;
}

async function loadYDoc(store: Store, name: string): Promise<{ doc: Y.Doc; updates: number; timing: LoadTiming }> {
  const t0 = performance.now();
  const stored = await store.loadDoc(name);
  const t1 = performance.now();
  const doc = new Y.Doc({ gc: true });
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  });
  const bytes = stored.updates.reduce((n, u) => n + u.data.byteLength, stored.snapshot?.byteLength ?? 0);
  const timing = { readMs: round(t1 - t0), applyMs: round(performance.now() - t1), bytes };
  return { doc, updates: stored.updates.length, timing };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
