import { Redis } from 'ioredis';
import type { PresenceRegistry } from './presence';

const TTL_MS = 30_000;
const REFRESH_MS = 10_000;

/**
 * Presence shared by every node: one Redis hash per room, a field per
 * connection (`userId|connectionId`) holding when its node last vouched for
 * it. Nodes refresh their own connections; those of a node that died stop
 * being counted after TTL_MS, with no cleanup needed.
 */
export class RedisPresence implements PresenceRegistry {
  private readonly redis: Redis;
  private readonly mine = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
    // A restarted Redis has forgotten every room's presence: vouch for ours again at once.
    this.redis.on('ready', () => void this.refresh());
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  private key(caseId: string) {
    return `${this.prefix}:presence:${caseId}`;
  }

  /** Counts Redis errors (the client reconnects by itself; without a listener Node would log each one). */
  onError(count: () => void): void {
    this.redis.on('error', count);
  }

  async add(caseId: string, userId: string, connectionId: string): Promise<void> {
    const field = `${userId}|${connectionId}`;
    const set = this.mine.get(caseId) ?? new Set<string>();
    set.add(field);
    this.mine.set(caseId, set);
    await this.redis.hset(this.key(caseId), field, String(Date.now()));
  }

  async remove(caseId: string, userId: string, connectionId: string): Promise<void> {
    const field = `${userId}|${connectionId}`;
    this.mine.get(caseId)?.delete(field);
    await this.redis.hdel(this.key(caseId), field);
  }

  async counts(caseId: string): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(this.key(caseId));
    const fresh = Date.now() - TTL_MS;
    const counts = new Map<string, number>();
    for (const [field, at] of Object.entries(all)) {
      if (Number(at) < fresh) continue;
      const userId = field.split('|')[0] ?? '';
      counts.set(userId, (counts.get(userId) ?? 0) + 1);
    }
    return counts;
  }

  private async refresh(): Promise<void> {
    const now = String(Date.now());
    for (const [caseId, fields] of this.mine) {
      if (fields.size === 0) continue;
      await this.redis.hset(this.key(caseId), ...[...fields].flatMap((f) => [f, now])).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // This node's connections are gone with it.
    for (const [caseId, fields] of this.mine) {
      if (fields.size > 0) await this.redis.hdel(this.key(caseId), ...fields).catch(() => undefined);
    }
    await this.redis.quit().catch(() => undefined);
  }
}
