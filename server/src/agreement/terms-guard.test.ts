import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { AgreementDoc } from '@accord/shared';
import { createLogger } from '../log';
import { MemoryStore } from '../store/memory';
import { LiveDoc } from './live-doc';
import { termsProblem } from './terms-guard';

/** One offline session's edits as one update, made by two alternating client ids so that no two items merge. */
function offlineSession(edit: (doc: Y.Doc, i: number) => void, count: number): Uint8Array {
  const doc = new Y.Doc();
  for (let i = 0; i < count; i++) {
    doc.clientID = 1 + (i % 2);
    edit(doc, i);
  }
  return Y.encodeStateAsUpdate(doc);
}

describe('termsProblem', () => {
  it('finds a bad term at the end of a long chain of overwrites of the same key', () => {
    const update = offlineSession(
      (doc, i) => doc.getMap(AgreementDoc.terms).set('amountAgreedCents', i === 1999 ? 4.5 : i),
      2000,
    );
    expect(termsProblem(new Y.Doc(), update)).toMatch(/amountAgreedCents/);
  });

  it('judges an update of thousands of chained text items at once, not in seconds per update', () => {
    const update = offlineSession((doc, i) => {
      const body = doc.getText('body');
      body.insert(i % 2 === 0 ? body.length : 0, 'x');
    }, 8000);
    // A bound against hanging, not a speed claim: a scan per reference and a walk per item took
    // about 10 s here for 4,000 items and grows with the cube.
    const started = Date.now();
    expect(termsProblem(new Y.Doc(), update)).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('a term sent ahead of the entry it replaces', () => {
  it('is refused: it builds on content the document lacks; nothing of it lands, the entry itself still can', async () => {
    const store = new MemoryStore();
    const live = await LiveDoc.load('00000000-0000-4000-8000-0000000000a1', store, {
      compactEvery: 1000,
      log: createLogger({ logLevel: 'silent' }),
      onBroken: () => undefined,
    });
    const from = { id: 'attacker', send: () => undefined, close: () => undefined };
    const attacker = new Y.Doc();
    const terms = attacker.getMap(AgreementDoc.terms);
    terms.set('amountAgreedCents', 100);
    const first = Y.encodeStateAsUpdate(attacker);
    const before = Y.encodeStateVector(attacker);
    terms.set('amountAgreedCents', 4.5);
    const second = Y.encodeStateAsUpdate(attacker, before);
    // Sent first, the 4.5 names no key termsProblem can find (it replaces an entry not there yet).
    expect(termsProblem(live.ydoc, second)).toBeNull();
    await expect(live.applyUpdate(second, from)).rejects.toThrow(/does not have/);
    await live.applyUpdate(first, from);
    expect(live.ydoc.getMap(AgreementDoc.terms).get('amountAgreedCents')).toBe(100);
    const reloaded = await LiveDoc.load('00000000-0000-4000-8000-0000000000a1', store, {
      compactEvery: 1000,
      log: createLogger({ logLevel: 'silent' }),
      onBroken: () => undefined,
    });
    expect(reloaded.ydoc.getMap(AgreementDoc.terms).get('amountAgreedCents')).toBe(100);
    [live, reloaded].forEach((d) => d.destroy());
  });
});
