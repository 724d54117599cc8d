import { rmSync } from 'node:fs';
import fc from 'fast-check';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { makeTempDir, startServer, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { propertySettings } from './settings';
import { draft as draftText } from '../helpers/agreement-body';

/**
 * Three stock y-websocket clients edit one agreement through a real node while
 * the property picks the interleaving: edits at random places, disconnects
 * (edits made offline), reconnects, pauses, and restarts of the node on the
 * same data (the document reloaded from the store). Once everyone is back,
 * the three copies, a fresh client and the store hold the same document:
 * same state vector, same delete set, same content.
 */
const WRITERS = ['customer', 'platform', 'mediator'] as const;
const { seed, numRuns } = propertySettings({ seed: 8_2026, numRuns: 20 });

type Command =
  | { kind: 'insert'; client: number; at: number; text: string }
  | { kind: 'delete'; client: number; at: number; length: number }
  | { kind: 'paragraph'; client: number; at: number; text: string }
  | { kind: 'term'; client: number; key: 'amountAgreedCents' | 'instalments' | 'conditions'; value: number | string }
  | { kind: 'disconnect'; client: number }
  | { kind: 'reconnect'; client: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'restart' };

const client = fc.integer({ min: 0, max: WRITERS.length - 1 });
const text = fc.string({ unit: fc.constantFrom('a', 'b', '和', '解', ' ', '€', '😀'), minLength: 1, maxLength: 6 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), client, at: fc.nat(), text }), weight: 5 },
  {
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      client,
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 4 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('paragraph' as const), client, at: fc.nat(), text }), weight: 2 },
  {
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('term' as const),
        client,
        key: fc.constant('amountAgreedCents' as const),
        value: fc.nat(1_000_000),
      }),
      fc.record({ kind: fc.constant('term' as const), client, key: fc.constant('conditions' as const), value: text }),
    ),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('disconnect' as const), client }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 25 }) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
);

/** Everything a client shows, in one comparable string. */
function content(doc: Y.Doc): string {
  return JSON.stringify({
    body: doc.getXmlFragment('body').toJSON(),
    // A map's key order is the order keys reached this copy, which may differ between copies.
    terms: Object.entries(doc.getMap('terms').toJSON()).sort(([a], [b]) => (a < b ? -1 : 1)),
  });
}

function sameDoc(a: Y.Doc, b: Y.Doc): boolean {
  return (
    Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b))) &&
    Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b)) &&
    content(a) === content(b)
  );
}

describe(`three clients converge whatever the interleaving (seed ${seed}, ${numRuns} runs)`, () => {
  const dataDir = makeTempDir('accord-prop-');
  let t: TestServer;

  beforeAll(async () => {
    t = await startServer({ dataDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('edits, disconnects, reconnects and restarts of the node always converge', async () => {
    const executed = new Map<Command['kind'], number>();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }), async (commands) => {
        const c = await t.createCase('Convergence');
        const clients: DocClient[] = WRITERS.map((role) => connectDoc(t.url, c.caseId, c.tokens[role]));
        const wsUrl = () => `${t.url.replace(/^http/, 'ws')}/yjs`;
        try {
          await Promise.all(clients.map(waitSynced));
          for (const cmd of commands) {
            executed.set(cmd.kind, (executed.get(cmd.kind) ?? 0) + 1);
            switch (cmd.kind) {
              case 'insert': {
                const draft = draftText(clients[cmd.client]!.doc);
                draft.insert(cmd.at % (draft.length + 1), cmd.text);
                break;
              }
              case 'delete': {
                const draft = draftText(clients[cmd.client]!.doc);
                if (draft.length === 0) break;
                const at = cmd.at % draft.length;
                draft.delete(at, Math.min(cmd.length, draft.length - at));
                break;
              }
              case 'paragraph': {
                const body = clients[cmd.client]!.doc.getXmlFragment('body');
                const p = new Y.XmlElement('paragraph');
                p.insert(0, [new Y.XmlText(cmd.text)]);
                body.insert(cmd.at % (body.length + 1), [p]);
                break;
              }
              case 'term':
                clients[cmd.client]!.doc.getMap('terms').set(cmd.key, cmd.value);
                break;
              case 'disconnect':
                clients[cmd.client]!.provider.disconnect();
                break;
              case 'reconnect':
                clients[cmd.client]!.provider.connect();
                break;
              case 'pause':
                await sleep(cmd.ms);
                break;
              case 'restart': {
                // The same data directory: the document comes back from the store alone.
                await t.close();
                t = await startServer({ dataDir });
                for (const x of clients) x.provider.serverUrl = wsUrl();
                break;
              }
            }
          }
          for (const x of clients) {
            x.provider.serverUrl = wsUrl();
            if (!x.provider.shouldConnect) x.provider.connect();
          }
          await waitFor(
            () => clients.every((x) => x.provider.synced) && clients.every((x) => sameDoc(x.doc, clients[0]!.doc)),
            'the three clients to converge',
          );
          const fresh = connectDoc(t.url, c.caseId, c.tokens.observer);
          await waitSynced(fresh);
          const stored = await t.server.store.loadDoc(c.caseId);
          const fromStore = new Y.Doc();
          if (stored.snapshot) Y.applyUpdate(fromStore, stored.snapshot);
          stored.updates.forEach((u) => Y.applyUpdate(fromStore, u.data));
          const ok = sameDoc(fresh.doc, clients[0]!.doc) && sameDoc(fromStore, clients[0]!.doc);
          fresh.destroy();
          fromStore.destroy();
          expect(clients.flatMap((x) => x.closes.filter((cl) => cl.code >= 4000))).toEqual([]);
          return ok;
        } finally {
          clients.forEach((x) => x.destroy());
        }
      }),
      { seed, numRuns },
    );
    console.log(`convergence: ${numRuns} runs; commands executed: ${JSON.stringify(Object.fromEntries(executed))}`);
    // The runs must have exercised the faults, or they prove little.
    expect(executed.get('restart')).toBeGreaterThan(0);
    expect(executed.get('disconnect')).toBeGreaterThan(0);
  }, 300_000);
});
