import { describe, expect, it } from 'vitest';
import { LocalBus } from '../scale/bus';
import { withMemberCache } from './member-cache';
import { MemoryStore } from './memory';
import type { MemberRecord, Store } from './types';

// The whole store contract runs through the cache too: test/store-contract/member-cache.test.ts.

const CASE = 'case-1';
const USER = 'user-1';

/** A store whose getMember calls are counted and can be held until released. */
function counted(inner: Store) {
  let reads = 0;
  let hold: Promise<void> | null = null;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'getMember') {
        return async (caseId: string, userId: string): Promise<MemberRecord | null> => {
          reads++;
          const member = await target.getMember(caseId, userId);
          if (hold) await hold;
          return member;
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return {
    store,
    reads: () => reads,
    holdReads: () => {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

async function setup(ttlMs = 60_000) {
  const raw = new MemoryStore();
  await raw.putMember({ caseId: CASE, userId: USER, role: 'customer', displayName: '王女士' });
  const bus = new LocalBus('shared');
  const a = counted(raw);
  const b = counted(raw);
  const nodeA = withMemberCache(a.store, bus, { ttlMs });
  const nodeB = withMemberCache(b.store, bus, { ttlMs });
  return { raw, a, b, nodeA: nodeA.store, nodeB: nodeB.store };
}

describe('member cache', () => {
  it('reads a member from the store once, then from the cache', async () => {
    const { a, nodeA } = await setup();
    expect((await nodeA.getMember(CASE, USER))?.muted).toBe(false);
    expect((await nodeA.getMember(CASE, USER))?.muted).toBe(false);
    expect(a.reads()).toBe(1);
  });

  it('a write through one node is seen at once by that node and, through the bus, by the others', async () => {
    const { nodeA, nodeB } = await setup();
    await nodeA.getMember(CASE, USER);
    await nodeB.getMember(CASE, USER);
    await nodeA.setMemberFlags(CASE, USER, { muted: true });
    expect((await nodeA.getMember(CASE, USER))?.muted).toBe(true);
    expect((await nodeB.getMember(CASE, USER))?.muted).toBe(true);
    await nodeB.removeMember(CASE, USER, new Date().toISOString());
    expect((await nodeA.getMember(CASE, USER))?.removedAt).not.toBeNull();
  });

  it('admitting everyone who waits is seen by every node', async () => {
    const { nodeA, nodeB } = await setup();
    expect((await nodeA.getMember(CASE, USER))?.admitted).toBe(false);
    expect((await nodeB.getMember(CASE, USER))?.admitted).toBe(false);
    expect(await nodeA.admitAll(CASE)).toEqual([USER]);
    expect((await nodeA.getMember(CASE, USER))?.admitted).toBe(true);
    expect((await nodeB.getMember(CASE, USER))?.admitted).toBe(true);
  });

  it('a write the bus never carried is seen once the entry is older than the ttl', async () => {
    const { raw, nodeB } = await setup(30);
    await nodeB.getMember(CASE, USER);
    await raw.setMemberFlags(CASE, USER, { muted: true });
    expect((await nodeB.getMember(CASE, USER))?.muted).toBe(false);
    await new Promise((r) => setTimeout(r, 40));
    expect((await nodeB.getMember(CASE, USER))?.muted).toBe(true);
  });

  it('does not cache an absent member: one added by another process is seen at once', async () => {
    const { raw, nodeA } = await setup();
    expect(await nodeA.getMember(CASE, 'user-2')).toBeNull();
    await raw.putMember({ caseId: CASE, userId: 'user-2', role: 'platform', displayName: '平台客服' });
    expect((await nodeA.getMember(CASE, 'user-2'))?.role).toBe('platform');
  });

  it('a read that raced a write does not keep the row from before the write', async () => {
    const { a, nodeA } = await setup();
    const release = a.holdReads();
    const racing = nodeA.getMember(CASE, USER);
    await nodeA.setMemberFlags(CASE, USER, { muted: true });
    release();
    // The racing read may return either row; what it read before the write must not be cached.
    await racing;
    expect((await nodeA.getMember(CASE, USER))?.muted).toBe(true);
    expect(a.reads()).toBe(2);
  });

  it('a bus reconnect drops everything cached', async () => {
    const raw = new MemoryStore();
    await raw.putMember({ caseId: CASE, userId: USER, role: 'customer', displayName: '王女士' });
    const reconnects: (() => void)[] = [];
    // A LocalBus never reconnects; this one hands its reconnect handlers to the test.
    const bus = Object.assign(new LocalBus('n'), {
      onReconnect: (handler: () => void) => (reconnects.push(handler), () => undefined),
    });
    const c = counted(raw);
    const { store } = withMemberCache(c.store, bus);
    await store.getMember(CASE, USER);
    await raw.setMemberFlags(CASE, USER, { muted: true });
    for (const h of reconnects) h();
    expect((await store.getMember(CASE, USER))?.muted).toBe(true);
    expect(c.reads()).toBe(2);
  });
});
