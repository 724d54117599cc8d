import { z } from 'zod';
import { AgreementDoc, SettlementTerms } from './documents';

/**
 * The one schema of an agreement (and of caucus notes, which use the same editor): the ProseMirror
 * node and mark types the browser's editor is configured with, their attributes and the values each
 * attribute may take. The client builds its TipTap extensions from this description (and a test
 * checks that the schema TipTap builds from them is exactly this); the server refuses any update
 * that puts into a document an element, attribute, mark or terms key outside it, so nothing can be
 * in the document (and so in the signed text) that the editor does not show.
 *
 * `content` and `group` are ProseMirror's content expressions and groups, as the editor's schema
 * has them.
 */
export interface NodeSpecDescription {
  content?: string;
  group?: string;
  inline?: boolean;
  /** Each attribute with its default and the values it may take when stored. */
  attrs: Record<string, { default: unknown; value: z.ZodType }>;
}

export interface MarkSpecDescription {
  attrs: Record<string, { default: unknown; value: z.ZodType }>;
}

/** The longest evidence name a citation carries (names of stored files are shorter). */
export const EVIDENCE_REF_NAME_MAX = 255;

/** Heading levels the editor offers; a stored `level` outside them is refused. */
export const HEADING_LEVELS = [1, 2, 3] as const;

export const AGREEMENT_NODES = {
  doc: { content: 'block+', attrs: {} },
  paragraph: { content: 'inline*', group: 'block', attrs: {} },
  text: { group: 'inline', attrs: {} },
  hardBreak: { group: 'inline', inline: true, attrs: {} },
  /**
   * A citation of an evidence item of the case (an atom: its id, and its name as the canonical text
   * shows it). The server admits one only for an item of the case shown to everyone who reads the
   * document, under that item's own name (server/src/agreement/citation-guard.ts).
   */
  evidenceRef: {
    group: 'inline',
    inline: true,
    attrs: {
      id: { default: null, value: z.uuid() },
      name: { default: null, value: z.string().min(1).max(EVIDENCE_REF_NAME_MAX) },
    },
  },
  heading: {
    content: 'inline*',
    group: 'block',
    // A number as the editor stores it; the same as a string is read alike (older documents have it).
    attrs: {
      level: { default: 1, value: z.union(HEADING_LEVELS.flatMap((l) => [z.literal(l), z.literal(String(l))])) },
    },
  },
  bulletList: { content: 'listItem+', group: 'block list', attrs: {} },
  orderedList: {
    content: 'listItem+',
    group: 'block list',
    attrs: {
      start: { default: 1, value: z.int().min(0).max(1_000_000) },
      // HTML's list marker types, as a pasted <ol type="…"> carries them.
      type: { default: null, value: z.enum(['1', 'a', 'A', 'i', 'I']).nullable() },
    },
  },
  listItem: { content: 'paragraph block*', attrs: {} },
} as const satisfies Record<string, NodeSpecDescription>;

export const AGREEMENT_MARKS = {
  bold: { attrs: {} },
  italic: { attrs: {} },
  underline: { attrs: {} },
  /** Struck-out text changes what a text says: the canonical text shows it (see agreement-text.ts). */
  strike: { attrs: {} },
} as const satisfies Record<string, MarkSpecDescription>;

export type AgreementNodeName = keyof typeof AGREEMENT_NODES;
export type AgreementMarkName = keyof typeof AGREEMENT_MARKS;

/** The ProseMirror top node: the Y.XmlFragment itself, never stored as an element. */
export const TOP_NODE = 'doc';

/** The allowed root-level shared types of each kind of document, and what each holds. */
export const DOCUMENT_ROOTS = {
  agreement: { [AgreementDoc.body]: 'fragment', [AgreementDoc.terms]: 'terms' },
  'caucus-notes': { notes: 'fragment' },
  'mediator-notes': { notes: 'fragment' },
} as const satisfies Record<string, Record<string, 'fragment' | 'terms'>>;

/** The keys of the agreement's terms map. */
export const TERMS_KEYS = Object.keys(SettlementTerms.shape) as (keyof SettlementTerms)[];

const nodes: Record<string, NodeSpecDescription> = AGREEMENT_NODES;
const marks: Record<string, MarkSpecDescription> = AGREEMENT_MARKS;

export const isAgreementNode = (name: string): name is AgreementNodeName => Object.hasOwn(nodes, name);
export const isAgreementMark = (name: string): name is AgreementMarkName => Object.hasOwn(marks, name);

/**
 * The node types that may appear directly inside `parent`, read from its content expression (each
 * name in it is a node or a group). Order and counts are ProseMirror's business; which types may
 * appear at all is what decides whether something could be hidden.
 */
export function allowedChildren(parent: string): ReadonlySet<string> {
  const content = nodes[parent]?.content ?? '';
  const out = new Set<string>();
  for (const token of content.match(/[A-Za-z_]+/g) ?? []) {
    for (const [name, spec] of Object.entries(nodes)) {
      if (name === token || (spec.group ?? '').split(' ').includes(token)) out.add(name);
    }
  }
  return out;
}

/** Why an attribute (name and stored value) is not allowed on a node type, or null. */
export function nodeAttrProblem(node: string, attr: string, value: unknown): string | null {
  const spec = nodes[node]?.attrs[attr];
  if (!spec) return `attribute "${attr}" is not allowed on <${node}>`;
  return spec.value.safeParse(value).success ? null : `<${node}> ${attr}=${JSON.stringify(value)} is not allowed`;
}

/**
 * Why a text-format attribute (a mark as the editor's Yjs binding stores it: the mark's name, and
 * its attributes as an object, or null where it ends) is not allowed, or null. `true` is taken as
 * a mark without attributes (Yjs's own convention, which the binding reads the same way).
 */
export function markProblem(name: string, value: unknown): string | null {
  if (!isAgreementMark(name)) return `text format "${name}" is not allowed`;
  if (value === null || value === true) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return `text format "${name}" must carry an object`;
  const allowed = marks[name]!.attrs;
  for (const [k, v] of Object.entries(value)) {
    const spec = allowed[k];
    if (!spec) return `attribute "${k}" is not allowed on text format "${name}"`;
    if (!spec.value.safeParse(v).success) return `text format "${name}" ${k}=${JSON.stringify(v)} is not allowed`;
  }
  return null;
}
