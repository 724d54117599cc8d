import { Redis } from 'ioredis';
import type { PresenceRegistry } from './presence';

export interface RedisPresenceOptions {
  /**
   * How long a connection counts after its node last vouched for it: a node killed or cut off from
   * Redis has its connections counted this long at most, and gone from Redis a heartbeat later.
   */
  ttlMs?: number;
  /** How often a node vouches for its own connections; well under `ttlMs`, so a live one never lapses. */
  refreshMs?: number;
}

// The time is Redis's (TIME), never a node's: expiry scores written by one node and compared by another
// need one clock. Milliseconds since the epoch fit a double, and Lua's 14-digit tostring, exactly.
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// Vouches for members until now + ttl, in each room given: KEYS are pairs (the room's key, and its key of
// the versions before, a hash that never expired: deleted on the room's next write); ARGV is the TTL, then
// per room how many members and the members. In each room it also deletes the members nobody vouched for
// in time (a dead node's) and sets the key to expire with its freshest member. Every node writing to a
// room runs this (on a join and every heartbeat), so a dead node's entries go within one of a survivor's
// heartbeats after they lapse, and with the key when no survivor has any. Returns per room how many
// members it added or deleted: on a heartbeat, either means who is online changed (a dead node's lapsed;
// a node's own came back after a Redis restart or a stall past the TTL). unpack() is bounded by Lua's C
// stack (8000 values): a node with thousands of connections to one room vouches in slices. One script
// for many rooms: a heartbeat pays the script call and its text once per slice of rooms, not per room.
// (Comments stay out of the Lua: EVAL sends the text every time.)
const VOUCH = `${NOW}
local ttl = tonumber(ARGV[1])
local exp = now + ttl
local out = {}
local a = 2
for k = 1, #KEYS, 2 do
  local last = a + tonumber(ARGV[a])
  local changed = 0
  local batch = {}
  for i = a + 1, last do
    batch[#batch + 1] = exp
    batch[#batch + 1] = ARGV[i]
    if #batch >= 1000 or i == last then
      changed = changed + redis.call('ZADD', KEYS[k], unpack(batch))
      batch = {}
    end
  end
  a = last + 1
  changed = changed + redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', now)
  redis.call('PEXPIRE', KEYS[k], ttl)
  redis.call('DEL', KEYS[k + 1])
  out[#out + 1] = changed
end
return out`;

/** Rooms per VOUCH call of a heartbeat: each call holds Redis a while, and a node may serve thousands. */
const ROOMS_PER_VOUCH = 100;

// The members still vouched for. Read-only: the sweep is left to the writers, so a count stays one
// cheap read however often the room's presence is broadcast.
const LIVE = `${NOW}
return redis.call('ZRANGE', KEYS[1], '(' .. now, '+inf', 'BYSCORE')`;

/**
 * Presence shared by every node: one Redis sorted set per room (`<prefix>:online:<case>`), a member per
 * connection (`userId|connectionId`) scored with the time its node's vouching runs out. Each node vouches
 * for its own connections every `refreshMs`; a node that dies (SIGKILL, a lost machine) stops, and its
 * members stop counting `ttlMs` after it last did and are deleted by the next survivor's heartbeat or
 * join in that room; the key's own expiry is renewed by every write, so a room no live node has a
 * connection in leaves no key behind.
 *
 * Chosen over the alternatives: a hash with per-field TTL (HEXPIRE) needs Redis 7.4; a key per node per
 * room makes counting a scan or a second index to keep; the old hash of last-vouched times kept a dead
 * node's fields (and so the key) forever. Counting stays one command, and a chat message touches none of
 * this.
 *
 * The scripts go as EVAL, not EVALSHA: ioredis retries an EVALSHA that met an empty script cache (a
 * restarted Redis) as EVAL after the commands sent behind it, and a join retried after its own leave
 * would leave a ghost for `ttlMs`. Commands on one connection run in the order they are sent, and each
 * operation builds its arguments from `mine` and sends them in the same tick, so a heartbeat cannot put
 * back a connection whose removal was sent before it.
 */
export class RedisPresence implements PresenceRegistry {
  private readonly redis: Redis;
  /** This node's connections per room: what it vouches for, and gives back to a Redis that restarted empty. */
  private readonly mine = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;
  private readonly lapsedListeners: ((caseId: string) => void)[] = [];

  constructor(
    url: string,
    private readonly prefix: string,
    options: RedisPresenceOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    const refreshMs = options.refreshMs ?? Math.floor(this.ttlMs / 3);
    if (refreshMs >= this.ttlMs) throw new Error('presence: refreshMs must be shorter than ttlMs');
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
    // A restarted Redis has forgotten every room's presence (and a node cut off longer than ttlMs has
    // had its entries swept): vouch for ours again at once.
    this.redis.on('ready', () => void this.refresh());
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  private key(caseId: string) {
    return `${this.prefix}:online:${caseId}`;
  }

  /**
   * Where versions before this one kept a room's presence: a hash without expiry. A new name, so that
   * during a rolling upgrade neither version meets the other's type (WRONGTYPE would fail its joins);
   * each version counts only its own nodes' connections until the last old node is gone (and an old node
   * sees the old hash emptied by a new node's write now and then, until its next heartbeat refills it).
   */
  private legacyKey(caseId: string) {
    return `${this.prefix}:presence:${caseId}`;
  }

  /** Counts Redis errors (the client reconnects by itself; without a listener Node would log each one). */
  onError(count: () => void): void {
    this.redis.on('error', count);
  }

  onLapsed(listener: (caseId: string) => void): void {
    this.lapsedListeners.push(listener);
  }

  async add(caseId: string, userId: string, connectionId: string): Promise<void> {
    const field = `${userId}|${connectionId}`;
    const set = this.mine.get(caseId) ?? new Set<string>();
    set.add(field);
    this.mine.set(caseId, set);
    await this.redis.eval(VOUCH, 2, this.key(caseId), this.legacyKey(caseId), this.ttlMs, 1, field);
  }

  async remove(caseId: string, userId: string, connectionId: string): Promise<void> {
    const field = `${userId}|${connectionId}`;
    const set = this.mine.get(caseId);
    set?.delete(field);
    if (set?.size === 0) this.mine.delete(caseId);
    // Redis deletes a sorted set with its last member: an emptied room leaves no key.
    await this.redis.zrem(this.key(caseId), field);
  }

  async counts(caseId: string): Promise<Map<string, number>> {
    const live = (await this.redis.eval(LIVE, 1, this.key(caseId))) as string[];
    const counts = new Map<string, number>();
    for (const field of live) {
      const userId = field.slice(0, field.indexOf('|'));
      counts.set(userId, (counts.get(userId) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * Every room's vouching in one pipeline: one round trip per heartbeat, however many rooms. A room whose
   * members it changed is told of (a join's own vouching needs not: a join is announced).
   */
  private async refresh(): Promise<void> {
    if (this.mine.size === 0) return;
    const rooms = [...this.mine];
    const batch = this.redis.pipeline();
    for (let i = 0; i < rooms.length; i += ROOMS_PER_VOUCH) {
      const slice = rooms.slice(i, i + ROOMS_PER_VOUCH);
      const keys = slice.flatMap(([caseId]) => [this.key(caseId), this.legacyKey(caseId)]);
      const args = slice.flatMap(([, fields]) => [fields.size, ...fields]);
      batch.eval(VOUCH, keys.length, ...keys, this.ttlMs, ...args);
    }
    const results = await batch.exec().catch(() => null);
    results?.forEach(([err, changed], s) => {
      if (err || !Array.isArray(changed)) return;
      changed.forEach((n, i) => {
        const room = rooms[s * ROOMS_PER_VOUCH + i];
        if (typeof n === 'number' && n > 0 && room) for (const listener of this.lapsedListeners) listener(room[0]);
      });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // This node's connections are gone with it.
    const batch = this.redis.pipeline();
    for (const [caseId, fields] of this.mine) batch.zrem(this.key(caseId), ...fields);
    await batch.exec().catch(() => undefined);
    await this.redis.quit().catch(() => undefined);
  }
}
