import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { CaseRole } from '@accord/shared';
import { prepareAccordCases, startAccordProcess, tempDir, type BenchCase } from './accord.js';
import { repoRoot, startProcess, type BenchProcess } from './spawn.js';

/** The Yjs servers compared, each driven by its own stock provider. */
export const TARGETS = ['accord', 'y-websocket', 'y-websocket+leveldb', 'hocuspocus+sqlite'] as const;
export type TargetKind = (typeof TARGETS)[number];

/** One stock provider on one document. */
export interface YClient {
  doc: Y.Doc;
  /** Resolves when the provider reports its first sync with the server. */
  synced: Promise<void>;
  destroy(): void;
}

export interface YjsTarget {
  kind: TargetKind;
  /** What the server does with an update before relaying it, for the table. */
  persistence: string;
  server: BenchProcess;
  /** Opens a stock provider on document `docIndex` as participant `who` (0…, a role in Accord). */
  connect(docIndex: number, who: number, doc?: Y.Doc): YClient;
  stop(): Promise<void>;
}

export interface TargetOptions {
  docs: number;
  /** Participants per document (Accord: one case member each, in this role order). */
  roles?: readonly CaseRole[];
  /** Extra settings for Accord (never its durability: synchronous=FULL stays). */
  accordEnv?: Record<string, string>;
}

const DEFAULT_ROLES: readonly CaseRole[] = ['customer', 'platform', 'mediator'];

/** A Y.Doc's provider reached sync step 2. */
function whenSynced(isSynced: () => boolean, on: (cb: () => void) => void): Promise<void> {
  if (isSynced()) return Promise.resolve();
  return new Promise((resolve) => on(resolve));
}

export function yWebsocketClient(url: string, room: string, doc: Y.Doc, params: Record<string, string>): YClient {
  const provider = new WebsocketProvider(url, room, doc, {
    params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  });
  const synced = whenSynced(
    () => provider.synced,
    (cb) => {
      const handler = (s: boolean) => {
        if (!s) return;
        provider.off('sync', handler);
        cb();
      };
      provider.on('sync', handler);
    },
  );
  return {
    doc,
    synced,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

function hocuspocusClient(url: string, name: string, doc: Y.Doc): YClient {
  let resolveSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => (resolveSynced = r));
  // Node 20 has no global WebSocket: the socket is made with the ws polyfill, one per provider (the
  // provider's default when given a url).
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name,
    document: doc,
    onSynced: ({ state }) => {
      if (state) resolveSynced();
    },
  });
  provider.attach();
  return {
    doc,
    synced,
    destroy: () => {
      provider.destroy();
      socket.destroy();
      doc.destroy();
    },
  };
}

/** Starts one server under test (a separate process pinned to its own core) with `docs` documents ready. */
export async function startTarget(kind: TargetKind, options: TargetOptions): Promise<YjsTarget> {
  if (kind === 'accord') {
    const dataDir = tempDir('accord-coedit-');
    const cases: BenchCase[] = await prepareAccordCases(dataDir, options.docs, options.roles ?? DEFAULT_ROLES);
    const roles = options.roles ?? DEFAULT_ROLES;
    const server = await startAccordProcess(dataDir, options.accordEnv);
    const url = `ws://127.0.0.1:${server.port}/yjs`;
    return {
      kind,
      persistence: 'SQLite, synchronous=FULL, stored before relay',
      server,
      connect: (d, who, doc = new Y.Doc()) => {
        const c = cases[d]!;
        const token = c.tokens[roles[who % roles.length]!]!;
        return yWebsocketClient(url, c.caseId, doc, { token });
      },
      stop: async () => {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (kind === 'hocuspocus+sqlite') {
    const dir = tempDir('hocuspocus-bench-');
    const server = await startProcess(join(repoRoot, 'test/bench/servers/hocuspocus.ts'), [], {
      PORT: '0',
      HOCUSPOCUS_DB: join(dir, 'db.sqlite'),
    });
    const url = `ws://127.0.0.1:${server.port}`;
    return {
      kind,
      persistence: 'SQLite (whole doc, debounced 2 s), after relay',
      server,
      connect: (d, _who, doc = new Y.Doc()) => hocuspocusClient(url, `doc-${d}`, doc),
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const dir = kind === 'y-websocket+leveldb' ? tempDir('yleveldb-bench-') : null;
  const server = await startProcess(join(repoRoot, 'test/bench/servers/y-websocket-ref.ts'), [], {
    PORT: '0',
    ...(dir ? { YPERSISTENCE: dir } : {}),
  });
  const url = `ws://127.0.0.1:${server.port}`;
  return {
    kind,
    persistence: dir ? 'LevelDB per update, after relay, not awaited' : 'none (memory only)',
    server,
    connect: (d, _who, doc = new Y.Doc()) => yWebsocketClient(url, `doc-${d}`, doc, {}),
    stop: async () => {
      await server.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for all, failing after `ms` with how many were still missing. */
export async function allWithin(promises: Promise<void>[], ms: number, what: string): Promise<number> {
  const t0 = performance.now();
  let done = 0;
  await Promise.race([
    Promise.all(promises.map((p) => p.then(() => void done++))),
    new Promise<void>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: ${promises.length - done} of ${promises.length} not done in ${ms} ms`)),
        ms,
      ).unref(),
    ),
  ]);
  return performance.now() - t0;
}
