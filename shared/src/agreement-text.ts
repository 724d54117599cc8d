import * as Y from 'yjs';
import { AgreementDoc, SettlementTerms } from './documents';

/**
 * The canonical text of an agreement: what is frozen, shown, signed and sealed.
 * Deterministic from the document's content alone (the same on server and
 * browser): block structure is kept (headings, lists, quotes), inline
 * formatting is not (except strike-through and link targets, which change
 * meaning), body lines are indented by two spaces, text is Unicode NFC with "\n" line ends and no trailing
 * spaces. Terms are listed in a fixed order as raw values (money in integer cents).
 */
export const CANONICAL_VERSION = 'accord-agreement/1';

const TERM_ORDER: readonly (keyof SettlementTerms)[] = [
  'amountInDisputeCents',
  'amountAgreedCents',
  'feesWaivedCents',
  'instalments',
  'firstDueDate',
  'monthlyAmountCents',
  'noPayment',
  'conditions',
];

type Delta = { insert: unknown; attributes?: { strike?: unknown; link?: { href?: unknown } } };

function inline(node: Y.XmlElement | Y.XmlText): string {
  if (node instanceof Y.XmlText) {
    // Struck-out text and link targets change what a text says; other formatting does not.
    return (node.toDelta() as Delta[])
      .map((d) => {
        if (typeof d.insert !== 'string') return '';
        let text = d.insert;
        if (d.attributes?.strike) text = `~~${text}~~`;
        const href = d.attributes?.link?.href;
        if (typeof href === 'string') text = `[${text}](${href})`;
        return text;
      })
      .join('');
  }
  if (node.nodeName === 'hardBreak') return '\n';
  return node
    .toArray()
    .map((c) => inline(c as Y.XmlElement | Y.XmlText))
    .join('');
}

function indent(text: string, prefix: string, first = prefix): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first : prefix) + line)
    .join('\n');
}

function block(node: Y.XmlElement | Y.XmlText): string {
  if (node instanceof Y.XmlText) return inline(node);
  const children = () => node.toArray() as (Y.XmlElement | Y.XmlText)[];
  const blocks = () =>
    children()
      .map(block)
      .filter((b) => b.length > 0)
      .join('\n\n');
  switch (node.nodeName) {
    case 'paragraph':
      return inline(node);
    case 'heading': {
      const level = Number(node.getAttribute('level') ?? 1);
      return `${'#'.repeat(Math.min(Math.max(level, 1), 6))} ${inline(node)}`;
    }
    case 'bulletList':
      return children()
        .map((item) => indent(block(item), '  ', '- '))
        .join('\n');
    case 'orderedList': {
      const start = Number(node.getAttribute('start') ?? 1);
      return children()
        .map((item, i) => {
          const marker = `${start + i}. `;
          return indent(block(item), ' '.repeat(marker.length), marker);
        })
        .join('\n');
    }
    case 'listItem':
      return children()
        .map(block)
        .filter((b) => b.length > 0)
        .join('\n');
    case 'blockquote':
      return indent(blocks(), '> ');
    case 'codeBlock':
      return `\`\`\`\n${inline(node)}\n\`\`\``;
    case 'horizontalRule':
      return '---';
    default:
      return blocks();
  }
}

function termValue(key: keyof SettlementTerms, value: SettlementTerms[keyof SettlementTerms]): string {
  if (value === null || value === '') return '-';
  if (key === 'conditions') return `\n${indent(String(value), '  ')}`;
  return String(value);
}

function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** Reads the terms map as typed terms; values that fail their schema read as empty. */
export function readTermsMap(map: Y.Map<unknown>): SettlementTerms {
  const out: Record<string, unknown> = {};
  for (const key of TERM_ORDER) {
    const parsed = SettlementTerms.shape[key].safeParse(map.get(key));
    out[key] = parsed.success ? parsed.data : key === 'conditions' ? '' : key === 'noPayment' ? false : null;
  }
  return out as SettlementTerms;
}

/** Renders the agreement document of a case to its canonical text. */
export function canonicalAgreementText(doc: Y.Doc, caseNumber: string): string {
  const fragment = doc.getXmlFragment(AgreementDoc.body);
  const text = (fragment.toArray() as (Y.XmlElement | Y.XmlText)[])
    .map(block)
    .filter((b) => b.length > 0)
    .join('\n\n');
  const terms = readTermsMap(doc.getMap(AgreementDoc.terms));
  const termLines = TERM_ORDER.map((k) => `${k}: ${termValue(k, terms[k])}`.replace(/: \n/, ':\n'));
  // Body lines are indented, so no text typed into the agreement can pass for a section header.
  const body = normalise(text)
    .split('\n')
    .map((l) => (l.length > 0 ? `  ${l}` : l))
    .join('\n');
  const all = [CANONICAL_VERSION, `case: ${caseNumber}`, '', '== agreement ==', body, '', '== settlement terms =='];
  return `${normalise([...all, ...termLines].join('\n'))}\n`;
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of the UTF-8 text, with WebCrypto: the same in Node and the browser. */
export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** The agreement's fingerprint: SHA-256 of its canonical text. */
export function agreementFingerprint(canonicalText: string): Promise<string> {
  return sha256Hex(canonicalText);
}
