import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MemoryAttemptLimiter, type AttemptLimiter } from '../auth/attempts';
import { RedisAttemptLimiter } from '../auth/redis-attempts';
import { modeOf, type AccordConfig } from '../config';
import { newId } from '../lib/ids';
import { createLogger, type Logger } from '../log';
import { Metrics } from '../ops/metrics';
import { RedisCallRoster } from '../call/redis-roster';
import { MemoryCallRoster, type CallRoster } from '../call/roster';
import { MemoryPresence, type PresenceRegistry } from '../room/presence';
import { RedisPresence } from '../room/redis-presence';
import { LocalBus, type Bus } from '../scale/bus';
import { RedisBus } from '../scale/redis-bus';
import { withMemberCache } from '../store/member-cache';
import { SqliteStore } from '../store/sqlite';
import type { Store } from '../store/types';

export interface AccordOverrides {
  store?: Store;
  log?: Logger;
  bus?: Bus;
  presence?: PresenceRegistry;
}

/** What a node keeps its state in and talks to other nodes through: everything behind an interface. */
export interface Infrastructure {
  readonly nodeId: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The store, timed by the metrics and with members read through the bus-kept cache. */
  readonly store: Store;
  readonly bus: Bus;
  /** Whether another node may exist (a Redis bus, or one the caller passed): documents then cross the bus. */
  readonly sharedBus: boolean;
  readonly presence: PresenceRegistry;
  /** Who is in each room's call (signals are forwarded by it, from any node). */
  readonly callRoster: CallRoster;
  /** The Redis connection of the Socket.IO adapter, when scaled out. */
  readonly adapterRedis: Redis | null;
  /** Failed-attempt counters, where every node sees them (Redis when scaled out). */
  limiter(name: string, max: number, windowMs: number): AttemptLimiter;
  close(): Promise<void>;
}

/** The embedded store: SQLite in the data dir. */
export function openStore(config: AccordConfig): Store {
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteStore({ filename: join(config.dataDir, 'accord.db'), synchronous: config.sqliteSync });
}

export function buildInfrastructure(config: AccordConfig, overrides: AccordOverrides): Infrastructure {
  const log = overrides.log ?? createLogger(config);
  if (modeOf(config) === 'scaled' && !overrides.store)
    throw new Error('a scaled-out node needs its PostgreSQL store: use startAccord()');
  const rawStore = overrides.store ?? openStore(config);
  const metrics = new Metrics();
  const nodeId = newId();
  const { redisUrl, redisPrefix: prefix } = config;
  const bus =
    overrides.bus ??
    (redisUrl
      ? new RedisBus(redisUrl, nodeId, `${prefix}:bus`, (problem) =>
          log.warn({ event: 'bus.invalid_message', problem }, 'dropped a bus message that is not one'),
        )
      : new LocalBus(nodeId));
  // Every store call is timed and its failures counted. Membership is checked on every chat message
  // and Yjs update: read through a cache the bus keeps fresh.
  const members = withMemberCache(metrics.measure(rawStore), bus, {
    onPublishError: (err) => log.warn({ err, event: 'members.publish_failed' }, 'other nodes not told of a change'),
  });
  const presence =
    overrides.presence ??
    (redisUrl ? new RedisPresence(redisUrl, prefix, { ttlMs: config.presenceTtlMs }) : new MemoryPresence());
  const callRoster: CallRoster = redisUrl ? new RedisCallRoster(redisUrl, prefix, nodeId) : new MemoryCallRoster();
  const limiterRedis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 3 }) : null;
  const adapterRedis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: null }) : null;

  const redisError = () => metrics.redisErrors.inc();
  if (bus instanceof RedisBus) bus.onError(redisError);
  if (presence instanceof RedisPresence) presence.onError(redisError);
  if (callRoster instanceof RedisCallRoster) callRoster.onError(redisError);
  adapterRedis?.on('error', redisError);
  limiterRedis?.on('error', redisError);

  return {
    nodeId,
    log,
    metrics,
    store: members.store,
    bus,
    sharedBus: Boolean(overrides.bus || redisUrl),
    presence,
    callRoster,
    adapterRedis,
    limiter: (name, max, windowMs) =>
      limiterRedis
        ? new RedisAttemptLimiter(limiterRedis, `${prefix}:attempts:${name}`, max, windowMs)
        : new MemoryAttemptLimiter(max, windowMs),
    close: async () => {
      await presence.close();
      await callRoster.close();
      members.close();
      await bus.close();
      await adapterRedis?.quit().catch(() => undefined);
      await limiterRedis?.quit().catch(() => undefined);
      await members.store.close();
    },
  };
}
