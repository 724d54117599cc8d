import { EventEmitter } from 'node:events';
import type { BusMessage, Envelope } from './messages';

export type { BusMessage, Envelope } from './messages';

/**
 * The cross-node channel. In one process it is `LocalBus`; with Redis it is a
 * pub/sub implementation of the same interface, and callers do not change.
 */
export interface Bus {
  readonly nodeId: string;
  publish(message: BusMessage): Promise<void>;
  /** Resolves when the bus is reachable (readiness). */
  ping(): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(handler: (envelope: Envelope) => void): () => void;
  /**
   * Called after the bus was cut off and is back: messages sent meanwhile are lost, so holders of
   * state fed by the bus catch up from the store. Returns an unsubscribe function.
   */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

/** The in-process bus: delivers synchronously to this node's subscribers. */
export class LocalBus implements Bus {
  private readonly emitter = new EventEmitter();

  constructor(readonly nodeId: string) {
    this.emitter.setMaxListeners(0);
  }

  async ping(): Promise<void> {}

  async publish(message: BusMessage): Promise<void> {
    this.emitter.emit('message', { origin: this.nodeId, message } satisfies Envelope);
  }

  /** In-process: never cut off. */
  onReconnect(): () => void {
    return () => undefined;
  }

  subscribe(handler: (envelope: Envelope) => void): () => void {
    this.emitter.on('message', handler);
    return () => this.emitter.off('message', handler);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
