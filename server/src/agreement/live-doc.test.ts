import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { MemoryStore } from '../store/memory';
import { LiveDoc, type DocConnection } from './live-doc';

const log = createLogger({ logLevel: 'silent' });
const options = { compactEvery: 1000, log, onBroken: () => undefined };
const writer = (_who: string): DocConnection => ({ send: () => undefined, close: () => undefined });

/** The text of a paragraph in the body, as the editor stores it (the only place text may go). */
function paragraphText(doc: Y.Doc): Y.XmlText {
  const body = doc.getXmlFragment('body');
  const first = body.get(0);
  if (first instanceof Y.XmlElement && first.get(0) instanceof Y.XmlText) return first.get(0) as Y.XmlText;
  const p = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  p.insert(0, [text]);
  body.insert(body.length, [p]);
  return text;
}
const bodyText = (doc: Y.Doc) =>
  doc
    .getXmlFragment('body')
    .toArray()
    .map((p): string => {
      const text: unknown = p instanceof Y.XmlElement ? p.get(0) : null;
      return text instanceof Y.XmlText ? text.toJSON() : '';
    })
    .join('');

/** One edit by a client of its own (a paragraph of its own), as an update. */
function edit(text: string): Uint8Array {
  const doc = new Y.Doc();
  paragraphText(doc).insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

// Agreement documents are named by their case id.
const CASE_1 = '00000000-0000-4000-8000-000000000001';
const CASE_2 = '00000000-0000-4000-8000-000000000002';

describe('LiveDoc on a store shared by several nodes', () => {
  it('compaction never drops an update another node stored whose relay has not arrived', async () => {
    const store = new MemoryStore();
    // Two nodes hold the document; no bus between them, as when a relay is late or lost.
    const a = await LiveDoc.load(CASE_1, store, options);
    const b = await LiveDoc.load(CASE_1, store, options);
    await a.applyUpdate(edit('A1'), writer('a'));
    await b.applyUpdate(edit('B1'), writer('b'));
    await a.applyUpdate(edit('A2'), writer('a'));
    await a.compactNow();
    // B compacting later, from its older view, must not replace A's snapshot either.
    await b.compactNow();
    const fresh = await LiveDoc.load(CASE_1, store, options);
    const text = bodyText(fresh.ydoc);
    for (const part of ['A1', 'B1', 'A2']) expect(text).toContain(part);
    [a, b, fresh].forEach((d) => d.destroy());
  });

  it('an update from another node whose predecessor never arrived is completed from the store', async () => {
    const store = new MemoryStore();
    const a = await LiveDoc.load(CASE_2, store, options);
    const b = await LiveDoc.load(CASE_2, store, options);
    // One client typing twice: its second update depends on its first.
    const client = new Y.Doc();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    client.transact(() => paragraphText(client).insert(0, 'first '));
    paragraphText(client).insert(6, 'second');
    await a.applyUpdate(updates[0] ?? new Uint8Array(), writer('a'));
    await a.applyUpdate(updates[1] ?? new Uint8Array(), writer('a'));
    // Only the second relay reaches B.
    await b.applyRemote(updates[1] ?? new Uint8Array());
    expect(bodyText(b.ydoc)).toBe('first second');
    [a, b].forEach((d) => d.destroy());
  });
});

describe('LiveDoc: who writes with each Yjs client id', () => {
  const CASE_3 = '00000000-0000-4000-8000-000000000003';
  const member = (userId: string): DocConnection => ({
    ...writer(userId),
    principal: { userId, displayName: userId, role: 'customer', caseId: CASE_3 },
  });

  it('each client id bringing new content is reported once, with the update, and content only repeated names nobody', async () => {
    const store = new MemoryStore();
    const reported: [string, number[]][] = [];
    const doc = await LiveDoc.load(CASE_3, store, {
      ...options,
      bindAuthors: async (_doc, from, clients) => void reported.push([from.principal?.userId ?? '', clients]),
    });
    const wang = new Y.Doc();
    const updates: Uint8Array[] = [];
    wang.on('update', (u: Uint8Array) => updates.push(u));
    paragraphText(wang).insert(0, 'first ');
    paragraphText(wang).insert(6, 'second');
    await doc.applyUpdate(updates[0]!, member('wang'));
    await doc.applyUpdate(updates[1]!, member('wang'));
    expect(reported).toEqual([['wang', [wang.clientID]]]);
    // Another member sending the whole state (Wang's content again, and one edit of their own).
    const li = new Y.Doc();
    Y.applyUpdate(li, Y.encodeStateAsUpdate(wang));
    paragraphText(li).insert(0, 'Li: ');
    await doc.applyUpdate(Y.encodeStateAsUpdate(li), member('li'));
    expect(reported).toEqual([
      ['wang', [wang.clientID]],
      ['li', [li.clientID]],
    ]);
    // A connection without an authenticated member reports nothing.
    await doc.applyUpdate(edit('anonymous'), writer('x'));
    expect(reported).toHaveLength(2);
    doc.destroy();
    // Loaded again (nothing reported yet on this copy): content resent is still nobody's new writing.
    const again = await LiveDoc.load(CASE_3, store, {
      ...options,
      bindAuthors: async (_doc, from, clients) => void reported.push([from.principal?.userId ?? '', clients]),
    });
    const zhao = new Y.Doc();
    Y.applyUpdate(zhao, Y.encodeStateAsUpdate(li));
    paragraphText(zhao).insert(0, 'Zhao: ');
    await again.applyUpdate(Y.encodeStateAsUpdate(zhao), member('zhao'));
    expect(reported.at(-1)).toEqual(['zhao', [zhao.clientID]]);
    again.destroy();
  });

  it('an update is not acknowledged before its author is stored; a failure to store it breaks the document', async () => {
    const store = new MemoryStore();
    let broken = 0;
    const doc = await LiveDoc.load(CASE_3, store, {
      ...options,
      onBroken: () => void broken++,
      bindAuthors: async () => {
        throw new Error('store down');
      },
    });
    await expect(doc.applyUpdate(edit('lost author'), member('wang'))).rejects.toThrow('could not be stored');
    expect(broken).toBe(1);
    doc.destroy();
  });
});
