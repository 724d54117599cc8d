import * as Y from 'yjs';
import { AgreementDoc } from '@accord/shared';

/**
 * Plain text typed into the agreement the way its editor stores it (a paragraph's Y.XmlText inside
 * the `body` fragment), for tests that only need some text in the document: the server refuses any
 * other root-level type (docs/PROTOCOL.md, "The agreement schema").
 *
 * `draft(doc)` is the first paragraph's text, made if the body has none yet (two clients that both
 * make one before they hear of each other's get two paragraphs: `bodyText` reads them all).
 */
export function draft(doc: Y.Doc, field: string = AgreementDoc.body): Y.XmlText {
  const body = doc.getXmlFragment(field);
  for (const node of body.toArray()) {
    if (node instanceof Y.XmlElement && node.nodeName === 'paragraph') {
      const text = node.toArray().find((c): c is Y.XmlText => c instanceof Y.XmlText);
      if (text) return text;
    }
  }
  const p = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  p.insert(0, [text]);
  body.insert(body.length, [p]);
  return text;
}

/** All the text of the body's paragraphs, in order, without separators. */
export function bodyText(doc: Y.Doc, field: string = AgreementDoc.body): string {
  return doc
    .getXmlFragment(field)
    .toArray()
    .flatMap((node): unknown[] => (node instanceof Y.XmlElement ? node.toArray() : []))
    .map((c): string => (c instanceof Y.XmlText ? c.toJSON() : ''))
    .join('');
}

/** Appends a paragraph holding `text` to the body (one item per marker, like pushing to a list). */
export function appendParagraph(doc: Y.Doc, text: string, field: string = AgreementDoc.body): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const body = doc.getXmlFragment(field);
  body.insert(body.length, [p]);
}

/** The text of each of the body's paragraphs, in order. */
export function paragraphs(doc: Y.Doc, field: string = AgreementDoc.body): string[] {
  return doc
    .getXmlFragment(field)
    .toArray()
    .map((node): string => {
      const text: unknown = node instanceof Y.XmlElement ? node.get(0) : null;
      return text instanceof Y.XmlText ? text.toJSON() : '';
    });
}
