export type * from './types';
export { SqliteStore, type SqliteOptions } from './sqlite';
export { MemoryStore } from './memory';
export { withMemberCache, type MemberCacheOptions } from './member-cache';
