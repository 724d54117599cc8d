import { getSchema, type JSONContent } from '@tiptap/core';
import { DOMSerializer } from '@tiptap/pm/model';
import { prosemirrorJSONToYDoc, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import fc from 'fast-check';
import { Window } from 'happy-dom';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { AgreementDoc, HEADING_LEVELS, canonicalBody } from '@accord/shared';
import { agreementSchemaExtensions } from '../../client/src/agreement/extensions';
import { landedSchemaProblem, rootsOf } from '../../server/src/agreement/schema-guard';
import { propertySettings } from './settings';

/**
 * What you see is what you sign: for documents generated within the agreement schema, every
 * character of the canonical body text (apart from its structural markers, docs/PROTOCOL.md
 * "Canonical agreement text") is in what the editor's schema renders, and nothing rendered is
 * missing from it; the server's guard takes every such document as the editor's Yjs binding stores
 * it. Documents with one thing outside the schema are refused by that guard.
 */
const schema = getSchema(agreementSchemaExtensions());
const window = new Window();
afterAll(() => window.happyDOM.close());

const settings = propertySettings({ seed: 15, numRuns: 150 });
const AGREEMENT = '00000000-0000-4000-8000-0000000000c1';
const roots = rootsOf(AGREEMENT);

// No '~' or '•' (markers) and no '.' (a digit and '. ' would read as a list marker); combining
// accents to test NFC; an astral character; spaces where trailing ones are trimmed.
const unit = fc.constantFrom('a', 'Z', '和', '解', '元', '1', '0', ' ', '，', '。', ':', '€', '😀', 'e\u0301', '（');
const text = fc.string({ unit, minLength: 1, maxLength: 8 });
const MARKS = ['bold', 'italic', 'underline', 'strike'] as const;
const inlineNode: fc.Arbitrary<JSONContent> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(text, fc.subarray([...MARKS]))
      .map(([t, marks]) => ({ type: 'text', text: t, marks: marks.map((type) => ({ type })) })),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'hardBreak' }) },
);
const inlineContent = fc.array(inlineNode, { maxLength: 4 });

const { block } = fc.letrec<{ block: JSONContent; item: JSONContent }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('paragraph'), content: inlineContent }),
    fc.record({
      type: fc.constant('heading'),
      attrs: fc.record({ level: fc.constantFrom(...HEADING_LEVELS) }),
      content: inlineContent,
    }),
    fc.record({ type: fc.constant('bulletList'), content: fc.array(tie('item'), { minLength: 1, maxLength: 3 }) }),
    fc.record({
      type: fc.constant('orderedList'),
      attrs: fc.record({ start: fc.integer({ min: 0, max: 12 }) }),
      content: fc.array(tie('item'), { minLength: 1, maxLength: 3 }),
    }),
  ),
  item: fc
    .tuple(
      fc.record({ type: fc.constant('paragraph'), content: inlineContent }),
      fc.array(tie('block'), { maxLength: 2 }),
    )
    .map(([first, rest]) => ({ type: 'listItem', content: [first, ...rest] })),
}));
const documentJson = fc.array(block, { minLength: 1, maxLength: 5 }).map((content) => ({ type: 'doc', content }));

/** The document as the editor's Yjs binding stores it. */
function toYDoc(json: JSONContent): Y.Doc {
  const node = schema.nodeFromJSON(json);
  node.check();
  return prosemirrorJSONToYDoc(schema, json, AgreementDoc.body);
}

/** The text the editor's schema renders for what the Y document holds, as a browser shows it. */
function rendered(doc: Y.Doc): string {
  const root = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(AgreementDoc.body), schema);
  const container = window.document.createElement('div');
  const fragment = DOMSerializer.fromSchema(schema).serializeFragment(root.content, {
    document: window.document as unknown as Document,
  });
  container.appendChild(fragment as unknown as Parameters<typeof container.appendChild>[0]);
  return container.textContent ?? '';
}

/** The canonical body without its structural markers: indentation, list markers, `~~`, line breaks. */
function withoutMarkers(body: string): string {
  return body
    .split('\n')
    .map((line) => line.replace(/^(\s*(•|\d+\.)(?= |$) ?)+/u, ''))
    .join('')
    .replaceAll('~~', '');
}

const squeeze = (s: string) => s.normalize('NFC').replace(/\s+/gu, '');

/** The guard's verdict on `update` landing in a server copy of `base`. */
function verdict(base: Uint8Array | null, update: Uint8Array): string | null {
  const server = new Y.Doc();
  if (base) Y.applyUpdate(server, base);
  let problem: string | null = null;
  server.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.origin === 'client') problem ??= landedSchemaProblem(server, tr, roots);
  });
  Y.applyUpdate(server, update, 'client');
  server.destroy();
  return problem;
}

describe('the canonical text is what the editor shows', () => {
  it('every character of the canonical body is rendered by the editor, and nothing rendered is left out', () => {
    fc.assert(
      fc.property(documentJson, (json) => {
        const doc = toYDoc(json);
        const body = canonicalBody(doc.getXmlFragment(AgreementDoc.body));
        expect(squeeze(withoutMarkers(body))).toBe(squeeze(rendered(doc)));
        // Struck-out text is marked as such in the signed text.
        const struck = JSON.stringify(json).includes('"strike"');
        if (!struck) expect(body).not.toContain('~~');
        doc.destroy();
      }),
      settings,
    );
  });

  it('the server takes every such document as the editor stores it', () => {
    fc.assert(
      fc.property(documentJson, (json) => {
        const doc = toYDoc(json);
        expect(verdict(null, Y.encodeStateAsUpdate(doc))).toBeNull();
        doc.destroy();
      }),
      settings,
    );
  });
});

type Violation = [what: string, put: (doc: Y.Doc) => void];
const v = (what: string, put: (doc: Y.Doc) => void): Violation => [what, put];

/** One thing outside the schema, put somewhere in an existing document. */
const violation: fc.Arbitrary<Violation> = fc.oneof(
  fc.tuple(fc.constantFrom('secret', 'blockquote', 'image', 'script', 'codeBlock'), fc.nat()).map(([name, at]) =>
    v(`element <${name}>`, (doc) => {
      const el = new Y.XmlElement(name);
      el.insert(0, [new Y.XmlText('hidden clause')]);
      const body = doc.getXmlFragment(AgreementDoc.body);
      body.insert(at % (body.length + 1), [el]);
    }),
  ),
  fc.tuple(fc.constantFrom('style', 'class', 'data-x', 'href'), fc.nat()).map(([attr, at]) =>
    v(`attribute ${attr}`, (doc) => {
      const body = doc.getXmlFragment(AgreementDoc.body);
      (body.get(at % body.length) as Y.XmlElement).setAttribute(attr, 'x');
    }),
  ),
  fc.constantFrom<unknown>(0, 4, 7, '7', 2.5).map((level) =>
    v(`heading level ${String(level)}`, (doc) => {
      const h = new Y.XmlElement('heading');
      h.setAttribute('level', level as string);
      doc.getXmlFragment(AgreementDoc.body).insert(0, [h]);
    }),
  ),
  fc.tuple(fc.constantFrom('link', 'code', 'highlight', 'textStyle'), fc.nat()).map(([mark, at]) =>
    v(`mark ${mark}`, (doc) => {
      const texts: Y.XmlText[] = [];
      const walk = (n: Y.XmlElement | Y.XmlFragment): void =>
        n.toArray().forEach((c) => (c instanceof Y.XmlText ? texts.push(c) : walk(c as Y.XmlElement)));
      walk(doc.getXmlFragment(AgreementDoc.body));
      const target = texts[at % Math.max(1, texts.length)];
      if (target) target.insert(0, 'x', { [mark]: {} });
      else doc.getXmlFragment(AgreementDoc.body).insert(0, [new Y.XmlText('x')]);
    }),
  ),
  fc
    .constantFrom('penaltyCents', 'hidden', '__proto__x')
    .map((key) => v(`terms key ${key}`, (doc) => doc.getMap(AgreementDoc.terms).set(key, 1))),
  fc
    .constantFrom('hidden', 'notes', 'body2')
    .map((name) => v(`root ${name}`, (doc) => doc.getText(name).insert(0, 'x'))),
);

describe('content outside the schema', () => {
  it('is refused by the server guard, wherever it is put', () => {
    fc.assert(
      fc.property(documentJson, violation, (json, [, put]) => {
        const doc = toYDoc(json);
        const base = Y.encodeStateAsUpdate(doc);
        const before = Y.encodeStateVector(doc);
        put(doc);
        expect(verdict(base, Y.encodeStateAsUpdate(doc, before))).not.toBeNull();
        doc.destroy();
      }),
      settings,
    );
  });
});
