import { EventEmitter } from 'node:events';
import type { RoomStateRecord } from '../store/types';

/**
 * Messages one node tells every node (itself included). A discriminated union
 * so that each subscriber handles the kinds it knows and ignores the rest.
 */
export type BusMessage =
  /** These sessions were revoked: close their live connections wherever they are. */
  | { type: 'sessions.revoked'; sessionIds: string[] }
  /** A room's state changed (phase, lobby, caucus, lock, pin): refresh caches. */
  | { type: 'room.state'; state: RoomStateRecord }
  /** These waiting people were admitted: let their waiting connections into the room. */
  | { type: 'member.admitted'; caseId: string; userIds: string[] }
  /** This person was removed from the case: close their connections to it. */
  | { type: 'member.removed'; caseId: string; userId: string }
  /** This person's role in the case changed: close their connections, which carry the old one. */
  | { type: 'member.changed'; caseId: string; userId: string }
  /** This person's membership record changed (muted, admitted, hand raised, removed): drop cached copies. */
  | { type: 'member.flags'; caseId: string; userId: string }
  /** A stored Yjs update (base64): nodes holding the document apply and relay it, and store nothing. */
  | { type: 'doc.update'; doc: string; update: string }
  /** An awareness update (base64) from a connection on another node. */
  | { type: 'doc.awareness'; doc: string; update: string }
  /** A relay of this document failed to go out: nodes holding it read what they lack from the store. */
  | { type: 'doc.resync'; doc: string };

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
