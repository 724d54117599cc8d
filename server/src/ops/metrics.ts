import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/types';

/** The node's state the gauges show, read when the metrics are scraped. */
export interface NodeGauges {
  rooms(): number;
  documents(): number;
  connections(): Record<string, number>;
}

/** One node's Prometheus metrics, in a registry of its own (several nodes may share a process in tests). */
export class Metrics {
  readonly registry = new Registry();

  readonly messages = new Counter({
    name: 'accord_chat_messages_total',
    help: 'Chat messages stored',
    registers: [this.registry],
  });
  readonly docUpdates = new Counter({
    name: 'accord_doc_updates_total',
    help: 'Yjs updates stored',
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: 'accord_ack_seconds',
    help: 'Time from receiving a socket event to acknowledging it',
    labelNames: ['event'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly storeSeconds = new Histogram({
    name: 'accord_store_seconds',
    help: 'Store call latency',
    labelNames: ['op'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'accord_store_errors_total',
    help: 'Store calls that failed',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });
  readonly redisErrors = new Counter({
    name: 'accord_redis_errors_total',
    help: 'Redis errors seen by this node',
    registers: [this.registry],
  });

  /** What the gauges read when scraped; the transports are built after the metrics, so they say it later. */
  private gauges: NodeGauges = { rooms: () => 0, documents: () => 0, connections: () => ({}) };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'accord_' });
    const read = () => this.gauges;
    new Gauge({
      name: 'accord_connections',
      help: 'Open connections by kind (room: Socket.IO, track: progress, yjs: documents)',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect() {
        for (const [kind, n] of Object.entries(read().connections())) this.set({ kind }, n);
      },
    });
    new Gauge({
      name: 'accord_rooms',
      help: 'Rooms with a connection on this node',
      registers: [this.registry],
      collect() {
        this.set(read().rooms());
      },
    });
    new Gauge({
      name: 'accord_documents_loaded',
      help: 'Yjs documents held in memory',
      registers: [this.registry],
      collect() {
        this.set(read().documents());
      },
    });
  }

  /** Where the gauges read the node's state from. */
  readGaugesFrom(gauges: NodeGauges): void {
    this.gauges = gauges;
  }

  /**
   * Records a socket event's time to acknowledge. Each event's series is looked up once: resolving it
   * by its labels on every call showed in the chat profile. Only known events are acknowledged, so
   * the cache is as small as the protocol.
   */
  observeAck(): (event: string, seconds: number) => void {
    const series = new Map<string, { observe: (v: number) => void }>();
    return (event, seconds) => {
      let s = series.get(event);
      if (!s) {
        s = this.ackSeconds.labels({ event });
        series.set(event, s);
      }
      s.observe(seconds);
    };
  }

  /**
   * The store, timed: every call's latency and failures are recorded, nothing else changes. The
   * wrapper of each method is made once, with its labelled series resolved once (looking a series up
   * by its labels on every call cost more than the SQLite insert it timed).
   */
  measure(store: Store): Store {
    const wrappers = new Map<PropertyKey, { fn: unknown; wrapped: unknown }>();
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || prop === 'close') return value;
        const known = wrappers.get(prop);
        if (known?.fn === value) return known.wrapped;
        const op = String(prop);
        const seconds = this.storeSeconds.labels({ op });
        const errors = this.storeErrors.labels({ op });
        const stored = op === 'appendMessage' ? this.messages : op === 'appendDocUpdate' ? this.docUpdates : null;
        const fn = value as (...a: unknown[]) => Promise<unknown>;
        const wrapped = async (...args: unknown[]) => {
          const start = performance.now();
          try {
            const result: unknown = await fn.apply(target, args);
            stored?.inc();
            return result;
          } catch (err) {
            errors.inc();
            throw err;
          } finally {
            seconds.observe((performance.now() - start) / 1000);
          }
        };
        wrappers.set(prop, { fn: value, wrapped });
        return wrapped;
      },
    });
  }
}
