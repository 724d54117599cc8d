import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallEntry, CallRoster } from '@accord/server';

/** Two nodes' view of one roster (the same object in one process; two connections to one Redis scaled out). */
export interface RosterPair {
  a: CallRoster;
  b: CallRoster;
  close(): Promise<void>;
}

const entry = (peerId: string, over: Partial<CallEntry> = {}): CallEntry => ({
  peerId,
  userId: 'user-1',
  socketId: `socket-of-${peerId}`,
  audio: true,
  video: false,
  joinedAt: Date.now(),
  awayUntil: null,
  ...over,
});

/**
 * The rules every CallRoster keeps, numbered so that a failure names the rule. The call service
 * relies on them on every node: an entry is changed or removed only by the connection that holds it.
 */
export function registerCallRosterContract(name: string, factory: () => Promise<RosterPair>): void {
  describe(`CallRoster contract: ${name}`, () => {
    let pair: RosterPair;
    let caseId: string;
    beforeEach(async () => {
      pair = await factory();
      caseId = randomUUID();
    });
    afterEach(async () => {
      await pair.close();
    });

    it('R1 lists a room’s entries in the order they joined, on every node', async () => {
      const now = Date.now();
      await pair.a.put(caseId, entry('peer-b-00000000000', { joinedAt: now + 2 }));
      await pair.b.put(caseId, entry('peer-a-00000000000', { joinedAt: now + 1 }));
      for (const r of [pair.a, pair.b]) {
        expect((await r.list(caseId)).map((e) => e.peerId)).toEqual(['peer-a-00000000000', 'peer-b-00000000000']);
      }
      expect(await pair.a.list(randomUUID())).toEqual([]);
    });

    it('R2 a put with a peer id already there replaces its entry (a rejoin)', async () => {
      await pair.a.put(caseId, entry('peer-0000000000000', { socketId: 's1' }));
      await pair.b.put(caseId, entry('peer-0000000000000', { socketId: 's2', video: true }));
      const listed = await pair.a.list(caseId);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ socketId: 's2', video: true });
    });

    it('R3 update changes an entry only if the same connection still holds it, on any node', async () => {
      await pair.a.put(caseId, entry('peer-0000000000000', { socketId: 's1' }));
      expect(await pair.b.update(caseId, 'peer-0000000000000', 's-other', { audio: false })).toBeNull();
      expect(await pair.b.update(caseId, 'peer-nobody-000000', 's1', { audio: false })).toBeNull();
      const changed = await pair.b.update(caseId, 'peer-0000000000000', 's1', { audio: false, video: true });
      expect(changed).toMatchObject({ peerId: 'peer-0000000000000', audio: false, video: true, awayUntil: null });
      const away = Date.now() + 60_000;
      expect(await pair.a.update(caseId, 'peer-0000000000000', 's1', { awayUntil: away })).toMatchObject({
        awayUntil: away,
      });
      expect(await pair.a.update(caseId, 'peer-0000000000000', 's1', { awayUntil: null })).toMatchObject({
        awayUntil: null,
      });
      expect((await pair.b.list(caseId))[0]).toEqual({ ...changed, awayUntil: null });
    });

    it('R4 remove removes an entry only if the same connection still holds it (not after a takeover)', async () => {
      await pair.a.put(caseId, entry('peer-0000000000000', { socketId: 's1' }));
      await pair.b.put(caseId, entry('peer-0000000000000', { socketId: 's2' }));
      expect(await pair.a.remove(caseId, 'peer-0000000000000', 's1')).toBe(false);
      expect(await pair.a.update(caseId, 'peer-0000000000000', 's1', { awayUntil: Date.now() + 1000 })).toBeNull();
      expect(await pair.a.list(caseId)).toHaveLength(1);
      expect(await pair.a.remove(caseId, 'peer-0000000000000', 's2')).toBe(true);
      expect(await pair.a.remove(caseId, 'peer-0000000000000', 's2')).toBe(false);
      expect(await pair.b.list(caseId)).toEqual([]);
    });

    it('R5 an entry kept away past its time is left out', async () => {
      await pair.a.put(caseId, entry('peer-away-00000000', { socketId: 's1' }));
      await pair.a.put(caseId, entry('peer-here-00000000', { socketId: 's2' }));
      await pair.a.update(caseId, 'peer-away-00000000', 's1', { awayUntil: Date.now() + 150 });
      expect(await pair.b.list(caseId)).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 300));
      expect((await pair.b.list(caseId)).map((e) => e.peerId)).toEqual(['peer-here-00000000']);
    });

    it('R6 concurrent changes from two nodes: exactly one remove wins, updates after it fail', async () => {
      await pair.a.put(caseId, entry('peer-0000000000000', { socketId: 's1' }));
      const results = await Promise.all([
        pair.a.remove(caseId, 'peer-0000000000000', 's1'),
        pair.b.remove(caseId, 'peer-0000000000000', 's1'),
        pair.a.remove(caseId, 'peer-0000000000000', 's1'),
        pair.b.remove(caseId, 'peer-0000000000000', 's1'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await pair.b.update(caseId, 'peer-0000000000000', 's1', { audio: false })).toBeNull();
    });

    it('R7 rooms are separate', async () => {
      const other = randomUUID();
      await pair.a.put(caseId, entry('peer-0000000000000', { socketId: 's1' }));
      expect(await pair.b.list(other)).toEqual([]);
      expect(await pair.b.remove(other, 'peer-0000000000000', 's1')).toBe(false);
      expect(await pair.b.update(other, 'peer-0000000000000', 's1', { audio: false })).toBeNull();
      expect(await pair.a.list(caseId)).toHaveLength(1);
    });
  });
}
