import type { Bus } from '../scale/bus';
import type { MemberRecord, Store } from './types';

export interface MemberCacheOptions {
  /**
   * How long a cached member is trusted without news from the bus: a backstop for writes the bus
   * never carried (another process on the same database, a bus message lost while Redis was away).
   */
  ttlMs?: number;
  /** A write succeeded but the other nodes could not be told; they catch up within `ttlMs`. */
  onPublishError?: (err: unknown) => void;
}

const keyOf = (caseId: string, userId: string) => `${caseId}\u0000${userId}`;

/**
 * The store with its members read through a node-local cache. Membership (removed, muted, admitted)
 * is checked on every chat message and every Yjs update; reading it from the store each time was
 * ~4 % of the server's chat CPU and ~8 % of its co-editing CPU in the profiles. Every write of a
 * member through this store (put, flags, admit all, remove: every method that changes a membership
 * row) drops the entry here and tells every node on the bus (`member.flags`),
 * as the room-state cache is kept; the removal and role-change messages drop it too, and a bus
 * reconnect drops everything. Absent members are not cached, so one added by another process is
 * seen at once. Returned records are shared: callers must not change them (none does).
 */
export function withMemberCache(
  store: Store,
  bus: Bus,
  options: MemberCacheOptions = {},
): { store: Store; close: () => void } {
  const ttlMs = options.ttlMs ?? 5000;
  const cache = new Map<string, { member: MemberRecord; at: number }>();
  // Bumped by every invalidation: a read that started before one must not cache what it read.
  let epoch = 0;
  const forget = (caseId: string, userId: string) => {
    epoch++;
    cache.delete(keyOf(caseId, userId));
  };
  const forgetCase = (caseId: string) => {
    epoch++;
    const prefix = keyOf(caseId, '');
    for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
  };
  const changed = async (caseId: string, userId: string) => {
    forget(caseId, userId);
    try {
      await bus.publish({ type: 'member.flags', caseId, userId });
    } catch (err) {
      options.onPublishError?.(err);
    }
  };

  /** A write of one member: dropped before it too, so a read racing the write cannot keep the old row. */
  const written = async <T>(caseId: string, userId: string, write: () => Promise<T>): Promise<T> => {
    forget(caseId, userId);
    const result = await write();
    await changed(caseId, userId);
    return result;
  };

  const unsubscribe = bus.subscribe(({ message }) => {
    if (message.type === 'member.flags' || message.type === 'member.removed' || message.type === 'member.changed') {
      forget(message.caseId, message.userId);
    } else if (message.type === 'member.admitted') {
      for (const userId of message.userIds) forget(message.caseId, userId);
    }
  });
  const unsubscribeReconnect = bus.onReconnect(() => {
    epoch++;
    cache.clear();
  });

  const overrides: Partial<Store> = {
    peekMember(caseId, userId) {
      const hit = cache.get(keyOf(caseId, userId));
      return hit && performance.now() - hit.at < ttlMs ? hit.member : undefined;
    },
    async getMember(caseId, userId) {
      const key = keyOf(caseId, userId);
      const hit = cache.get(key);
      if (hit && performance.now() - hit.at < ttlMs) return hit.member;
      const started = epoch;
      const member = await store.getMember(caseId, userId);
      if (member && epoch === started) cache.set(key, { member, at: performance.now() });
      else cache.delete(key);
      return member;
    },
    putMember: (member) => written(member.caseId, member.userId, () => store.putMember(member)),
    setMemberFlags: (caseId, userId, flags) =>
      written(caseId, userId, () => store.setMemberFlags(caseId, userId, flags)),
    async admitAll(caseId) {
      // Whom it admits is known only afterwards: every entry of the case goes, before and after.
      forgetCase(caseId);
      const admitted = await store.admitAll(caseId);
      forgetCase(caseId);
      for (const userId of admitted) await changed(caseId, userId);
      return admitted;
    },
    removeMember: (caseId, userId, at) => written(caseId, userId, () => store.removeMember(caseId, userId, at)),
  };

  const proxied = new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof Store];
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return {
    store: proxied,
    close: () => {
      unsubscribe();
      unsubscribeReconnect();
      cache.clear();
    },
  };
}
