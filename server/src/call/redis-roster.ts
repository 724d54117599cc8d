import { Redis } from 'ioredis';
import type { CallEntry, CallEntryPatch, CallRoster } from './roster';

/** An entry as stored: the entry, the node whose connection it is, and when that node last vouched for it. */
interface Stored extends CallEntry {
  node: string;
  beat: number;
}

export interface RedisCallRosterOptions {
  /** An entry its node has not vouched for in this long stops counting (the node is taken for dead). */
  ttlMs?: number;
  /** How often a node vouches for its own entries. */
  refreshMs?: number;
}

// Each script reads and writes one room's hash atomically, so a compare-and-set by socket id holds
// whichever node runs it. Entries are JSON; cjson keeps the numbers (epoch ms fit its 14 digits).
const UPDATE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local e = cjson.decode(raw)
if e.socketId ~= ARGV[2] or tonumber(e.beat) < tonumber(ARGV[4]) then return false end
for k, v in pairs(cjson.decode(ARGV[3])) do e[k] = v end
local out = cjson.encode(e)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out`;

const REMOVE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
if cjson.decode(raw).socketId ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`;

// Refreshes the heartbeat of the given peers this node still owns; returns those it no longer does.
const TOUCH = `
local gone = {}
local kept = 0
for i = 4, #ARGV do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  local e = raw and cjson.decode(raw)
  if e and e.node == ARGV[1] then
    e.beat = tonumber(ARGV[2])
    redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(e))
    kept = kept + 1
  else
    table.insert(gone, ARGV[i])
  end
end
if kept > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return gone`;

// Deletes a stale entry only if it is still the one read (not replaced by a rejoin meanwhile).
const DROP_IF_SAME = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

type Scripts = Redis & {
  callUpdate(key: string, peerId: string, socketId: string, patch: string, freshAfter: number): Promise<string | null>;
  callRemove(key: string, peerId: string, socketId: string): Promise<number>;
  callTouch(key: string, node: string, now: number, keyTtlMs: number, ...peerIds: string[]): Promise<string[]>;
  callDropIfSame(key: string, peerId: string, raw: string): Promise<number>;
};

function parse(raw: string): Stored | null {
  try {
    const v = JSON.parse(raw) as Partial<Stored>;
    const ok =
      typeof v.peerId === 'string' &&
      typeof v.userId === 'string' &&
      typeof v.socketId === 'string' &&
      typeof v.audio === 'boolean' &&
      typeof v.video === 'boolean' &&
      typeof v.joinedAt === 'number' &&
      (v.awayUntil === null || typeof v.awayUntil === 'number') &&
      typeof v.node === 'string' &&
      typeof v.beat === 'number';
    return ok ? (v as Stored) : null;
  } catch {
    return null;
  }
}

const entryOf = ({ node: _node, beat: _beat, ...e }: Stored): CallEntry => e;

/**
 * The call roster shared by every node: a Redis hash per room (`<prefix>:call:<caseId>`), a field per
 * peer holding its entry, the node whose connection it is, and when that node last vouched for it.
 * A node vouches for its own entries every `refreshMs`; the entries of a node that died stop counting
 * after `ttlMs` and are deleted when next read. The key expires unless a heartbeat keeps it, so a room
 * nobody is left in takes no memory.
 *
 * A node that shuts down leaves its entries: the media flows between the browsers, not through the
 * node, so a call survives a node's restart; the connections come back (to any node) with their peer
 * ids within the TTL and take their entries over, or the entries lapse.
 */
export class RedisCallRoster implements CallRoster {
  private readonly redis: Scripts;
  /**
   * The entries of this node's connections, per room: the ones it vouches for, kept as last written
   * here so that a Redis that restarted empty gets them back.
   */
  private readonly mine = new Map<string, Map<string, CallEntry>>();
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly nodeId: string,
    options: RedisCallRosterOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    const redis = new Redis(url, { maxRetriesPerRequest: 3 });
    redis.defineCommand('callUpdate', { numberOfKeys: 1, lua: UPDATE });
    redis.defineCommand('callRemove', { numberOfKeys: 1, lua: REMOVE });
    redis.defineCommand('callTouch', { numberOfKeys: 1, lua: TOUCH });
    redis.defineCommand('callDropIfSame', { numberOfKeys: 1, lua: DROP_IF_SAME });
    this.redis = redis as Scripts;
    // A restarted Redis has forgotten every room's call: put ours back at once (not over a newer entry).
    this.redis.on('ready', () => void this.restore());
    this.timer = setInterval(() => void this.refresh(), options.refreshMs ?? 10_000);
    this.timer.unref();
  }

  /** Counts Redis errors (the client reconnects by itself; without a listener Node would log each one). */
  onError(count: () => void): void {
    this.redis.on('error', count);
  }

  private key(caseId: string): string {
    return `${this.prefix}:call:${caseId}`;
  }

  /** A key lives a little longer than its entries, and each heartbeat extends it. */
  private get keyTtlMs(): number {
    return this.ttlMs * 2;
  }

  async put(caseId: string, entry: CallEntry): Promise<void> {
    const stored: Stored = { ...entry, node: this.nodeId, beat: Date.now() };
    const key = this.key(caseId);
    await this.redis.multi().hset(key, entry.peerId, JSON.stringify(stored)).pexpire(key, this.keyTtlMs).exec();
    const room = this.mine.get(caseId) ?? new Map<string, CallEntry>();
    room.set(entry.peerId, { ...entry });
    this.mine.set(caseId, room);
  }

  async update(caseId: string, peerId: string, socketId: string, patch: CallEntryPatch): Promise<CallEntry | null> {
    // A JSON null in the patch decodes to cjson.null, which cjson writes back as null.
    const freshAfter = Date.now() - this.ttlMs;
    const raw = await this.redis.callUpdate(this.key(caseId), peerId, socketId, JSON.stringify(patch), freshAfter);
    const stored = raw === null ? null : parse(raw);
    if (!stored) return null;
    const entry = entryOf(stored);
    const room = this.mine.get(caseId);
    if (room?.has(peerId)) room.set(peerId, entry);
    return entry;
  }

  async remove(caseId: string, peerId: string, socketId: string): Promise<boolean> {
    const removed = (await this.redis.callRemove(this.key(caseId), peerId, socketId)) === 1;
    if (removed) this.mine.get(caseId)?.delete(peerId);
    return removed;
  }

  async list(caseId: string): Promise<CallEntry[]> {
    const key = this.key(caseId);
    const all = await this.redis.hgetall(key);
    const now = Date.now();
    const fresh: Stored[] = [];
    for (const [peerId, raw] of Object.entries(all)) {
      const e = parse(raw);
      const lapsed = !e || e.beat < now - this.ttlMs || (e.awayUntil !== null && e.awayUntil <= now);
      if (!lapsed) fresh.push(e);
      else await this.redis.callDropIfSame(key, peerId, raw);
    }
    return fresh.sort((a, b) => a.joinedAt - b.joinedAt).map(entryOf);
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    for (const [caseId, peers] of this.mine) {
      if (peers.size === 0) {
        this.mine.delete(caseId);
        continue;
      }
      const gone = await this.redis
        .callTouch(this.key(caseId), this.nodeId, now, this.keyTtlMs, ...peers.keys())
        .catch(() => [] as string[]);
      for (const peerId of gone) peers.delete(peerId);
    }
  }

  private async restore(): Promise<void> {
    const now = Date.now();
    for (const [caseId, peers] of this.mine) {
      if (peers.size === 0) continue;
      const key = this.key(caseId);
      const batch = this.redis.multi();
      for (const e of peers.values())
        batch.hsetnx(key, e.peerId, JSON.stringify({ ...e, node: this.nodeId, beat: now }));
      await batch
        .pexpire(key, this.keyTtlMs)
        .exec()
        .catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.quit().catch(() => undefined);
  }
}
