import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { AgreementDoc } from '@accord/shared';
import { currentTermItems, landedTermChanges, type TermChange } from './term-changes';

/** Applies `update` to `server` as a client's update, and says what it changed in the terms. */
function apply(server: Y.Doc, update: Uint8Array): TermChange[] {
  const before = currentTermItems(server);
  const out: TermChange[] = [];
  const judge = (tr: Y.Transaction) => out.push(...landedTermChanges(server, tr, before));
  server.on('afterTransaction', judge);
  Y.applyUpdate(server, update, 'client');
  server.off('afterTransaction', judge);
  return out;
}

const client = (id: number, from?: Y.Doc) => {
  const d = new Y.Doc();
  d.clientID = id;
  if (from) Y.applyUpdate(d, Y.encodeStateAsUpdate(from));
  return d;
};
const terms = (d: Y.Doc) => d.getMap<unknown>(AgreementDoc.terms);
/** Everything `d` wrote since it last matched `server`. */
const sent = (d: Y.Doc, server: Y.Doc) => Y.encodeStateAsUpdate(d, Y.encodeStateVector(server));

describe('landedTermChanges', () => {
  it('one entry per term per update: an offline session’s last write, from the value it had seen', () => {
    const server = new Y.Doc();
    const a = client(10);
    terms(a).set('instalments', 6);
    expect(apply(server, sent(a, server))).toEqual([{ key: 'instalments', from: null, to: 6, conflict: null }]);
    terms(a).set('instalments', 3);
    terms(a).set('instalments', 12);
    terms(a).set('conditions', 'none');
    expect(apply(server, sent(a, server))).toEqual([
      { key: 'instalments', from: 6, to: 12, conflict: null },
      { key: 'conditions', from: null, to: 'none', conflict: null },
    ]);
  });

  it('a write of the same value, a body edit and a deleted key', () => {
    const server = new Y.Doc();
    const a = client(10);
    terms(a).set('noPayment', true);
    apply(server, sent(a, server));
    terms(a).set('noPayment', true);
    a.getXmlFragment(AgreementDoc.body).insert(0, [new Y.XmlElement('paragraph')]);
    expect(apply(server, sent(a, server))).toEqual([]);
    terms(a).delete('noPayment');
    expect(apply(server, sent(a, server))).toEqual([{ key: 'noPayment', from: true, to: null, conflict: null }]);
  });

  it('concurrent writes: the later one overwrote a value it had not seen, or lost to it', () => {
    for (const [first, second, expected] of [
      [10, 20, { key: 'amountAgreedCents', from: 500, to: 900, conflict: 'overwrote' }],
      [20, 10, { key: 'amountAgreedCents', from: 500, to: 900, conflict: 'lost' }],
    ] as const) {
      const server = new Y.Doc();
      const [a, b] = [client(first), client(second)];
      terms(a).set('amountAgreedCents', 500);
      terms(b).set('amountAgreedCents', 900);
      apply(server, sent(a, server));
      expect(apply(server, sent(b, server))).toEqual([expected]);
      // Yjs keeps the higher client id's value.
      expect(terms(server).get('amountAgreedCents')).toBe(second > first ? 900 : 500);
    }
  });

  it('a write built on the current value is no conflict, even after others were replaced', () => {
    const server = new Y.Doc();
    const a = client(10);
    terms(a).set('feesWaivedCents', 100);
    apply(server, sent(a, server));
    const b = client(5, server);
    terms(b).set('feesWaivedCents', 200);
    expect(apply(server, sent(b, server))).toEqual([{ key: 'feesWaivedCents', from: 100, to: 200, conflict: null }]);
  });
});
