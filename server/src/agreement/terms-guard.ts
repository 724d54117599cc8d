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
  let structs: Structs;
  try {
    ({ structs } = Y.decodeUpdate(update));
  } catch {
    return null; // malformed: LiveDoc refuses it with its own error
  }
  return termsProblemOf(ydoc, structs);
}

type Structs = readonly (Y.Item | Y.GC | Y.Skip)[];

/**
 * termsProblem for an update already decoded (the Yjs endpoint decodes each update once, for this
 * and for LiveDoc's checks). Most items name their parent or point at content the document holds
 * (typing): they are judged without the update's index of items, which is built only when an item's
 * parent must be followed through the update itself.
 */
export function termsProblemOf(ydoc: Y.Doc, structs: Structs): string | null {
  const terms = ydoc.share.get(AgreementDoc.terms);
  let chains: TermsChains | null = null;
  for (const item of structs) {
    if (!(item instanceof Y.Item)) continue;
    // What the document already holds is no new write (a client's sync step 2 resends it).
    if (item.id.clock + item.length <= Y.getState(ydoc.store, item.id.client)) continue;
    const parent: unknown = item.parent;
    let key: string | null;
    if (typeof parent === 'string') key = parent === AgreementDoc.terms ? item.parentSub : null;
    else if (parent !== null) key = terms !== undefined && parent === terms ? item.parentSub : null;
    else {
      chains ??= new TermsChains(ydoc, structs, terms);
      key = chains.termsKey(item);
    }
    if (!isKey(key)) continue;
    const problem = valueProblem(key, item.content);
    if (problem) return problem;
  }
  return null;
}

/**
 * The map keys of an update's items that name no parent (they take their origin's), worked out once
 * per item. An update may hold a whole offline session (thousands of items, each pointing at the
 * last), so references are found by binary search and every item's key is worked out once: a scan
 * per reference, a walk per item, blocked the event loop for seconds on a 24 KB update.
 */
class TermsChains {
  private readonly byClient = new Map<number, Y.Item[]>();
  private readonly keys = new Map<Y.Item, string | null>();

  constructor(
    private readonly ydoc: Y.Doc,
    structs: Structs,
    /** The document's terms map, if it has one (compared by identity only). */
    private readonly terms: unknown,
  ) {
    for (const item of structs) {
      if (!(item instanceof Y.Item)) continue;
      const list = this.byClient.get(item.id.client);
      if (list) list.push(item);
      else this.byClient.set(item.id.client, [item]);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  private inUpdate(id: Y.ID): Y.Item | null {
    const list = this.byClient.get(id.client);
    if (!list) return null;
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
  }

  private inDoc(id: Y.ID): Y.Item | null {
    try {
      const found = Y.getItem(this.ydoc.store, id);
      return found instanceof Y.Item ? found : null;
    } catch {
      return null;
    }
  }

  /** The map key of `item` if it lives directly in the terms map, else null. */
  termsKey(item: Y.Item): string | null {
    // An item without parent info takes its parent from its origin (or right origin): follow the
    // chain to the first item whose key is known or that names its parent.
    const keys = this.keys;
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
        key = this.terms !== undefined && parent === this.terms ? at.parentSub : null;
        break;
      }
      const ref: Y.ID | null = at.origin ?? at.rightOrigin;
      at = ref ? (this.inUpdate(ref) ?? this.inDoc(ref)) : null;
    }
    for (const c of chain) keys.set(c, key);
    return key;
  }
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
