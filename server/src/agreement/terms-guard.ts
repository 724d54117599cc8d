import * as Y from 'yjs';
import { AgreementDoc, SettlementTerms } from '@accord/shared';

type Key = keyof SettlementTerms;
const KEYS = Object.keys(SettlementTerms.shape) as Key[];
const isKey = (k: string | null): k is Key => k !== null && (KEYS as string[]).includes(k);

/**
 * Why an update would put a settlement term the schema refuses into the agreement's `terms` map
 * (`4.5`, `1e30`, `-0` or `NaN` as cents, a string as an amount, a nested type), or null.
 * The canonical text already reads such a value as empty; refusing it keeps the stored document
 * and every copy of it free of values nobody could have typed into the terms panel.
 *
 * A map entry names its key only when it is the first for that key; a later one points at the
 * entry it replaces (its origin), found in the same update or in the document.
 */
export function termsProblem(ydoc: Y.Doc, update: Uint8Array): string | null {
  let structs: (Y.Item | Y.GC | Y.Skip)[];
  try {
    ({ structs } = Y.decodeUpdate(update));
  } catch {
    return null; // malformed: LiveDoc refuses it with its own error
  }
  const items = structs.filter((s): s is Y.Item => s instanceof Y.Item);
  const terms = ydoc.share.get(AgreementDoc.terms);

  const inUpdate = (id: Y.ID) =>
    items.find((i) => i.id.client === id.client && i.id.clock <= id.clock && id.clock < i.id.clock + i.length);
  const inDoc = (id: Y.ID): Y.Item | null => {
    try {
      const found = Y.getItem(ydoc.store, id);
      return found instanceof Y.Item ? found : null;
    } catch {
      return null;
    }
  };
  /** The map key of `item` if it lives directly in the terms map, else null. */
  const termsKey = (item: Y.Item, depth = 0): string | null => {
    const parent: unknown = item.parent;
    if (typeof parent === 'string') return parent === AgreementDoc.terms ? item.parentSub : null;
    if (parent !== null) return terms !== undefined && parent === terms ? item.parentSub : null;
    const ref = item.origin ?? item.rightOrigin;
    if (!ref || depth > 1000) return null;
    const next = inUpdate(ref) ?? inDoc(ref);
    return next && next !== item ? termsKey(next, depth + 1) : null;
  };

  for (const item of items) {
    // What the document already holds is no new write (a client's sync step 2 resends it).
    if (item.id.clock + item.length <= Y.getState(ydoc.store, item.id.client)) continue;
    const key = termsKey(item);
    if (!isKey(key)) continue;
    const content: unknown = item.content;
    if (content instanceof Y.ContentDeleted) continue;
    const values = content instanceof Y.ContentAny ? content.arr : null;
    if (!values || values.length !== 1) return `settlement term ${key}: must be a plain value`;
    const parsed = SettlementTerms.shape[key].safeParse(values[0]);
    if (!parsed.success) {
      return `settlement term ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${String(values[0])})`;
    }
  }
  return null;
}
