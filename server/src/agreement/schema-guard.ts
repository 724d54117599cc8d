import * as Y from 'yjs';
import {
  DOCUMENT_ROOTS,
  TERMS_KEYS,
  TOP_NODE,
  allowedChildren,
  isAgreementNode,
  markProblem,
  nodeAttrProblem,
  parseDocumentName,
} from '@accord/shared';

// `any` because that is how Yjs types the values of Doc.share.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RootType = Y.AbstractType<Y.YEvent<any>>;
type Roots = Readonly<Record<string, 'fragment' | 'terms'>>;

/** The root shared types a document may hold, by its name (an unknown name: none). */
export function rootsOf(documentName: string): Roots {
  const ref = parseDocumentName(documentName);
  return ref ? DOCUMENT_ROOTS[ref.kind] : {};
}

/**
 * Why what a transaction just integrated lies outside the shared agreement schema
 * (`shared/src/agreement-schema.ts`), or null: a root-level shared type other than the document's
 * own, an element the editor has no node type for or in a place its parent's content does not
 * allow, an attribute a node type does not have or a value it does not take, a text format that is
 * no mark of the schema, a key the terms map does not have, or content of a kind the editor never
 * writes (embeds, plain values in the body, nested types in text).
 *
 * A new root-level type can only come with an item that names it, so it is judged with that item.
 * Judged where the content landed, after Yjs integrated it: every item resolved to its parent
 * there (an item that names no parent takes its origin's), and content that waited for a missing
 * dependency is judged in the transaction that finally brings it in. Values of settlement terms
 * are terms-guard.ts's.
 */
export function landedSchemaProblem(doc: Y.Doc, transaction: Y.Transaction, roots: Roots): string | null {
  const rootName = new Map<RootType, string>();
  for (const [name, type] of doc.share) rootName.set(type, name);
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = structs.length - 1; i >= 0; i--) {
      const struct = structs[i]!;
      if (struct.id.clock + struct.length <= before) break;
      if (!(struct instanceof Y.Item) || struct.deleted) continue;
      const problem = itemProblem(struct, rootName, roots);
      if (problem) return problem;
    }
  }
  return null;
}

function itemProblem(item: Y.Item, rootName: Map<RootType, string>, roots: Roots): string | null {
  const parent = item.parent;
  if (!(parent instanceof Y.AbstractType)) return 'content without a parent';
  const content = item.content;
  if (parent._item === null) {
    const name = rootName.get(parent as RootType) ?? '';
    const kind = Object.hasOwn(roots, name) ? roots[name] : undefined;
    if (kind === undefined) return `the document has no shared type "${name}"`;
    if (kind === 'terms') {
      if (item.parentSub === null) return 'the terms map holds keys only';
      return (TERMS_KEYS as string[]).includes(item.parentSub) ? null : `unknown settlement term "${item.parentSub}"`;
    }
    if (item.parentSub !== null) return `the document body has no attribute "${item.parentSub}"`;
    return childProblem(TOP_NODE, content);
  }
  // Under an element or a text, wherever it is: only the body and the notes hold those, and any
  // other nested type (inside the terms map) was refused where it was put.
  if (parent instanceof Y.XmlText) {
    if (item.parentSub !== null) return `text has no attribute "${item.parentSub}"`;
    if (content instanceof Y.ContentString) return null;
    if (content instanceof Y.ContentFormat) return markProblem(content.key, content.value);
    return 'text holds characters and formats only';
  }
  if (parent instanceof Y.XmlElement) {
    const node = parent.nodeName;
    // (Named first: what an unknown element holds is beside the point.)
    if (!isAgreementNode(node)) return `element <${node}> is not part of the agreement schema`;
    if (item.parentSub !== null) {
      const values = content instanceof Y.ContentAny ? content.arr : null;
      if (!values || values.length !== 1) return `<${node}> ${item.parentSub}: must be a plain value`;
      return nodeAttrProblem(node, item.parentSub, values[0]);
    }
    return childProblem(node, content);
  }
  return 'content inside a type the agreement schema does not have';
}

function childProblem(parentNode: string, content: Y.Item['content']): string | null {
  if (!(content instanceof Y.ContentType)) return `<${parentNode}> holds elements and text only`;
  const type = content.type;
  const allowed = allowedChildren(parentNode);
  if (type instanceof Y.XmlText) return allowed.has('text') ? null : `<${parentNode}> cannot hold text`;
  if (!(type instanceof Y.XmlElement)) return `<${parentNode}> holds elements and text only`;
  const name = type.nodeName;
  if (!isAgreementNode(name) || name === TOP_NODE || name === 'text') {
    return `element <${name}> is not part of the agreement schema`;
  }
  return allowed.has(name) ? null : `<${parentNode}> cannot hold <${name}>`;
}
