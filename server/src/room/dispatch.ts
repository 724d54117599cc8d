import { AccordError, clientEvents, isClientEventName, parseOrThrow, type Ack, type ErrorBody } from '@accord/shared';
import type { Principal } from '../auth/service';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import type { Handlers } from './handlers';
import type { SocketLimiter } from './rate-limit';
import type { AccordSocket } from './socket-types';

type AckFn = (res: Ack<unknown>) => void;

const ackOf = (args: unknown[]): AckFn | null => {
  const last = args.at(-1);
  return typeof last === 'function' ? (last as AckFn) : null;
};

/**
 * Turns a client's event into a handler call: checks the name, validates the payload with the shared
 * schema, refuses a connection still in the lobby, and answers the ack (or `accord:error` when the
 * client sent none). Counts the events being handled, so a shutdown can wait for their writes.
 */
export class Dispatcher {
  private inflight = 0;
  private drained: (() => void) | null = null;

  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
    /** Records how long each event took to acknowledge. */
    private readonly onAck?: (event: string, seconds: number) => void,
  ) {}

  // `name` is whatever the packet named: a hostile client may send a number (the parser allows it).
  async dispatch(socket: AccordSocket, name: unknown, args: unknown[]): Promise<void> {
    const event = String(name);
    const ack = ackOf(args);
    const started = process.hrtime.bigint();
    this.inflight++;
    try {
      if (!isClientEventName(event)) throw new AccordError('UNKNOWN_EVENT', `unknown event: ${event.slice(0, 64)}`);
      if (args.length - (ack ? 1 : 0) > 1) {
        throw new AccordError(
          'VALIDATION_FAILED',
          `${event} takes one payload and an ack, not ${args.length} arguments`,
        );
      }
      const payload: unknown = parseOrThrow(clientEvents[event].payload, args[0], `${event} payload`);
      if (!socket.data.admitted) {
        throw new AccordError('NOT_ADMITTED', 'you are in the waiting room until the mediator admits you');
      }
      // The table is keyed by event, so each handler gets its own payload type; TS cannot correlate them here.
      const handler = this.handlers[event] as (p: Principal, payload: unknown, s: AccordSocket) => Promise<unknown>;
      const data = await handler(socket.data.principal, payload, socket);
      ack?.({ ok: true, data });
      this.onAck?.(event, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (err) {
      const error = toErrorBody(err, this.log);
      if (error.code === 'INTERNAL' || error.code === 'STORE_FAILED') {
        this.log.warn({ event: 'room.event_failed', socketEvent: event, code: error.code }, 'event failed');
      }
      if (ack) ack({ ok: false, error });
      else socket.emit('accord:error', error);
    } finally {
      this.inflight--;
      if (this.inflight === 0) this.drained?.();
    }
  }

  /**
   * Routes every event of a socket through its rate limiter, then (after `started`, the connection's
   * own start, so a send after a reconnect follows its replay) to `dispatch`. Events are counted as
   * they arrive, not after the work queued ahead of them, so a flood is refused at once and never
   * piles up behind `started`.
   */
  listen(socket: AccordSocket, limiter: SocketLimiter, started: Promise<void>): void {
    let lastNotice = 0;
    socket.onAny((event: string, ...args: unknown[]) => {
      if (!socket.connected) return;
      const verdict = limiter.check(event);
      if (verdict.ok) return void started.then(() => this.dispatch(socket, event, args));
      const ack = ackOf(args);
      ack?.({ ok: false, error: verdict.error });
      // Without an ack, one notice a second: answering each event of a flood would amplify it.
      // The disconnect is always announced, ack or not.
      if (verdict.disconnect || (!ack && Date.now() - lastNotice >= 1000)) {
        lastNotice = Date.now();
        socket.emit('accord:error', verdict.error satisfies ErrorBody);
      }
      if (verdict.disconnect) {
        const p = socket.data.principal;
        this.log.warn({ event: 'room.flood_disconnect', caseId: p.caseId, userId: p.userId }, 'flooding; disconnected');
        socket.disconnect(true);
      }
    });
  }

  /** Resolves once no event is being handled. */
  drain(): Promise<void> {
    return this.inflight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.drained = resolve;
        });
  }
}
