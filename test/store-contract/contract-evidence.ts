import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { EvidenceRecord } from '@accord/server';
import { type ContractContext } from './context';

/** Evidence rows: who added them (and their name), who sees them, the request they answer; sharing changed in place. */
export function contractEvidence(t: ContractContext): void {
  const item = (over: Partial<EvidenceRecord> = {}): EvidenceRecord => ({
    id: randomUUID(),
    caseId: t.caseId,
    uploadedBy: t.userId,
    uploaderRole: 'mediator',
    name: '调解笔录.pdf',
    storedName: `${randomUUID()}.bin`,
    type: 'application/pdf',
    size: 1234,
    sha256: 'a'.repeat(64),
    uploadedAt: '2026-12-01T09:00:00.000Z',
    uploaderName: '李调解员',
    shownTo: 'both',
    caucusSide: null,
    requestId: null,
    ...over,
  });

  it('evidence keeps who added it, who sees it and the request it answers', async () => {
    const { store } = t;
    const a = item();
    const b = item({ uploaderRole: 'customer', uploaderName: null, shownTo: 'caucus', caucusSide: 'customer' });
    await store.addEvidence(a, 10);
    await store.addEvidence(b, 10);
    expect(await store.getEvidence(b.id)).toEqual(b);
    expect((await store.listEvidence(t.caseId)).map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('setEvidenceSharing changes one item in place (caucus for a side, or both) and answers it; an unknown id is null', async () => {
    const { store } = t;
    const a = item();
    const b = item();
    await store.addEvidence(a, 10);
    await store.addEvidence(b, 10);
    expect(await store.setEvidenceSharing(a.id, 'caucus', 'lender')).toEqual({
      ...a,
      shownTo: 'caucus',
      caucusSide: 'lender',
    });
    expect(await store.getEvidence(a.id)).toMatchObject({ shownTo: 'caucus', caucusSide: 'lender' });
    expect(await store.getEvidence(b.id)).toEqual(b);
    expect(await store.setEvidenceSharing(a.id, 'both', null)).toEqual(a);
    expect(await store.setEvidenceSharing(randomUUID(), 'both', null)).toBeNull();
  });
}
