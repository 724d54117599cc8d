import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { AgreementDoc } from '@accord/shared';
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
