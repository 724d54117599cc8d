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

const conn = (id: string): DocConnection => ({ id, send: () => undefined, close: () => undefined });
const edit = (text: string) => {
  const d = new Y.Doc();
  d.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(d);
};

describe('DocRegistry across nodes', () => {
  it('a relay that could not be published reaches the other node once the bus works again', async () => {
    const store = new MemoryStore();
    const log = createLogger({ logLevel: 'silent' });
    const { a, b, setDown } = linkedBuses();
    const nodeA = new DocRegistry(store, { unloadAfterMs: 60_000, compactEvery: 1000, log, bus: a });
    const nodeB = new DocRegistry(store, { unloadAfterMs: 60_000, compactEvery: 1000, log, bus: b });
    const docA = await nodeA.open('case-r', conn('a'));
    const docB = await nodeB.open('case-r', conn('b'));
    setDown(true);
    await docA.applyUpdate(edit('stored while the bus was down'), conn('a'));
    expect(docB.ydoc.getText('t').toString()).toBe('');
    setDown(false);
    // No later edit depends on it and B's bus never reconnected: the resync notice brings it.
    const deadline = Date.now() + 5000;
    while (docB.ydoc.getText('t').toString() === '' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(docB.ydoc.getText('t').toString()).toBe('stored while the bus was down');
    await Promise.all([nodeA.closeAll(), nodeB.closeAll()]);
  });
});
