import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { MemoryStore } from '../store/memory';
import { LiveDoc, type DocConnection } from './live-doc';

const log = createLogger({ logLevel: 'silent' });
const options = { compactEvery: 1000, log, onBroken: () => undefined };
const writer = (_who: string): DocConnection => ({ send: () => undefined, close: () => undefined });

/** One edit by a client of its own, as an update. */
function edit(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('LiveDoc on a store shared by several nodes', () => {
  it('compaction never drops an update another node stored whose relay has not arrived', async () => {
    const store = new MemoryStore();
    // Two nodes hold the document; no bus between them, as when a relay is late or lost.
    const a = await LiveDoc.load('case-1', store, options);
    const b = await LiveDoc.load('case-1', store, options);
    await a.applyUpdate(edit('A1'), writer('a'));
    await b.applyUpdate(edit('B1'), writer('b'));
    await a.applyUpdate(edit('A2'), writer('a'));
    await a.compactNow();
    // B compacting later, from its older view, must not replace A's snapshot either.
    await b.compactNow();
    const fresh = await LiveDoc.load('case-1', store, options);
    const text = fresh.ydoc.getText('t').toString();
    for (const part of ['A1', 'B1', 'A2']) expect(text).toContain(part);
    [a, b, fresh].forEach((d) => d.destroy());
  });

  it('an update from another node whose predecessor never arrived is completed from the store', async () => {
    const store = new MemoryStore();
    const a = await LiveDoc.load('case-2', store, options);
    const b = await LiveDoc.load('case-2', store, options);
    // One client typing twice: its second update depends on its first.
    const client = new Y.Doc();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    client.getText('t').insert(0, 'first ');
    client.getText('t').insert(6, 'second');
    await a.applyUpdate(updates[0] ?? new Uint8Array(), writer('a'));
    await a.applyUpdate(updates[1] ?? new Uint8Array(), writer('a'));
    // Only the second relay reaches B.
    await b.applyRemote(updates[1] ?? new Uint8Array());
    expect(b.ydoc.getText('t').toString()).toBe('first second');
    [a, b].forEach((d) => d.destroy());
  });
});
