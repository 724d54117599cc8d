import type * as Y from 'yjs';
import { CloseCode, parseDocumentName } from '@accord/shared';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { DocStore } from '../store/types';
import { LiveDoc, type DocAuthor, type DocConnection, type LiveDocOptions, type SnapshotHint } from './live-doc';
import type { TermChange } from './term-changes';
import type { CitedEvidence } from './citation-guard';

/** How many unloaded documents' snapshot hints are kept (a few dozen bytes each). */
const HINTS = 10_000;

export interface DocRegistryOptions {
  /** How long a document stays loaded after its last connection closes. */
  unloadAfterMs: number;
  compactEvery: number;
  log: Logger;
  /** Carries stored updates and awareness to the other nodes holding the same documents. */
  bus?: Bus;
  /** A member's update changed settlement terms (stored and relayed): see LiveDocOptions.onTermsChanged. */
  onTermsChanged?: (docName: string, author: DocAuthor, changes: TermChange[]) => void;
  /**
   * A member writes in a case's agreement with these Yjs client ids (not yet reported by this node):
   * store who they are (a clause's proposer is the author of its block). Agreement documents only.
   */
  bindAuthors?: (caseId: string, author: DocAuthor, clients: number[]) => Promise<void>;
  /** Looks up the evidence items an update may cite (see LiveDocOptions.citedEvidence). */
  citedEvidence?: (ids: string[]) => Promise<CitedEvidence>;
}

/**
 * Loads documents lazily (one load per name however many connect at once),
 * and unloads them, compacted, a while after the last connection closed.
 */
export class DocRegistry {
  private readonly docs = new Map<string, Promise<LiveDoc>>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly unloading = new Map<string, Promise<void>>();

  private readonly unsubscribe: () => void = () => undefined;
  private readonly unsubscribeReconnect: () => void = () => undefined;
  /** The same for every document, so made once, not once per loaded document. */
  private readonly docOptions: LiveDocOptions;

  constructor(
    private readonly store: DocStore,
    private readonly options: DocRegistryOptions,
  ) {
    this.docOptions = {
      compactEvery: options.compactEvery,
      log: options.log,
      // Without a bus no other node appends to this document's log.
      soleWriter: !options.bus,
      onBroken: (doc) => this.drop(doc),
      onStored: (doc, update) => this.publish('doc.update', doc, update),
      onAwareness: (doc, update) => this.publish('doc.awareness', doc, update),
      ...(options.citedEvidence ? { citedEvidence: options.citedEvidence } : {}),
      ...(options.bindAuthors
        ? {
            bindAuthors: async (doc: LiveDoc, from: DocConnection, clients: number[]) => {
              const ref = parseDocumentName(doc.name);
              if (ref?.kind !== 'agreement' || !from.principal) return;
              await options.bindAuthors?.(ref.caseId, from.principal, clients);
            },
          }
        : {}),
      ...(options.onTermsChanged
        ? {
            onTermsChanged: (doc: LiveDoc, from: DocConnection, changes: TermChange[]) => {
              if (from.principal) options.onTermsChanged?.(doc.name, from.principal, changes);
            },
          }
        : {}),
    };
    const bus = options.bus;
    if (!bus) return;
    // Updates relayed while the bus was cut off never arrived: every loaded document reads the store.
    this.unsubscribeReconnect = bus.onReconnect(() => {
      for (const entry of this.docs.values()) {
        void entry
          .then((doc) => doc.resync())
          .catch((err: unknown) => options.log.warn({ err, event: 'doc.resync_failed' }, 'resync failed'));
      }
    });
    this.unsubscribe = bus.subscribe(({ origin, message }) => {
      if (origin === bus.nodeId) return;
      if (message.type === 'doc.resync') {
        void this.docs
          .get(message.doc)
          ?.then((doc) => doc.resync())
          .catch(() => undefined);
        return;
      }
      if (message.type !== 'doc.update' && message.type !== 'doc.awareness') return;
      const entry = this.docs.get(message.doc);
      if (!entry) return;
      const bytes = new Uint8Array(Buffer.from(message.update, 'base64'));
      if (message.type === 'doc.update') {
        // A document still loading applies it once loaded (updates commute); one not held here ignores it,
        // since whoever loads it later reads the store, where the sender put it first.
        void entry.then((doc) => doc.applyRemote(bytes)).catch(() => undefined);
      } else {
        void entry.then((doc) => doc.applyRemoteAwareness(bytes)).catch(() => undefined);
      }
    });
  }

  private publish(type: 'doc.update' | 'doc.awareness', doc: LiveDoc, update: Uint8Array): void {
    void this.options.bus
      ?.publish({ type, doc: doc.name, update: Buffer.from(update).toString('base64') })
      .catch((err: unknown) => {
        this.options.log.warn({ err, event: 'bus.publish_failed', doc: doc.name }, 'bus publish failed');
        // The update is stored but the other nodes never heard of it, and a later independent edit
        // need not depend on it: tell them to read the store as soon as the bus takes messages again.
        if (type === 'doc.update') this.resyncLater(doc.name);
      });
  }

  private readonly resyncPending = new Set<string>();
  private resyncTimer: NodeJS.Timeout | null = null;

  private resyncLater(name: string): void {
    this.resyncPending.add(name);
    if (this.resyncTimer) return;
    const retry = () => {
      this.resyncTimer = null;
      const bus = this.options.bus;
      if (!bus) return;
      for (const doc of [...this.resyncPending]) {
        bus.publish({ type: 'doc.resync', doc }).then(
          () => this.resyncPending.delete(doc),
          () => {
            this.resyncTimer ??= setTimeout(retry, 1000);
            this.resyncTimer.unref();
          },
        );
      }
    };
    this.resyncTimer = setTimeout(retry, 1000);
    this.resyncTimer.unref();
  }

  /**
   * Embedded (no other node writes the log): the snapshot each unloaded document left, by its length
   * and state vector, so loading it again sends sync step 1 without parsing megabytes for it. A
   * snapshot of another length is parsed as usual; at most HINTS documents are remembered.
   */
  private readonly hints = new Map<string, SnapshotHint>();

  private remember(doc: LiveDoc): void {
    const hint = this.options.bus ? null : doc.snapshotHint();
    this.hints.delete(doc.name);
    if (!hint) return;
    this.hints.set(doc.name, hint);
    if (this.hints.size > HINTS) this.hints.delete(this.hints.keys().next().value!);
  }

  /** Names of the documents loaded now. */
  loaded(): string[] {
    return [...this.docs.keys()];
  }

  /** Waits until every update received for a loaded document is stored (nothing to wait for otherwise). */
  async flush(name: string): Promise<void> {
    const entry = this.docs.get(name);
    if (entry) await (await entry).flushed();
  }

  /** Loads (or finds) a document and attaches the connection to it. */
  async open(name: string, conn: DocConnection): Promise<LiveDoc> {
    const doc = await this.load(name);
    clearTimeout(this.unloadTimers.get(name));
    this.unloadTimers.delete(name);
    doc.attach(conn);
    return doc;
  }

  /** The loaded document of that name, loading it once however many ask at the same time. */
  private async load(name: string): Promise<LiveDoc> {
    await this.unloading.get(name);
    let entry = this.docs.get(name);
    if (!entry) {
      entry = LiveDoc.load(name, this.store, this.docOptions, this.hints.get(name));
      this.docs.set(name, entry);
      entry.catch(() => this.docs.delete(name));
    }
    const doc = await entry;
    return doc.isBroken ? this.load(name) : doc;
  }

  /**
   * A change the server makes to a document (see LiveDoc.change): stored before anyone, here or on
   * another node, receives it. A document nobody has open is loaded for it and unloaded again later.
   */
  async change(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
    const doc = await this.load(name);
    try {
      await doc.change(fn);
    } finally {
      if (doc.connections.size === 0 && !doc.isBroken && !this.unloadTimers.has(name)) this.unloadLater(doc);
    }
  }

  close(doc: LiveDoc, conn: DocConnection): void {
    doc.detach(conn);
    if (doc.connections.size > 0 || doc.isBroken) return;
    this.unloadLater(doc);
  }

  private unloadLater(doc: LiveDoc): void {
    clearTimeout(this.unloadTimers.get(doc.name));
    this.unloadTimers.set(
      doc.name,
      setTimeout(() => void this.unload(doc), this.options.unloadAfterMs),
    );
  }

  /** Unloads every document, compacting each; used at shutdown. */
  async closeAll(): Promise<void> {
    this.unsubscribe();
    this.unsubscribeReconnect();
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    this.unloadTimers.clear();
    const docs = await Promise.allSettled(this.docs.values());
    await Promise.all(
      docs.flatMap((d) => (d.status === 'fulfilled' ? [this.unload(d.value, CloseCode.GOING_AWAY)] : [])),
    );
  }

  private unload(doc: LiveDoc, closeCode?: number): Promise<void> {
    this.unloadTimers.delete(doc.name);
    if (closeCode === undefined && doc.connections.size > 0) return Promise.resolve();
    const done = (async () => {
      this.docs.delete(doc.name);
      for (const conn of doc.connections.keys()) conn.close(closeCode ?? CloseCode.GOING_AWAY, 'server shutting down');
      await doc.compactNow();
      this.remember(doc);
      doc.destroy();
      this.options.log.debug({ event: 'doc.unloaded', doc: doc.name }, 'document unloaded');
    })();
    this.unloading.set(doc.name, done);
    return done.finally(() => {
      if (this.unloading.get(doc.name) === done) this.unloading.delete(doc.name);
    });
  }

  /** A document whose update could not be stored: everyone reconnects and resyncs from the store. */
  private drop(doc: LiveDoc): void {
    this.docs.delete(doc.name);
    // It may have compacted since its snapshot was remembered: that hint could describe an older one.
    this.hints.delete(doc.name);
    clearTimeout(this.unloadTimers.get(doc.name));
    for (const conn of [...doc.connections.keys()]) {
      conn.close(CloseCode.STORE_FAILED, 'could not store an update; reconnect to resync');
    }
    doc.destroy();
  }
}
