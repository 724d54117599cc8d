import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AgreementDoc, TERMS_CLAUSE_ID, hashedClauses, type ConsentEntry, type DocAuthor } from '@accord/shared';
import { clausesLeft, consentRows, excerpt } from './consentView';

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

/** A draft of two paragraphs written by client 7 and 9, and the terms. */
function draft() {
  const doc = new Y.Doc();
  doc.clientID = 7;
  doc.getXmlFragment(AgreementDoc.body).insert(0, [paragraph('The lender refunds the fee of ¥300.')]);
  const other = new Y.Doc();
  other.clientID = 9;
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  other.getXmlFragment(AgreementDoc.body).insert(1, [paragraph('借款人于每月十五日前还款。')]);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
  doc.getMap(AgreementDoc.terms).set('amountAgreedCents', 30_000);
  return doc;
}

const authors: DocAuthor[] = [
  { client: 7, userId: 'u-mediator', role: 'mediator', displayName: 'Ms Li' },
  { client: 9, userId: 'u-customer', role: 'customer', displayName: 'Zhang Wei' },
];

let seq = 0;
const entry = (
  clauseId: string,
  hash: string,
  role: 'customer' | 'platform',
  state: 'agreed' | 'objected',
  reason = '',
) =>
  ({
    seq: ++seq,
    clauseId,
    hash,
    userId: `u-${role}`,
    role,
    displayName: role,
    state,
    reason,
    at: '2027-01-01T00:00:00.000Z',
  }) satisfies ConsentEntry;

describe('the consent panel rows', () => {
  it('lists every clause with its proposer, and every party pending with no consent yet', async () => {
    const clauses = await hashedClauses(draft(), 'en');
    const rows = consentRows(clauses, [], authors);
    expect(rows.map((r) => [r.number, r.kind, r.author?.displayName ?? null])).toEqual([
      [1, 'text', 'Ms Li'],
      [2, 'text', 'Zhang Wei'],
      [3, 'terms', null],
    ]);
    expect(rows[0]?.excerpt).toBe('The lender refunds the fee of ¥300.');
    // The terms clause shows its lines, not its heading.
    expect(rows[2]?.excerpt.startsWith('Amount in dispute')).toBe(true);
    expect(rows.every((r) => !r.agreed && r.parties.customer.state === 'pending' && r.reset.length === 0)).toBe(true);
    expect(clausesLeft(rows)).toBe(3);
  });

  it('agrees a clause when both parties agreed to its current text; an objection carries its reason', async () => {
    const clauses = await hashedClauses(draft(), 'en');
    const [c1, c2] = clauses;
    const rows = consentRows(
      clauses,
      [
        entry(c1!.id, c1!.hash, 'customer', 'agreed'),
        entry(c1!.id, c1!.hash, 'platform', 'agreed'),
        entry(c2!.id, c2!.hash, 'platform', 'objected', 'too soon'),
      ],
      authors,
    );
    expect(rows[0]?.agreed).toBe(true);
    expect(rows[1]?.parties.platform).toMatchObject({ state: 'objected', reason: 'too soon' });
    expect(rows[1]?.parties.customer.state).toBe('pending');
    expect(clausesLeft(rows)).toBe(2);
  });

  it('an edit resets the consent given to the earlier text, and says whose', async () => {
    const doc = draft();
    const before = await hashedClauses(doc, 'en');
    const c1 = before[0]!;
    const entries = [
      entry(c1.id, c1.hash, 'customer', 'objected', 'unclear'),
      entry(c1.id, c1.hash, 'customer', 'agreed'),
      entry(c1.id, c1.hash, 'platform', 'agreed'),
    ];
    const first = doc.getXmlFragment(AgreementDoc.body).get(0) as Y.XmlElement;
    (first.get(0) as Y.XmlText).insert(0, 'Within 30 days, ');
    const after = await hashedClauses(doc, 'en');
    expect(after[0]?.id).toBe(c1.id);
    const row = consentRows(after, entries, authors)[0]!;
    expect(row.agreed).toBe(false);
    expect(row.parties.customer).toEqual({ state: 'pending', reset: true });
    expect(row.reset).toEqual([
      { role: 'customer', was: 'agreed' },
      { role: 'platform', was: 'agreed' },
    ]);
  });

  it('names the terms clause by its id and has no proposer for it', async () => {
    const rows = consentRows(await hashedClauses(draft(), 'zh-CN'), [], authors);
    expect(rows.at(-1)?.id).toBe(TERMS_CLAUSE_ID);
    expect(rows.at(-1)?.author).toBeNull();
  });
});

describe('clause excerpts', () => {
  it('collapses whitespace and cuts long texts by character, with an ellipsis', () => {
    expect(excerpt('a\n\n  b\tc')).toBe('a b c');
    const long = '调'.repeat(200);
    const cut = excerpt(long, 10);
    expect([...cut]).toHaveLength(10);
    expect(cut.endsWith('…')).toBe(true);
    // An emoji (two UTF-16 units) is never cut in half.
    expect(excerpt('😀'.repeat(20), 5)).toBe('😀😀😀😀…');
  });
});
