import { performance } from 'node:perf_hooks';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Logger } from '../log';
import { SerialQueue } from '../lib/serial-queue';
import type { DocStore } from '../store/types';
import { clockProblem } from './clock-guard';
import { rootsOf } from './schema-guard';
import { citationsToCheck, type CitedEvidence } from './citation-guard';
import { currentTermItems, type TermChange } from './term-changes';
import { awarenessMessage, frameOf, syncMessage, updateMessage } from './messages';
import { awarenessCarrier, buildYDoc, isEmptyUpdate, judgeLanded, newContentClients } from './doc-updates';
import type { Applying, DecodedUpdate } from './doc-updates';

export type { DecodedUpdate } from './doc-updates';

/** One party's connection to a document, as the document sees it (transport-free). */
export interface DocConnection {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Who is on the other end, as the server authenticated them (the author of its changes). */
  readonly principal?: DocAuthor;
}

/** The authenticated member whose connection sent a change. */
export interface DocAuthor {
  userId: string;
  displayName: string;
  role: string;
  caseId: string;
}

/** An update Yjs cannot decode or apply; the sender's connection is closed, nothing is stored. */
export class MalformedUpdateError extends Error {}

/** The store refused an update; the document is dropped and every client resyncs. */
export class DocStoreError extends Error {}

/** The origin of changes that came from another node: applied and relayed here, never stored or sent on. */
export const REMOTE = Symbol('remote node');

/** The origin of changes the server itself makes (see LiveDoc.change): stored and relayed like a member's. */
export const SERVER = Symbol('server');

export interface LiveDocOptions {
  compactEvery: number;
  /** After an update is stored and relayed here: tell the other nodes. */
  onStored?: (doc: LiveDoc, update: Uint8Array) => void;
  /**
   * After a client's update that changed settlement terms is stored and relayed: who sent it (the
   * connection) and what it changed. Called in the order the updates were applied.
   */
  onTermsChanged?: (doc: LiveDoc, from: DocConnection, changes: TermChange[]) => void;
  /**
   * A client's update brings content written with Yjs client ids this document has not reported
   * before: record who writes with them (the connection's principal). Its update is acknowledged and
   * relayed only once both it and this are stored. Reported once per client id per loaded document.
   */
  bindAuthors?: (doc: LiveDoc, from: DocConnection, clients: number[]) => Promise<void>;
  /** After an awareness change of a local connection: tell the other nodes. */
  onAwareness?: (doc: LiveDoc, update: Uint8Array) => void;
  /**
   * Looks up (through the store) the evidence items an update may cite, before it is applied: its
   * citations are judged against them (citation-guard.ts). Without it, any citation is refused.
   */
  citedEvidence?: (ids: string[]) => Promise<CitedEvidence>;
  log: Logger;
  /** Called once when the document can no longer be trusted (a store failure). */
  onBroken: (doc: LiveDoc) => void;
  /**
   * This node is the only writer of the document's update log (embedded: no other node). Then
   * compaction covers the ids this document read at load and stored since, without reading the log
   * back and re-applying it; with other nodes it must take in what they appended first.
   */
  soleWriter?: boolean;
}

/** What a document is loaded from: a built Y.Doc, or a stored snapshot not built yet (and its state vector, if known). */
type Source = { doc: Y.Doc } | { snapshot: Uint8Array; stateVector: Uint8Array | null };

/** A stored snapshot's length and state vector, so loading the same snapshot again need not parse it for them. */
export interface SnapshotHint {
  bytes: number;
  stateVector: Uint8Array;
}

/**
 * A Yjs document held in memory while anyone has it open. Every change is
 * applied, stored, then relayed, one at a time, so that what this node has
 * relayed or served in a sync is always already in the store.
 *
 * A document loaded from a compacted snapshot alone is held as those bytes until something needs
 * the Y.Doc (a change to apply, a compaction): syncs are answered from the snapshot (the whole of it
 * for a new client, Y.diffUpdate against a state vector otherwise), so opening a large document to
 * read it does not stall the event loop for the seconds-long build of a big Y.Doc. The encoded
 * state and state vector are cached until the next change, so clients re-syncing an unchanged
 * document cost a copy, not an encoding of the whole document each.
 */
export class LiveDoc {
  readonly awareness: awarenessProtocol.Awareness;
  /** Each connection with the awareness client ids it controls. */
  readonly connections = new Map<DocConnection, Set<number>>();
  /** Applies, stores and compactions of this document, one at a time. */
  private readonly queue = new SerialQueue();
  /** The commits (and relays) of the updates applied so far, in order; settles when all are stored. */
  private commits: Promise<void> = Promise.resolve();
  private updatesSinceCompaction = 0;
  /** Ids of the stored updates this document holds that no snapshot covers yet (see soleWriter). */
  private uncompacted: number[] = [];
  /**
   * Compaction after this many updates: between half and all of compactEvery, different for each
   * document, so documents edited at the same pace do not all compact in the same moment.
   */
  private readonly compactAt: number;
  private broken = false;
  /** The root-level shared types this document may hold (see schema-guard.ts). */
  private readonly roots: ReturnType<typeof rootsOf>;
  /** The Y.Doc, once built (see `doc`). */
  private built: Y.Doc | null = null;
  /** The stored snapshot while the Y.Doc is not built. */
  private snapshot: Uint8Array | null = null;
  /** The sync step 2 message carrying the whole current state, and the state vector; null after a change. */
  private wholeStateMessage: Uint8Array | null = null;
  private stateVector: Uint8Array | null = null;
  /** The stored snapshot as this document last knew it (see SnapshotHint). */
  private hint: SnapshotHint | null = null;
  /** The Yjs client ids whose authors were already reported (see LiveDocOptions.bindAuthors). */
  private readonly authorsBound = new Set<number>();
  /** The member's update being applied now, if any (see Applying). */
  private applying: Applying | null = null;
  /** Whether this document's roots include the terms map (see rootsOf). */
  private readonly holdsTerms: boolean;

  private constructor(
    readonly name: string,
    source: Source,
    pendingIds: number[],
    private readonly store: DocStore,
    private readonly options: LiveDocOptions,
  ) {
    if ('doc' in source) this.adopt(source.doc);
    else {
      this.snapshot = source.snapshot;
      this.stateVector = source.stateVector;
      if (source.stateVector) this.hint = { bytes: source.snapshot.byteLength, stateVector: source.stateVector };
    }
    this.updatesSinceCompaction = pendingIds.length;
    this.uncompacted = pendingIds;
    this.roots = rootsOf(name);
    this.holdsTerms = Object.values(this.roots).includes('terms');
    this.compactAt = Math.max(1, Math.ceil(options.compactEvery * (0.5 + Math.random() / 2)));
    // Not the content doc: that one is replaced (rebuild), or not built yet, while this lives on.
    this.awareness = new awarenessProtocol.Awareness(awarenessCarrier());
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

  static async load(name: string, store: DocStore, options: LiveDocOptions, hint?: SnapshotHint): Promise<LiveDoc> {
    const t0 = performance.now();
    const stored = await store.loadDoc(name);
    const readMs = round(performance.now() - t0);
    const bytes = stored.updates.reduce((n, u) => n + u.data.byteLength, stored.snapshot?.byteLength ?? 0);
    const updates = stored.updates.length;
    // A snapshot alone waits to be built until something needs the Y.Doc; updates are built in now.
    if (stored.snapshot && updates === 0) {
      options.log.debug({ event: 'doc.loaded', doc: name, updates, readMs, applyMs: 0, bytes }, 'document loaded');
      // The state vector of the snapshot this node wrote or read last time, if it is still that one.
      const stateVector = hint?.bytes === stored.snapshot.byteLength ? hint.stateVector : null;
      return new LiveDoc(name, { snapshot: stored.snapshot, stateVector }, [], store, options);
    }
    const t1 = performance.now();
    const doc = buildYDoc(stored);
    const applyMs = round(performance.now() - t1);
    options.log.debug({ event: 'doc.loaded', doc: name, updates, readMs, applyMs, bytes }, 'document loaded');
    return new LiveDoc(
      name,
      { doc },
      stored.updates.map((u) => u.id),
      store,
      options,
    );
  }

  /** The current Yjs document (read-only use), built from the snapshot first if need be. */
  get ydoc(): Y.Doc {
    return this.doc;
  }

  /** The Y.Doc, built from the held snapshot on first use. */
  private get doc(): Y.Doc {
    if (this.built) return this.built;
    const t0 = performance.now();
    const doc = new Y.Doc({ gc: true });
    Y.applyUpdate(doc, this.snapshot!);
    this.adopt(doc);
    this.options.log.debug({ event: 'doc.built', doc: this.name, ms: round(performance.now() - t0) }, 'document built');
    return doc;
  }

  private adopt(doc: Y.Doc): void {
    this.built = doc;
    this.snapshot = null;
    this.wholeStateMessage = null;
    this.stateVector = null;
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (this.built !== doc) return;
      this.wholeStateMessage = null;
      this.stateVector = null;
      const applying = this.applying;
      if (applying !== null && origin === applying.from) applying.effective = update;
    });
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      const applying = this.applying;
      if (applying !== null && tr.origin === applying.from && this.built === doc)
        judgeLanded(doc, tr, applying, this.roots, this.name);
    });
  }

  /** Sync step 1 for a new connection: this node's state vector. */
  syncStep1(): Uint8Array {
    if (!this.stateVector && !this.built) {
      this.stateVector = Y.encodeStateVectorFromUpdate(this.snapshot!);
      this.hint = { bytes: this.snapshot!.byteLength, stateVector: this.stateVector };
    }
    this.stateVector ??= Y.encodeStateVector(this.built!);
    return syncMessage(syncProtocol.messageYjsSyncStep1, this.stateVector);
  }

  /** The stored snapshot's length and state vector as last written or read here, if known. */
  snapshotHint(): SnapshotHint | null {
    return this.hint;
  }

  /**
   * Sync step 2 answering a client's state vector: everything it lacks. Throws for a state vector
   * that cannot be decoded. Only call once everything received before is stored (see `flushed`).
   */
  syncStep2(clientStateVector: Uint8Array): Uint8Array {
    if (Y.decodeStateVector(clientStateVector).size === 0) {
      this.wholeStateMessage ??= syncMessage(
        syncProtocol.messageYjsSyncStep2,
        this.built ? Y.encodeStateAsUpdate(this.built) : this.snapshot!,
      );
      return this.wholeStateMessage;
    }
    const missing = this.built
      ? Y.encodeStateAsUpdate(this.built, clientStateVector)
      : Y.diffUpdate(this.snapshot!, clientStateVector);
    return syncMessage(syncProtocol.messageYjsSyncStep2, missing);
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
    return this.queue.run(() => this.commits);
  }

  /**
   * Sync step 2 for a client's state vector, computed once every change received before is stored
   * and before any later one is applied, so nothing unstored is served. Throws for a state vector
   * that cannot be decoded.
   */
  syncReply(clientStateVector: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(async () => {
      await this.commits;
      return this.syncStep2(clientStateVector);
    });
  }

  /**
   * Validates, applies, stores and relays an update from a writer. Resolves
   * once it is stored (or was already known); rejects with MalformedUpdateError
   * for input Yjs cannot read, or DocStoreError when the store failed.
   */
  applyUpdate(update: Uint8Array, from: DocConnection, decodedAlready?: DecodedUpdate): Promise<void> {
    return this.queue
      .run(async () => {
        if (this.broken) throw new DocStoreError('document is being reloaded');
        let decoded: DecodedUpdate;
        try {
          // Decoding parses the whole update without touching the document, so a
          // truncated or garbled one is refused before anything is applied.
          decoded = decodedAlready ?? Y.decodeUpdate(update);
        } catch (err) {
          throw new MalformedUpdateError(`update cannot be decoded: ${(err as Error).message}`);
        }
        const outOfRange = clockProblem(decoded);
        if (outOfRange) throw new MalformedUpdateError(`update refused: ${outOfRange}`);
        const doc = this.doc;
        // Looked up before anything is applied, so nothing unchecked is ever in the document.
        const toCheck = citationsToCheck(decoded, doc);
        const cited = toCheck && this.options.citedEvidence ? await this.options.citedEvidence(toCheck) : null;
        const hadPending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
        const writtenBy = this.options.bindAuthors && from.principal ? newContentClients(decoded, doc) : [];
        // The listeners of adopt() fill this in while Yjs applies the update.
        const applying: Applying = {
          from,
          effective: null,
          badTerm: null,
          outsideSchema: null,
          badCitation: null,
          toCheck,
          cited,
          termsBefore: this.options.onTermsChanged && this.holdsTerms ? currentTermItems(doc) : null,
          termChanges: [],
        };
        this.applying = applying;
        let failure: unknown = null;
        try {
          Y.applyUpdate(doc, update, from);
        } catch (err) {
          failure = err;
        } finally {
          this.applying = null;
        }
        const { effective, badTerm, outsideSchema, badCitation, termChanges } = applying;
        // A client's updates reach the server after its sync step 2 (see YjsConnection), so all they
        // build on is here: content left waiting for something missing is forged. Kept, it could wait
        // for good in this copy while a full encoding (a late joiner's sync, a snapshot) integrates it:
        // two people would read two texts. Refused instead, before it is stored.
        const forged = !hadPending && (doc.store.pendingStructs !== null || doc.store.pendingDs !== null);
        if (failure !== null || badTerm !== null || outsideSchema !== null || badCitation !== null || forged) {
          // Part of it may have been integrated in memory; rebuild from what is stored.
          await this.rebuild(doc);
          throw new MalformedUpdateError(
            outsideSchema !== null
              ? `update refused: outside the agreement schema: ${outsideSchema}`
              : badCitation !== null
                ? `update refused: citation: ${badCitation}`
                : badTerm !== null
                  ? `update refused: ${badTerm}`
                  : forged
                    ? 'update refused: it builds on content this document does not have'
                    : `update cannot be applied: ${(failure as Error).message}`,
          );
        }
        // Content waiting for a missing dependency is not in `effective`, and Yjs merges new waiting
        // content into the pending set in place: whenever anything waits, store the raw update too.
        const pending = hadPending || doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
        const toStore = pending ? update : effective;
        if (!toStore) return { stored: Promise.resolve() };
        const authors = this.bindNewAuthors(writtenBy, from);
        // Pipelined: the next update of this document is applied while this one's commit runs, so both
        // can share a group commit; relays still go out one by one, in order, each after its commit.
        const appended = this.store.appendDocUpdate(this.name, toStore);
        const commit = authors ? Promise.all([appended, authors]).then(([id]) => id) : appended;
        commit.catch(() => undefined); // handled below, in order; not an unhandled rejection meanwhile
        const relay: Uint8Array | null = effective;
        const stored = this.commits
          .then(
            () => commit,
            () => commit,
          )
          .then(
            (id: number) => {
              this.uncompacted.push(id);
              if (this.broken || !relay) return;
              this.broadcast(updateMessage(relay), from);
              this.options.onStored?.(this, relay);
              if (termChanges.length > 0) this.options.onTermsChanged?.(this, from, termChanges);
            },
            (err: unknown) => {
              this.fail(err);
              throw new DocStoreError('the update could not be stored');
            },
          );
        this.commits = stored.catch(() => undefined);
        this.updatesSinceCompaction++;
        if (this.updatesSinceCompaction >= this.compactAt) await this.compact();
        // Wrapped, so the queue moves on without waiting for the commit; the caller waits for it.
        return { stored };
      })
      .then(({ stored }) => stored);
  }

  /**
   * A change the server itself makes (a local transaction on the document, e.g. a term it proposes):
   * stored, then relayed to this node's connections and the other nodes, in order with the members'
   * updates, exactly as one of theirs. Resolves once stored; a change that changes nothing stores
   * nothing. Rejects with DocStoreError when the store failed (the document is then dropped).
   */
  change(fn: (doc: Y.Doc) => void): Promise<void> {
    return this.queue
      .run(async () => {
        if (this.broken) throw new DocStoreError('document is being reloaded');
        const doc = this.doc;
        let effective: Uint8Array | null = null;
        const capture = (u: Uint8Array, origin: unknown) => {
          if (origin === SERVER) effective = u;
        };
        doc.on('update', capture);
        try {
          doc.transact(() => fn(doc), SERVER);
        } finally {
          doc.off('update', capture);
        }
        const update: Uint8Array | null = effective;
        if (!update) return { stored: Promise.resolve() };
        const commit = this.store.appendDocUpdate(this.name, update);
        commit.catch(() => undefined); // handled below, in order
        const stored = this.commits
          .then(
            () => commit,
            () => commit,
          )
          .then(
            (id: number) => {
              this.uncompacted.push(id);
              if (this.broken) return;
              this.broadcast(updateMessage(update), null);
              this.options.onStored?.(this, update);
            },
            (err: unknown) => {
              this.fail(err);
              throw new DocStoreError('the change could not be stored');
            },
          );
        this.commits = stored.catch(() => undefined);
        this.updatesSinceCompaction++;
        if (this.updatesSinceCompaction >= this.compactAt) await this.compact();
        return { stored };
      })
      .then(({ stored }) => stored);
  }

  /** Reports the client ids of an accepted update's new content not reported yet; null when there are none. */
  private bindNewAuthors(clients: readonly number[], from: DocConnection): Promise<void> | null {
    const bind = this.options.bindAuthors;
    const fresh = clients.filter((client) => !this.authorsBound.has(client));
    if (!bind || fresh.length === 0) return null;
    // Marked before the write: a later update of the same client must not report it again meanwhile.
    // A failed write breaks the document, which is reloaded with a fresh set.
    for (const client of fresh) this.authorsBound.add(client);
    return bind(this, from, fresh);
  }

  /** An update another node stored: applied and relayed to this node's connections, not stored again. */
  applyRemote(update: Uint8Array): Promise<void> {
    return this.queue.run(async () => {
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
    return this.queue.run(async () => {
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
    return this.queue.run(() => this.compact());
  }

  destroy(): void {
    this.awareness.destroy();
    this.built?.destroy();
    this.snapshot = null;
  }

  broadcast(message: Uint8Array, except: DocConnection | null): void {
    const frame = frameOf(message);
    for (const conn of this.connections.keys()) if (conn !== except) conn.send(frame);
  }

  /** Reports whether an update would change anything (used to refuse read-only writes quietly). */
  static isEmptyUpdate(update: Uint8Array): boolean {
    return isEmptyUpdate(update);
  }

  private async compact(): Promise<void> {
    // (A document never built has no change of its own: nothing to compact.)
    if (this.updatesSinceCompaction === 0 || this.broken) return;
    // What is compacted must be stored first.
    await this.commits;
    try {
      if (this.options.soleWriter) {
        // Everything in the log for this document went through here: the state covers those ids.
        const covered = [...this.uncompacted];
        const snapshot = Y.encodeStateAsUpdate(this.doc);
        const stateVector = Y.encodeStateVector(this.doc);
        await this.store.compactDoc(this.name, snapshot, covered);
        this.uncompacted = this.uncompacted.slice(covered.length);
        if (covered.length > 0) this.hint = { bytes: snapshot.byteLength, stateVector };
        this.updatesSinceCompaction = 0;
        return;
      }
      // Other nodes append to the same log; a snapshot may only cover updates it contains, so take in
      // everything stored first (a relay may be late or lost), then cover exactly the ids read.
      const read = await this.catchUp();
      const snapshot = Y.encodeStateAsUpdate(this.doc);
      const stateVector = Y.encodeStateVector(this.doc);
      await this.store.compactDoc(this.name, snapshot, read);
      // (The store writes no snapshot for an empty id list.)
      if (read.length > 0) this.hint = { bytes: snapshot.byteLength, stateVector };
      this.updatesSinceCompaction = 0;
    } catch (err) {
      // The update log is still complete; compaction is only an optimisation.
      this.options.log.warn({ err, event: 'doc.compact_failed', doc: this.name }, 'compaction failed');
    }
  }

  private async rebuild(broken: Y.Doc): Promise<void> {
    // The updates applied before this one are what the store must give back.
    await this.commits;
    const stored = await this.store.loadDoc(this.name);
    this.adopt(buildYDoc(stored));
    broken.destroy();
    this.updatesSinceCompaction = stored.updates.length;
    this.uncompacted = stored.updates.map((u) => u.id);
  }

  private fail(err: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.options.log.error({ err, event: 'doc.store_failed', doc: this.name }, 'could not store update');
    this.options.onBroken(this);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
