import * as Y from 'yjs';
import { AgreementDoc, TERMS_KEYS, type SettlementTerms } from '@accord/shared';

type Key = keyof SettlementTerms;
const isKey = (k: string | null): k is Key => k !== null && (TERMS_KEYS as string[]).includes(k);

/** A settlement term's value as the terms map stores it (the terms guard lets nothing else in). */
export type TermValue = string | number | boolean | null;

/**
 * One settlement term changed by one update, as the sender's change reads to people:
 * - conflict null: the sender changed `from` (which it had seen) to `to`.
 * - 'overwrote': the sender's `to` replaced `from`, a value it had never seen (written at the same
 *   time, or while it was offline): the author of `from` lost that value.
 * - 'lost': the sender's `to` lost to `from`, a value written at the same time that it had never
 *   seen; the term still reads `from`. Kept so that no value typed into the panel disappears untraced.
 */
export interface TermChange {
  key: Key;
  from: TermValue;
  to: TermValue;
  conflict: null | 'overwrote' | 'lost';
}

/** The items holding each term's current value (taken before an update is applied). */
export type TermItems = ReadonlyMap<string, Y.Item>;

function termsType(doc: Y.Doc): Y.AbstractType<unknown> | undefined {
  return doc.share.get(AgreementDoc.terms) as Y.AbstractType<unknown> | undefined;
}

export function currentTermItems(doc: Y.Doc): TermItems {
  const out = new Map<string, Y.Item>();
  const terms = termsType(doc);
  if (!terms) return out;
  for (const [key, item] of terms._map) if (!item.deleted && isKey(key)) out.set(key, item);
  return out;
}

function valueOf(item: Y.Item | null | undefined): TermValue {
  if (!item) return null;
  // Read in afterTransaction, before Yjs garbage-collects what the transaction deleted, so even an
  // item that lost its conflict still has its content here.
  const content = item.content;
  if (!(content instanceof Y.ContentAny)) return null;
  const v: unknown = content.arr[0];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/**
 * The term changes a transaction (one client update, already checked by the guards) made, judged
 * from the items it integrated into the terms map and the items that held each term before. When
 * one update writes a term several times (an offline session), its last write is the change: one
 * entry per term per update. Whether the sender had seen the value it replaced is read from its
 * first new item's origin: a map item's origin is the entry the writer saw as current.
 */
export function landedTermChanges(doc: Y.Doc, tr: Y.Transaction, before: TermItems): TermChange[] {
  const terms = termsType(doc);
  // Yjs records every item integrated into or deleted from a root type in `changed`: a transaction
  // without the terms there changed no term (most updates are typing), and needs no walk.
  // (Yjs keys `changed` by its types, typed with `any` events.)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const changedKeys = terms && tr.changed.get(terms as Y.AbstractType<Y.YEvent<any>>);
  if (!terms || !changedKeys) return [];
  const fresh = new Map<Key, Y.Item[]>();
  for (const [client, after] of tr.afterState) {
    const since = tr.beforeState.get(client) ?? 0;
    if (after <= since) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = structs.length - 1; i >= 0; i--) {
      const s = structs[i]!;
      if (s.id.clock + s.length <= since) break;
      if (!(s instanceof Y.Item) || s.parent !== terms || !isKey(s.parentSub)) continue;
      const list = fresh.get(s.parentSub);
      if (list) list.push(s);
      else fresh.set(s.parentSub, [s]);
    }
  }
  const keys = new Set<Key>(fresh.keys());
  for (const k of changedKeys) if (isKey(k)) keys.add(k);

  const out: TermChange[] = [];
  for (const key of TERMS_KEYS) {
    if (!keys.has(key)) continue;
    const prev = before.get(key) ?? null;
    const from = valueOf(prev);
    const current = terms._map.get(key);
    const now = current && !current.deleted ? current : null;
    const mine = fresh.get(key) ?? [];
    if (now && mine.includes(now)) {
      const to = valueOf(now);
      if (to === from) continue;
      const saw =
        prev === null ||
        mine.some(
          (i) => i.origin !== null && i.origin.client === prev.id.client && i.origin.clock === prev.lastId.clock,
        );
      out.push({ key, from, to, conflict: saw ? null : 'overwrote' });
    } else if (mine.length > 0) {
      // Every write of the sender's lost to a concurrent one: its last write is the rightmost.
      const last = mine.find((i) => !mine.includes(i.right as Y.Item)) ?? mine[0]!;
      const to = valueOf(last);
      const kept = valueOf(now);
      if (to === kept) continue;
      out.push({ key, from: kept, to, conflict: 'lost' });
    } else if (prev && !now) {
      out.push({ key, from, to: null, conflict: null });
    }
  }
  return out;
}
