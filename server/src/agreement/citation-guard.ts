import * as Y from 'yjs';
import {
  evidenceVisibleTo,
  parseDocumentName,
  type EvidenceSharing,
  type EvidenceViewer,
  type PartySide,
} from '@accord/shared';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The node of the agreement schema that cites an evidence item (`shared/src/agreement-schema.ts`). */
export const EVIDENCE_REF = 'evidenceRef';

/** What the guard needs of a cited item: whose it is, its name, who sees it. */
export interface CitableEvidence {
  caseId: string;
  name: string;
  shownTo: EvidenceSharing;
  caucusSide: PartySide | null;
}

/** The items an update may cite, looked up (through the store) before it is applied: id → item, or null. */
export type CitedEvidence = ReadonlyMap<string, CitableEvidence | null>;

/**
 * Who reads a document: the agreement (and a caucus's notes, which the guard holds to the same rule,
 * to keep it simple) is read by both sides; the mediator's notes by the mediator alone.
 */
function audienceOf(documentName: string): { caseId: string; audience: EvidenceViewer[] } | null {
  const ref = parseDocumentName(documentName);
  if (!ref) return null;
  return { caseId: ref.caseId, audience: ref.kind === 'mediator-notes' ? ['neutral'] : ['customer', 'lender'] };
}

const isCitation = (type: unknown): type is Y.XmlElement =>
  type instanceof Y.XmlElement && type.nodeName === EVIDENCE_REF;

/**
 * The evidence ids an update may make the document cite, or null when it can touch no citation (no
 * lookup then: most updates are typing, which is text only). Attribute values are plain values
 * (`ContentAny`), and an attribute set again names no key in the update (it points at the value it
 * replaces), so every update carrying a plain value counts: its string values are candidate ids,
 * and so are the document's own citations (an attribute may be set on an existing element).
 */
export function citationsToCheck(decoded: { structs: (Y.Item | Y.GC | Y.Skip)[] }, doc: Y.Doc): string[] | null {
  const ids = new Set<string>();
  let touches = false;
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue;
    const content = s.content;
    if (content instanceof Y.ContentType && isCitation(content.type)) touches = true;
    if (content instanceof Y.ContentAny) {
      touches = true;
      for (const v of content.arr) if (typeof v === 'string' && UUID.test(v)) ids.add(v);
    }
  }
  if (!touches) return null;
  for (const [, type] of doc.share) {
    if (!(type instanceof Y.XmlFragment)) continue;
    for (const el of type.createTreeWalker((t) => isCitation(t))) {
      const id = (el as Y.XmlElement).getAttribute('id') as unknown;
      if (typeof id === 'string' && UUID.test(id)) ids.add(id);
    }
  }
  return [...ids];
}

/**
 * Why a citation a transaction just put in the document may not stand, or null: every citation
 * element it created or changed must name (`id`) an evidence item of the document's case that every
 * reader of the document may see, under the item's own name (`name`: the canonical text shows it).
 * Judged where the content landed, as schema-guard.ts judges, with the items looked up beforehand.
 */
export function landedCitationProblem(
  doc: Y.Doc,
  transaction: Y.Transaction,
  documentName: string,
  cited: CitedEvidence | null,
): string | null {
  const checked = new Set<Y.XmlElement>();
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = structs.length - 1; i >= 0; i--) {
      const struct = structs[i]!;
      if (struct.id.clock + struct.length <= before) break;
      if (!(struct instanceof Y.Item) || struct.deleted) continue;
      const content = struct.content;
      const el =
        content instanceof Y.ContentType && isCitation(content.type)
          ? content.type
          : isCitation(struct.parent)
            ? struct.parent
            : null;
      if (!el || checked.has(el)) continue;
      checked.add(el);
      const problem = citationProblem(el, documentName, cited);
      if (problem) return problem;
    }
  }
  return null;
}

function citationProblem(el: Y.XmlElement, documentName: string, cited: CitedEvidence | null): string | null {
  // A citation deleted in the same update cites nothing.
  if (el._item?.deleted) return null;
  const id = el.getAttribute('id') as unknown;
  const name = el.getAttribute('name') as unknown;
  if (typeof id !== 'string') return 'a citation names no evidence item';
  const doc = audienceOf(documentName);
  if (!doc || !cited?.has(id)) return `evidence item ${id} could not be checked`;
  const item = cited.get(id);
  if (!item) return `evidence.notFound: no evidence item ${id}`;
  if (item.caseId !== doc.caseId) return `evidence.otherCase: item ${id} is another case's`;
  if (!doc.audience.every((viewer) => evidenceVisibleTo(item, viewer))) {
    return `evidence.notShownToAll: item ${id} is not shown to all readers`;
  }
  if (name !== item.name) return `citation of ${id} must carry its name`;
  return null;
}
