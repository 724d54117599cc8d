import { Redis } from 'ioredis';
import type { Bus } from './bus';
import { Envelope, type BusMessage } from './messages';

/**
 * The bus across nodes: Redis pub/sub on one channel. Every node, the
 * publisher included, receives each message (as with LocalBus). Pub/sub is
 * fire-and-forget, which suits what travels here: cache refreshes and "close
 * these connections" notices; nothing durable depends on a bus message alone.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Set<(envelope: Envelope) => void>();
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly ready: Promise<unknown>;

  constructor(
    url: string,
    readonly nodeId: string,
    private readonly channel: string,
    /** A message that is not JSON or not a bus message (another version, another writer): dropped. */
    private readonly onInvalid: (problem: string) => void = () => undefined,
  ) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub = new Redis(url, { lazyConnect: false });
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const envelope = this.parse(raw);
      if (envelope) for (const h of this.handlers) h(envelope);
    });
    // A failed subscription must neither crash the process (unhandled rejection) nor leave the bus
    // deaf: it is retried on every reconnection (ioredis only resubscribes what once succeeded).
    const subscribe = () =>
      this.sub.subscribe(this.channel).then(
        () => undefined,
        () => undefined,
      );
    this.ready = subscribe();
    // 'ready' after the first means we were cut off.
    let connectedBefore = false;
    this.sub.on('ready', () => {
      // The handlers catch up once subscribed again: what is published after their catch-up reads
      // must reach this node.
      if (connectedBefore)
        void subscribe().then(() => {
          for (const h of this.reconnectHandlers) h();
        });
      connectedBefore = true;
    });
  }

  private parse(raw: string): Envelope | null {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.onInvalid('not JSON');
      return null;
    }
    const parsed = Envelope.safeParse(json);
    if (parsed.success) return parsed.data;
    this.onInvalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return null;
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  async ping(): Promise<void> {
    await this.pub.ping();
  }

  /** Counts Redis errors (the clients reconnect by themselves). */
  onError(count: () => void): void {
    this.pub.on('error', count);
    this.sub.on('error', count);
  }

  async publish(message: BusMessage): Promise<void> {
    await this.ready;
    await this.pub.publish(this.channel, JSON.stringify({ origin: this.nodeId, message } satisfies Envelope));
  }

  subscribe(handler: (envelope: Envelope) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.reconnectHandlers.clear();
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
