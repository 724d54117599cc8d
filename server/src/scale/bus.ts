import { EventEmitter } from 'node:events';

/**
 * Messages one node tells every node (itself included). A discriminated union
 * so that each subscriber handles the kinds it knows and ignores the rest.
 */
export type BusMessage =
  /** These sessions were revoked: close their live connections wherever they are. */
  { type: 'sessions.revoked'; sessionIds: string[] };

export interface Envelope {
  /** The id of the node that published it, so a node can tell its own messages. */
  origin: string;
  message: BusMessage;
}

/**
 * The cross-node channel. In one process it is `LocalBus`; with Redis it is a
 * pub/sub implementation of the same interface, and callers do not change.
 */
export interface Bus {
  readonly nodeId: string;
  publish(message: BusMessage): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(handler: (envelope: Envelope) => void): () => void;
  close(): Promise<void>;
}

/** The in-process bus: delivers synchronously to this node's subscribers. */
export class LocalBus implements Bus {
  private readonly emitter = new EventEmitter();

  constructor(readonly nodeId: string) {
    this.emitter.setMaxListeners(0);
  }

  async publish(message: BusMessage): Promise<void> {
    this.emitter.emit('message', { origin: this.nodeId, message } satisfies Envelope);
  }

  subscribe(handler: (envelope: Envelope) => void): () => void {
    this.emitter.on('message', handler);
    return () => this.emitter.off('message', handler);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
