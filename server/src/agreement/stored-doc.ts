import * as Y from 'yjs';
import type { DocStore } from '../store/types';
import type { DocRegistry } from './registry';

/**
 * A document as stored, after every update already received here has been stored: what sign-off and
 * negotiation judge (never a copy another connection may still be changing). The caller destroys it.
 */
export async function storedDoc(docs: DocRegistry, store: DocStore, name: string): Promise<Y.Doc> {
  await docs.flush(name);
  const stored = await store.loadDoc(name);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  return doc;
}
