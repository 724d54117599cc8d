import { useEffect, useState } from 'react';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export type DocStatus = 'connecting' | 'connected' | 'disconnected' | 'offline';

export interface Agreement {
  doc: Y.Doc;
  provider: WebsocketProvider;
  status: DocStatus;
  /** True when the server has stored every change made here (see `SaveTracker`). */
  saved: boolean;
  /** True once the local copy (IndexedDB) or the server has been loaded. */
  ready: boolean;
  /** The server refused the connection for good (4400–4499), with its reason. */
  refused: string | null;
  /** A change made here was refused (locked, read-only phase); the copy was reloaded from the server. */
  changeRefused: boolean;
}

const PROBE_DELAY_MS = 250;

/**
 * Knows whether the server has stored our edits, using only the standard
 * protocol: the server answers a sync step 1 only after every update received
 * before it is stored (docs/PROTOCOL.md). So after local edits we send a step 1
 * tagged with the current local version; its step 2 answer confirms that version.
 */
class SaveTracker {
  private localVersion = 1; // what IndexedDB brings back may be new to the server
  private savedVersion = 0;
  private probes: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly provider: WebsocketProvider,
    private readonly onChange: () => void,
  ) {
    const original = provider.messageHandlers[0];
    if (!original) throw new Error('y-websocket sync handler missing');
    provider.messageHandlers[0] = (encoder, decoder, p, emitSynced, messageType) => {
      if (decoding.peekVarUint(decoder) === syncProtocol.messageYjsSyncStep2) {
        const version = this.probes.shift();
        if (version !== undefined && version > this.savedVersion) {
          this.savedVersion = version;
          this.onChange();
        }
      }
      original(encoder, decoder, p, emitSynced, messageType);
    };
  }

  get saved(): boolean {
    return this.provider.wsconnected && this.provider.synced && this.savedVersion >= this.localVersion;
  }

  /** Whether anything was edited here since this copy was opened. */
  hasLocalEdits(): boolean {
    return this.localVersion > 1;
  }

  localEdit(): void {
    this.localVersion++;
    this.onChange();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.probe(), PROBE_DELAY_MS);
  }

  /** A new connection: answers to probes of the old one will never come. */
  reset(): void {
    this.probes = [];
  }

  probe(): void {
    const ws = this.provider.ws;
    if (!ws || !this.provider.wsconnected || !this.provider.synced) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.probes.push(this.localVersion);
    ws.send(encoding.toUint8Array(e));
  }

  destroy(): void {
    clearTimeout(this.timer);
  }
}

function wsBase(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/yjs`;
}

/**
 * A document of the case (the agreement, or a caucus's private notes): kept in
 * IndexedDB per person (so offline edits survive a reload, and a shared device
 * never mixes two people's copies) and synced with the server through a stock
 * y-websocket provider. `enabled` false keeps it closed (e.g. in the lobby).
 */
export function useSharedDoc(docName: string, token: string, me: string, enabled = true): Agreement | null {
  const [state, setState] = useState<Agreement | null>(null);
  // Bumped to start over from the server after a refused change.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    let changeRefused = generation > 0;
    const doc = new Y.Doc();
    const local = new IndexeddbPersistence(`accord:${docName}:${me}`, doc);
    const provider = new WebsocketProvider(wsBase(), docName, doc, {
      params: { token },
      connect: navigator.onLine,
      maxBackoffTime: 5000,
      // Tabs share IndexedDB; a BroadcastChannel sync would also make the save probe's answers ambiguous.
      disableBc: true,
    });
    let refused: string | null = null;
    let ready = false;
    const publish = () =>
      setState({
        doc,
        provider,
        status: !navigator.onLine
          ? 'offline'
          : provider.wsconnected
            ? 'connected'
            : provider.wsconnecting
              ? 'connecting'
              : 'disconnected',
        saved: tracker.saved,
        ready,
        refused,
        changeRefused,
      });
    const tracker = new SaveTracker(doc, provider, publish);
    // A refused change leaves this copy ahead of the server for good (every later edit builds on it),
    // so drop the local copy and start again from what the server has.
    provider.messageHandlers[2] = (_encoder, decoder) =>
      authProtocol.readAuthMessage(decoder, doc, () => {
        if (generation > 0 && !tracker.hasLocalEdits()) return;
        changeRefused = true;
        void local.clearData().finally(() => setGeneration((g) => g + 1));
      });

    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin !== provider && origin !== local) tracker.localEdit();
    });
    void local.whenSynced.then(() => {
      ready = true;
      publish();
    });
    provider.on('status', ({ status }) => {
      if (status === 'connected') tracker.reset();
      publish();
    });
    provider.on('sync', (synced) => {
      if (synced) {
        ready = true;
        tracker.probe();
      }
      publish();
    });
    provider.on('connection-close', (event) => {
      if (event && event.code >= 4400 && event.code < 4500) refused = `${event.code} ${event.reason}`;
      publish();
    });
    const goOffline = () => {
      provider.disconnect();
      publish();
    };
    const goOnline = () => {
      if (!refused) provider.connect();
      publish();
    };
    window.addEventListener('offline', goOffline);
    window.addEventListener('online', goOnline);
    publish();
    return () => {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      tracker.destroy();
      provider.destroy();
      void local.destroy();
      doc.destroy();
      setState(null);
    };
  }, [docName, token, me, enabled, generation]);

  return enabled ? state : null;
}
