import { expect, it } from 'vitest';
import { GENESIS_HASH } from '@accord/shared';
import { type ContractContext } from './context';

/** Room state and the audit log. */
export function contractRoom(t: ContractContext): void {
  it('11. room state starts scheduled with a lobby and counts its versions', async () => {
    const { store, caseId } = t;
    const initial = await store.getRoomState(caseId);
    expect(initial).toMatchObject({ phase: 'scheduled', lobby: true, agreementLocked: false, version: 0 });
    const a = await store.updateRoomState(caseId, { phase: 'opening' });
    const b = await store.updateRoomState(caseId, { pinned: { text: '请保持礼貌', by: 'm', at: 'now' } });
    expect([a.version, b.version]).toEqual([1, 2]);
    await expect(store.updateRoomState(caseId, { phase: 'joint' }, 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.updateRoomState(caseId, { lobby: false }, 2)).version).toBe(3);
    expect(await store.getRoomState(caseId)).toEqual({ ...b, phase: 'opening', lobby: false, version: 3 });
  });

  it('11b. room state keeps where a caucus returns to and who has had one', async () => {
    const { store, caseId, userId } = t;
    expect(await store.getRoomState(caseId)).toMatchObject({ caucusReturnPhase: null, caucusParties: [] });
    const before = await store.getRoomState(caseId);
    await store.updateRoomState(caseId, {
      phase: 'caucus',
      caucusUserId: userId,
      caucusReturnPhase: 'drafting',
      caucusParties: [userId],
    });
    expect(await store.getRoomState(caseId)).toMatchObject({
      phase: 'caucus',
      caucusUserId: userId,
      caucusReturnPhase: 'drafting',
      caucusParties: [userId],
    });
    await store.updateRoomState(caseId, { phase: 'drafting', caucusUserId: null, caucusReturnPhase: null });
    expect(await store.getRoomState(caseId)).toMatchObject({ caucusReturnPhase: null, caucusParties: [userId] });
    await store.updateRoomState(caseId, { phase: before.phase, caucusParties: [] });
  });

  it('13. the audit log chains each entry to the one before, even under concurrent appends', async () => {
    const { store, caseId, userId } = t;
    const append = (n: number) =>
      store.appendAudit(caseId, (prev) => ({
        caseId,
        seq: (prev?.seq ?? 0) + 1,
        at: new Date().toISOString(),
        actorId: userId,
        kind: 'test',
        data: { n },
        prevHash: prev?.hash ?? GENESIS_HASH,
        hash: `${(prev?.seq ?? 0) + 1}`.padStart(64, 'h'),
      }));
    await Promise.all([1, 2, 3, 4, 5].map(append));
    const log = await store.listAudit(caseId, { limit: 10 });
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log[0]?.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < log.length; i++) expect(log[i]?.prevHash).toBe(log[i - 1]?.hash);
    expect((await store.listAudit(caseId, { beforeSeq: 3, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
  });
}
