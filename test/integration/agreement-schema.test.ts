import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, CloseCode } from '@accord/shared';
import { bodyText, draft } from '../helpers/agreement-body';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * The server takes into an agreement only what its one schema allows (shared/src/agreement-schema.ts):
 * a writer that puts anything else in is closed with 4400 and a reason naming it, nothing of that
 * update is stored or relayed, and everyone else goes on editing.
 */
describe('the agreement schema, enforced by the server', () => {
  let t: TestServer;
  let c: TestCase;
  let watcher: DocClient;
  const open: DocClient[] = [];
  const client = (token: string) => {
    const d = connectDoc(t.url, c.caseId, token);
    open.push(d);
    return d;
  };
  const stored = async () => {
    const s = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (s.snapshot) Y.applyUpdate(doc, s.snapshot);
    s.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    return doc;
  };
  /** Everything a document holds, whatever its root types: what must not change. */
  const everything = (doc: Y.Doc) =>
    JSON.stringify([
      [...doc.share.keys()].filter((k) => k !== AgreementDoc.body && k !== AgreementDoc.terms),
      doc.getXmlFragment(AgreementDoc.body).toJSON(),
      Object.entries(doc.getMap(AgreementDoc.terms).toJSON()).sort(([a], [b]) => (a < b ? -1 : 1)),
    ]);

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
    watcher = client(c.tokens.mediator);
    await waitSynced(watcher);
    draft(watcher.doc).insert(0, 'agreed text');
    await waitFor(async () => bodyText(await stored()) === 'agreed text', 'stored');
  });
  afterAll(async () => {
    open.forEach((d) => d.destroy());
    await t.close();
  });

  const paragraphWith = (text: string) => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    return p;
  };

  const cases: [string, (doc: Y.Doc) => void, RegExp][] = [
    [
      'an element the editor has no node for (<secret>)',
      (doc) => {
        const secret = new Y.XmlElement('secret');
        secret.insert(0, [paragraphWith('hidden clause: the customer pays 10,000')]);
        doc.getXmlFragment(AgreementDoc.body).insert(0, [secret]);
      },
      /element <secret> is not part of the agreement schema/,
    ],
    [
      'a known element where its parent does not allow it (a list in a paragraph)',
      (doc) => {
        const p = new Y.XmlElement('paragraph');
        const list = new Y.XmlElement('bulletList');
        p.insert(0, [list]);
        doc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
      },
      /<paragraph> cannot hold <bulletList>/,
    ],
    [
      'an attribute a node does not have',
      (doc) => {
        const p = paragraphWith('styled');
        p.setAttribute('style', 'display:none');
        doc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
      },
      /attribute "style" is not allowed on <paragraph>/,
    ],
    [
      'a heading level the editor does not offer',
      (doc) => {
        const h = new Y.XmlElement('heading');
        h.setAttribute('level', 7 as unknown as string);
        h.insert(0, [new Y.XmlText('tiny print')]);
        doc.getXmlFragment(AgreementDoc.body).insert(0, [h]);
      },
      /<heading> level=7 is not allowed/,
    ],
    [
      'a text format that is no mark of the schema (a link), typed into existing text',
      (doc) => {
        // Items written into an existing text name no parent: the server resolves it (origins).
        draft(doc).insert(0, 'see ', { link: { href: 'https://example.org' } });
      },
      /text format "link" is not allowed/,
    ],
    [
      'an unknown key in the terms map',
      (doc) => doc.getMap(AgreementDoc.terms).set('penaltyCents', 1_000_000),
      /unknown settlement term "penaltyCents"/,
    ],
    [
      'a new root-level shared type',
      (doc) => doc.getText('hidden').insert(0, 'the platform may charge anything'),
      /the document has no shared type "hidden"/,
    ],
  ];

  it.each(cases)(
    'refuses %s: 4400 with a reason, nothing stored, the room still works',
    async (_what, write, reason) => {
      const before = everything(await stored());
      const mallory = client(c.tokens.customer);
      await waitSynced(mallory);
      write(mallory.doc);
      await waitFor(() => mallory.closes.length > 0, 'the writer is closed');
      expect(mallory.closes[0]?.code).toBe(CloseCode.MALFORMED);
      expect(mallory.closes[0]?.reason).toMatch(/^update refused: outside the agreement schema: /);
      expect(mallory.closes[0]?.reason).toMatch(reason);
      mallory.destroy();
      // Nothing of it was stored, nor relayed, nor served to someone who comes in now.
      expect(everything(await stored())).toBe(before);
      expect(everything(watcher.doc)).toBe(before);
      const fresh = client(c.tokens.platform);
      await waitSynced(fresh);
      expect(everything(fresh.doc)).toBe(before);
      // The others go on editing.
      const length = bodyText(watcher.doc).length;
      draft(fresh.doc).insert(0, '+');
      await waitFor(() => bodyText(watcher.doc).length === length + 1, 'an edit relayed after the refusal');
      await waitFor(async () => everything(await stored()) === everything(watcher.doc), 'and stored');
      expect(watcher.closes).toEqual([]);
      fresh.destroy();
    },
  );

  it('takes what the editor writes: headings, lists, marks, a hard break, every term', async () => {
    const writer = client(c.tokens.customer);
    await waitSynced(writer);
    writer.doc.transact(() => {
      const h = new Y.XmlElement('heading');
      h.setAttribute('level', 2 as unknown as string);
      h.insert(0, [new Y.XmlText('还款安排')]);
      const list = new Y.XmlElement('orderedList');
      list.setAttribute('start', 3 as unknown as string);
      const item = new Y.XmlElement('listItem');
      const p = new Y.XmlElement('paragraph');
      const text = new Y.XmlText();
      p.insert(0, [text, new Y.XmlElement('hardBreak')]);
      item.insert(0, [p]);
      list.insert(0, [item]);
      writer.doc.getXmlFragment(AgreementDoc.body).insert(0, [h, list]);
      text.insert(0, '首期', { bold: {}, italic: {}, underline: {}, strike: {} });
      text.format(0, 2, { strike: null });
      const terms = writer.doc.getMap(AgreementDoc.terms);
      terms.set('noPayment', true);
      terms.set('firstDueDate', '2027-01-15');
    });
    await waitFor(() => watcher.doc.getMap(AgreementDoc.terms).get('noPayment') === true, 'stored and relayed');
    expect(writer.closes).toEqual([]);
    expect(watcher.doc.getXmlFragment(AgreementDoc.body).toJSON()).toContain('<heading level="2">还款安排</heading>');
    expect(everything(await stored())).toBe(everything(watcher.doc));
    writer.destroy();
  });
});
