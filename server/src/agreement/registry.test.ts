import { EventEmitter } from 'node:events';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import type { Bus, BusMessage, Envelope } from '../scale/bus';
import { MemoryStore } from '../store/memory';
import type { DocConnection } from './live-doc';
import { DocRegistry } from './registry';

/** Two nodes' buses over one emitter; `down` makes publishing fail, as with Redis unreachable. */
function linkedBuses(): { a: Bus; b: Bus; setDown: (down: boolean) => void } {
  const wire = new EventEmitter();
  let down = false;
  const make = (nodeId: string): Bus => ({
    nodeId,
    ping: async () => undefined,
    publish: async (message: BusMessage) => {
      if (down) throw new Error('bus down');
      wire.emit('m', { origin: nodeId, message } satisfies Envelope);
    },
    subscribe: (handler) => {
      wire.on('m', handler);
      return () => wire.off('m', handler);
    },
    onReconnect: () => () => undefined,
    close: async () => undefined,
  });
  return { a: make('a'), b: make('b'), setDown: (d) => (down = d) };
}

const conn = (_who: string): DocConnection => ({ send: () => undefined, close: () => undefined });
/** An edit as the editor makes it (a paragraph of the body: the server refuses other root types). */
const edit = (text: string) => {
  const d = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  d.getXmlFragment('body').insert(0, [p]);
  return Y.encodeStateAsUpdate(d);
};
const text = (d: Y.Doc) =>
  d
    .getXmlFragment('body')
    .toArray()
    .map((p): string => {
      const t: unknown = p instanceof Y.XmlElement ? p.get(0) : null;
      return t instanceof Y.XmlText ? t.toJSON() : '';
    })
    .join('');
// Agreement documents are named by their case id.
const CASE_R = '00000000-0000-4000-8000-0000000000b1';
const CASE_H = '00000000-0000-4000-8000-0000000000b2';

describe('DocRegistry across nodes', () => {
  it('a relay that could not be published reaches the other node once the bus works again', async () => {
    const store = new MemoryStore();
    const log = createLogger({ logLevel: 'silent' });
    const { a, b, setDown } = linkedBuses();
    const nodeA = new DocRegistry(store, { unloadAfterMs: 60_000, compactEvery: 1000, log, bus: a });
    const nodeB = new DocRegistry(store, { unloadAfterMs: 60_000, compactEvery: 1000, log, bus: b });
    const docA = await nodeA.open(CASE_R, conn('a'));
    const docB = await nodeB.open(CASE_R, conn('b'));
    setDown(true);
    await docA.applyUpdate(edit('stored while the bus was down'), conn('a'));
    expect(text(docB.ydoc)).toBe('');
    setDown(false);
    // No later edit depends on it and B's bus never reconnected: the resync notice brings it.
    const deadline = Date.now() + 5000;
    while (text(docB.ydoc) === '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(text(docB.ydoc)).toBe('stored while the bus was down');
    await Promise.all([nodeA.closeAll(), nodeB.closeAll()]);
  });
});

describe('a change the server makes', () => {
  it('is stored before it reaches the connections here and the other node; an unopened document is loaded for it', async () => {
    const store = new MemoryStore();
    const log = createLogger({ logLevel: 'silent' });
    const { a, b } = linkedBuses();
    const nodeA = new DocRegistry(store, { unloadAfterMs: 60_000, compactEvery: 1000, log, bus: a });
    const nodeB = new DocRegistry(store, { unloadAfterMs: 60_000, compactEvery: 1000, log, bus: b });
    const received: Uint8Array[] = [];
    const docB = await nodeB.open(CASE_R, { send: (m) => received.push(m), close: () => undefined });
    let storedWhenRelayed: number | null = null;
    const watcher: DocConnection = {
      send: () => void store.loadDoc(CASE_R).then((s) => (storedWhenRelayed ??= s.updates.length)),
      close: () => undefined,
    };
    // Node A has not loaded the document: the change loads it.
    await nodeA.change(CASE_R, (d) => d.getMap('terms').set('amountAgreedCents', 12_345));
    expect((await store.loadDoc(CASE_R)).updates).toHaveLength(1);
    const deadline = Date.now() + 5000;
    while (docB.ydoc.getMap('terms').get('amountAgreedCents') !== 12_345 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(docB.ydoc.getMap('terms').get('amountAgreedCents')).toBe(12_345);
    expect(received.length).toBeGreaterThan(0);
    // A connection on the changing node gets the next change, already stored.
    const docA = await nodeA.open(CASE_R, watcher);
    await nodeA.change(CASE_R, (d) => d.getMap('terms').set('amountAgreedCents', 20_000));
    while (storedWhenRelayed === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(storedWhenRelayed).toBe(2);
    expect(docA.ydoc.getMap('terms').get('amountAgreedCents')).toBe(20_000);
    // A change that changes nothing stores nothing.
    await nodeA.change(CASE_R, (d) => d.getMap('terms').get('amountAgreedCents'));
    expect((await store.loadDoc(CASE_R)).updates).toHaveLength(2);
    await Promise.all([nodeA.closeAll(), nodeB.closeAll()]);
  });
});

describe('DocRegistry on an embedded node', () => {
  it('does not answer sync step 1 with the state vector of a snapshot a dropped document replaced', async () => {
    // A map key set to a long value, then overwritten: the second snapshot no longer holds the first
    // value's text, so for one length of that value both snapshots are the same size, with
    // different state vectors.
    const snapshots = (length: number) => {
      const d = new Y.Doc();
      d.clientID = 7;
      d.getMap('terms').set('conditions', 'a'.repeat(length));
      const first = Y.encodeStateAsUpdate(d);
      d.getMap('terms').set('conditions', 'b');
      return {
        first,
        second: Y.encodeStateAsUpdate(d, Y.encodeStateVectorFromUpdate(first)),
        whole: Y.encodeStateAsUpdate(d),
      };
    };
    const n = [...Array(200).keys()].find((i) => {
      const s = snapshots(i);
      return s.whole.byteLength === s.first.byteLength;
    });
    expect(n).toBeDefined();
    const { first, second } = snapshots(n!);

    class FailingStore extends MemoryStore {
      failing = false;
      override appendDocUpdate(docName: string, update: Uint8Array): Promise<number> {
        return this.failing ? Promise.reject(new Error('disk gone')) : super.appendDocUpdate(docName, update);
      }
    }
    const store = new FailingStore();
    const log = createLogger({ logLevel: 'silent' });
    const node = new DocRegistry(store, { unloadAfterMs: 0, compactEvery: 1, log });
    await store.appendDocUpdate(CASE_H, first);
    // Loaded, compacted and unloaded: the registry remembers the first snapshot's length and vector.
    const c1 = conn('1');
    const d1 = await node.open(CASE_H, c1);
    node.close(d1, c1);
    await new Promise((r) => setTimeout(r, 20));
    // Loaded again; the overwrite is stored and compacted (a second snapshot of the same length),
    // then a store failure drops the document without an unload.
    const c2 = conn('2');
    const d2 = await node.open(CASE_H, c2);
    await d2.applyUpdate(second, c2);
    store.failing = true;
    const third = new Y.Doc();
    third.clientID = 8;
    third.getMap('terms').set('instalments', 1);
    await expect(d2.applyUpdate(Y.encodeStateAsUpdate(third), c2)).rejects.toThrow();
    store.failing = false;
    const stored = await store.loadDoc(CASE_H);
    expect(stored.updates).toHaveLength(0);
    const d3 = await node.open(CASE_H, conn('3'));
    const step1 = d3.syncStep1();
    // messageSync (0), step 1 (0), then the state vector as a length-prefixed byte array.
    const sv = Y.decodeStateVector(step1.subarray(3));
    expect(sv.get(7)).toBe(2);
    await node.closeAll();
  });
});
