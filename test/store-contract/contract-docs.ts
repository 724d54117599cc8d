import { expect, it } from 'vitest';
import { type ContractContext } from './context';

/** Documents: the update log, compaction. */
export function contractDocs(t: ContractContext): void {
  it('6. document updates load in order; compaction replaces them by a snapshot atomically, and only forward', async () => {
    const { store, caseId } = t;
    const a = await store.appendDocUpdate(caseId, new Uint8Array([1]));
    const b = await store.appendDocUpdate(caseId, new Uint8Array([2]));
    await store.appendDocUpdate(`${caseId}/notes`, new Uint8Array([9]));
    expect(b).toBeGreaterThan(a);
    let doc = await store.loadDoc(caseId);
    expect(doc.snapshot).toBeNull();
    expect(doc.updates.map((u) => [...u.data])).toEqual([[1], [2]]);
    const c = await store.appendDocUpdate(caseId, new Uint8Array([3]));
    await store.compactDoc(caseId, new Uint8Array([7, 7]), [a, b]);
    doc = await store.loadDoc(caseId);
    expect([...(doc.snapshot ?? [])]).toEqual([7, 7]);
    expect(doc.updates.map((u) => u.id)).toEqual([c]);
    expect((await store.loadDoc(`${caseId}/notes`)).updates).toHaveLength(1);
    // A compaction from an older view (another node's) neither replaces the newer snapshot nor deletes anything.
    await store.compactDoc(caseId, new Uint8Array([5]), [a]);
    doc = await store.loadDoc(caseId);
    expect([...(doc.snapshot ?? [])]).toEqual([7, 7]);
    expect(doc.updates.map((u) => u.id)).toEqual([c]);
    // Only the ids covered go: one below the highest that was not read (committed late) stays.
    const d = await store.appendDocUpdate(caseId, new Uint8Array([4]));
    const e = await store.appendDocUpdate(caseId, new Uint8Array([6]));
    await store.compactDoc(caseId, new Uint8Array([8]), [c, e]);
    doc = await store.loadDoc(caseId);
    expect([...(doc.snapshot ?? [])]).toEqual([8]);
    expect(doc.updates.map((u) => u.id)).toEqual([d]);
  });
}
