import type { ErrorBody } from '@accord/shared';
import type { RateLimits } from '../config';
import { TokenBucket } from '../lib/token-bucket';

export type Verdict = { ok: true } | { ok: false; error: ErrorBody; disconnect: boolean };

/** Sweep idle per-person buckets once there are this many, so the map cannot grow without bound. */
const SWEEP_AT = 1000;

/**
 * A person's chat budget, shared by their sockets. The bucket is made on the first chat message: a
 * bucket made later is exactly the full one an earlier one would have refilled to by then.
 */
interface PersonBudget {
  chat: TokenBucket | null;
  sockets: number;
}

/**
 * The limiter of one socket (see EventRateLimits.forSocket). A class rather than closures, and its
 * buckets made when first needed, because every connection holds one for as long as it stays: most
 * sockets of a room sit idle and never send a chat message, and only a flooding one spends strikes.
 */
export class SocketLimiter {
  private events: TokenBucket | null = null;
  /**
   * Each refusal spends a strike; strikes come back as fast as events do, so a client that is
   * refused now and then never runs out, and one that floods runs out after floodDisconnectAfter.
   */
  private strikes: TokenBucket | null = null;
  private released = false;

  constructor(
    private readonly limits: RateLimits,
    private readonly person: PersonBudget,
  ) {}

  check(event: string): Verdict {
    const { limits } = this;
    this.events ??= new TokenBucket(limits.eventsPerSecond, limits.eventsBurst);
    if (!this.events.take()) return this.refuse(this.events, `more than ${limits.eventsPerSecond} events per second`);
    if (event === 'chat:send') {
      const chat = (this.person.chat ??= new TokenBucket(limits.chatPerSecond, limits.chatBurst));
      if (!chat.take()) return this.refuse(chat, `more than ${limits.chatPerSecond} chat messages per second`);
    }
    return { ok: true };
  }

  /** The socket is gone; idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.person.sockets--;
  }

  private refuse(bucket: TokenBucket, what: string): Verdict {
    const retryAfterMs = bucket.retryAfterMs();
    this.strikes ??= new TokenBucket(this.limits.eventsPerSecond, this.limits.floodDisconnectAfter);
    const disconnect = !this.strikes.take();
    return {
      ok: false,
      disconnect,
      error: {
        code: 'RATE_LIMITED',
        message: disconnect
          ? `disconnected: ${what} far past the limit`
          : `${what}; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        retryAfterMs,
      },
    };
  }
}

/**
 * Socket.IO event limits of one node: every socket has an overall event
 * budget, every person a chat budget shared by all their sockets (a second
 * tab does not double it), and refusals are counted so that a socket that
 * keeps sending far past its limit is disconnected instead of refused forever.
 */
export class EventRateLimits {
  private readonly chat = new Map<string, PersonBudget>();

  constructor(private readonly limits: RateLimits) {}

  /** The limiter of one socket of `personKey`; `release` it when the socket goes. */
  forSocket(personKey: string): SocketLimiter {
    let person = this.chat.get(personKey);
    if (!person) {
      if (this.chat.size >= SWEEP_AT) this.sweep();
      person = { chat: null, sockets: 0 };
      this.chat.set(personKey, person);
    }
    // A person with a socket is never swept, so this entry stays the map's while the socket lives.
    person.sockets++;
    return new SocketLimiter(this.limits, person);
  }

  /** Budgets of people with no socket whose chat bucket is full again (or was never used) carry no information. */
  private sweep(): void {
    for (const [key, e] of this.chat) if (e.sockets <= 0 && (e.chat === null || e.chat.full())) this.chat.delete(key);
  }

  /** People with a chat budget held (tests, metrics). */
  size(): number {
    return this.chat.size;
  }
}

/** Handshakes (Socket.IO CONNECT packets, any namespace) one Engine.IO connection may make. */
export const MAX_HANDSHAKES_PER_CONNECTION = 10;

/**
 * A Socket.IO middleware, first in every namespace: a client may send CONNECT
 * again and again on one connection (each a refused handshake, each a token
 * check and store read); past the cap the connection is closed. A real client
 * opens a fresh connection when it reconnects, so it never comes near.
 */
export function handshakeAttempts(max = MAX_HANDSHAKES_PER_CONNECTION) {
  const seen = new WeakMap<object, number>();
  return (socket: { conn: { close(): unknown } }, next: (err?: Error) => void): void => {
    const n = (seen.get(socket.conn) ?? 0) + 1;
    seen.set(socket.conn, n);
    if (n <= max) return next();
    const data: ErrorBody = { code: 'RATE_LIMITED', message: `more than ${max} handshakes on one connection` };
    next(Object.assign(new Error(data.message), { data }));
    // After Socket.IO has queued the refusal (on the next tick), so the client reads why.
    process.nextTick(() => socket.conn.close());
  };
}
