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

  // An update may hold a whole offline session (thousands of items, each pointing at the last), so
  // references are found by binary search and every item's key is worked out once: a scan per
  // reference, a walk per item, blocked the event loop for seconds on a 24 KB update.
  const byClient = new Map<number, Y.Item[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client);
    if (list) list.push(item);
    else byClient.set(item.id.client, [item]);
  }
  for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  const inUpdate = (id: Y.ID): Y.Item | null => {
    const list = byClient.get(id.client) ?? [];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = list[mid]!;
      if (id.clock < item.id.clock) hi = mid - 1;
      else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
      else return item;
    }
    return null;
  };
  const inDoc = (id: Y.ID): Y.Item | null => {
    try {
      const found = Y.getItem(ydoc.store, id);
      return found instanceof Y.Item ? found : null;
    } catch {
      return null;
    }
  };
  const keys = new Map<Y.Item, string | null>();
  /** The map key of `item` if it lives directly in the terms map, else null. */
  const termsKey = (item: Y.Item): string | null => {
    // An item without parent info takes its parent from its origin (or right origin): follow the
    // chain to the first item whose key is known or that names its parent.
    const chain: Y.Item[] = [];
    let at: Y.Item | null = item;
    let key: string | null = null;
    while (at) {
      const known = keys.get(at);
      if (known !== undefined) {
        key = known;
        break;
      }
      // Null until resolved, so a cycle of references ends here.
      keys.set(at, null);
      chain.push(at);
      const parent: unknown = at.parent;
      if (typeof parent === 'string') {
        key = parent === AgreementDoc.terms ? at.parentSub : null;
        break;
      }
      if (parent !== null) {
        key = terms !== undefined && parent === terms ? at.parentSub : null;
        break;
      }
      const ref: Y.ID | null = at.origin ?? at.rightOrigin;
      at = ref ? (inUpdate(ref) ?? inDoc(ref)) : null;
    }
    for (const c of chain) keys.set(c, key);
    return key;
  };

  for (const item of items) {
    // What the document already holds is no new write (a client's sync step 2 resends it).
    if (item.id.clock + item.length <= Y.getState(ydoc.store, item.id.client)) continue;
    const key = termsKey(item);
    if (!isKey(key)) continue;
    const problem = valueProblem(key, item.content);
    if (problem) return problem;
  }
  return null;
}

/**
 * Why a transaction just applied left a settlement term the schema refuses in the terms map, or
 * null. termsProblem cannot follow a reference to content the document does not have yet, and Yjs
 * keeps such content waiting; a later update that supplies the missing entry brings it in, valid
 * as that update itself is. So the terms a transaction changed are judged again where they landed.
 */
export function landedTermsProblem(ydoc: Y.Doc, transaction: Y.Transaction): string | null {
  const terms = ydoc.share.get(AgreementDoc.terms);
  for (const key of (terms && transaction.changed.get(terms)) ?? []) {
    if (!isKey(key)) continue;
    const item = terms?._map.get(key);
    const problem = item && !item.deleted ? valueProblem(key, item.content) : null;
    if (problem) return problem;
  }
  return null;
}

function valueProblem(key: Key, content: unknown): string | null {
  if (content instanceof Y.ContentDeleted) return null;
  const values = content instanceof Y.ContentAny ? content.arr : null;
  if (!values || values.length !== 1) return `settlement term ${key}: must be a plain value`;
  const parsed = SettlementTerms.shape[key].safeParse(values[0]);
  return parsed.success
    ? null
    : `settlement term ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${String(values[0])})`;
}
