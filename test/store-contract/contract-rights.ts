import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { RightsAckRecord } from '@accord/server';
import { createGuest, type ContractContext } from './context';

const HASH = 'a'.repeat(64);

/** The parties' acknowledgements of the rights and duties: one per person per case, the first kept, never purged. */
export function contractRights(t: ContractContext): void {
  const ackOf = (over: Partial<RightsAckRecord> = {}): RightsAckRecord => ({
    caseId: t.caseId,
    userId: t.userId,
    role: 'customer',
    language: 'zh-CN',
    version: '2026-12-05',
    sha256: HASH,
    at: '2026-12-05T08:00:00.000Z',
    ...over,
  });

  it('99. an acknowledgement is stored once per person per case; the first is kept and returned', async () => {
    const { store } = t;
    expect(await store.getRightsAck(t.caseId, t.userId)).toBeNull();
    expect(await store.listRightsAcks(t.caseId)).toEqual([]);
    const first = ackOf();
    expect(await store.addRightsAck(first)).toEqual({ record: first, created: true });
    const later = ackOf({
      language: 'en',
      version: '2027-01-01',
      sha256: 'b'.repeat(64),
      at: '2026-12-06T08:00:00.000Z',
    });
    expect(await store.addRightsAck(later)).toEqual({ record: first, created: false });
    expect(await store.getRightsAck(t.caseId, t.userId)).toEqual(first);
    // The same person on another case acknowledges that case apart.
    const other = await store.createCase({
      id: randomUUID(),
      title: 'Other',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    expect((await store.addRightsAck(ackOf({ caseId: other.id }))).created).toBe(true);
    expect(await store.listRightsAcks(t.caseId)).toEqual([first]);
  });

  it('100. two acknowledgements of one person at once: one stored, the other told it was not', async () => {
    const { store } = t;
    const results = await Promise.all([ackOf(), ackOf({ language: 'en' })].map((a) => store.addRightsAck(a)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.record).toEqual(results[1]?.record);
    expect(await store.listRightsAcks(t.caseId)).toHaveLength(1);
  });

  it('101. listed in the order given (by time, then person), and kept by the purge', async () => {
    const { store } = t;
    const rep = await createGuest(store, '李华');
    const platform = ackOf({ userId: rep, role: 'platform', at: '2026-12-05T07:00:00.000Z' });
    const customer = ackOf();
    await store.addRightsAck(customer);
    await store.addRightsAck(platform);
    expect(await store.listRightsAcks(t.caseId)).toEqual([platform, customer]);
    await store.purgeCase(t.caseId, '2030-01-01T00:00:00.000Z');
    expect(await store.listRightsAcks(t.caseId)).toEqual([platform, customer]);
  });
}
