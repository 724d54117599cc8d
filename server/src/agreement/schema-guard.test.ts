import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { MemoryStore } from '../store/memory';
import { LiveDoc } from './live-doc';

const NAME = '00000000-0000-4000-8000-0000000000d1';
const options = { compactEvery: 1000, log: createLogger({ logLevel: 'silent' }), onBroken: () => undefined };

describe('content outside the agreement schema that lands late', () => {
  it('is refused in the update that brings it in, and nothing of that update is stored', async () => {
    // A client's paragraph, then a <secret> element placed after it: the second update builds on the first.
    const client = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('agreed')]);
    client.getXmlFragment('body').insert(0, [p]);
    const first = Y.encodeStateAsUpdate(client);
    const sv = Y.encodeStateVector(client);
    const secret = new Y.XmlElement('secret');
    secret.insert(0, [new Y.XmlText('hidden clause')]);
    client.getXmlFragment('body').insert(1, [secret]);
    const second = Y.encodeStateAsUpdate(client, sv);

    // A document stored before the rule holds the second waiting for the first (Yjs keeps it pending).
    const store = new MemoryStore();
    await store.appendDocUpdate(NAME, second);
    const live = await LiveDoc.load(NAME, store, options);
    expect(live.ydoc.store.pendingStructs).not.toBeNull();
    const from = { send: () => undefined, close: () => undefined };
    // The first is fine on its own, but it brings the waiting <secret> in.
    await expect(live.applyUpdate(first, from)).rejects.toThrow(/outside the agreement schema: element <secret>/);
    expect((await store.loadDoc(NAME)).updates).toHaveLength(1);
    expect(live.ydoc.getXmlFragment('body').length).toBe(0);
    live.destroy();
  });
});
