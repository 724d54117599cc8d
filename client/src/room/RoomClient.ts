import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { z } from 'zod';
import {
  JOINT,
  type ChatCite,
  isParty,
  type Ack,
  type Activity,
  type CaucusSummary,
  type Channel,
  type ChatMessage,
  type ClientEventName,
  type ClientToServerEvents,
  type ErrorBody,
  type LobbyStatus,
  negotiationProgress,
  type NegotiationState,
  type OutcomeStatus,
  type Participant,
  type RoomState,
  type RoomWelcome,
  type ServerToClientEvents,
  type TypingEvent,
  type clientEvents,
} from '@accord/shared';
import { browserStorage, loadChat, saveChat, type ChatStorage } from './chatCache';
import { gapBefore, isRetriable, newClientId } from './chatState';
import {
  channelState,
  cursorsOf,
  nextQueued,
  roomChatReducer,
  unsentCount,
  type RoomChat,
  type RoomChatAction,
} from './roomChat';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type RoomStatus = 'connecting' | 'connected' | 'waiting' | 'reconnecting' | 'offline' | 'denied';
export type PayloadOf<K extends ClientEventName> = z.input<(typeof clientEvents)[K]['payload']>;
export type AckOf<K extends ClientEventName> = Ack<z.output<(typeof clientEvents)[K]['result']>>;

const ACK_TIMEOUT_MS = 10_000;
const RETRY_MS = 2_000;
const TYPING_TTL_MS = 6_000;
const HISTORY_PAGE = 50;

/** Someone typing now: the "stopped" may never come, so each hint runs out on its own. */
export interface TypingHint {
  channel: Channel;
  name: string;
  until: number;
}

/** Everything the room view shows; a new object whenever any of it changes. */
export interface RoomSnapshot {
  /** The connection's own view; the browser's online flag is laid over it by `roomStatus`. */
  status: RoomStatus;
  deniedReason: string | null;
  welcome: RoomWelcome | null;
  lobby: LobbyStatus | null;
  state: RoomState | null;
  participants: Participant[];
  activity: Activity[];
  /** For each settlement term, the server's entry of the change that gave it its value (`terms:last`, then live). */
  termsLast: Activity[];
  /** The private sessions I took part in, open or over (their chat and shared notes stay readable). */
  caucuses: CaucusSummary[];
  /** Sign-off: frozen text, signers, sealed record. */
  outcome: OutcomeStatus | null;
  /** Clause consent, rounds and blind-offer status (never an offer's amount); null until the server says. */
  negotiation: NegotiationState | null;
  /** userId → who is typing where (never me: the server does not send my own back). */
  typing: ReadonlyMap<string, TypingHint>;
  chat: RoomChat;
  unsent: number;
  loadingOlder: boolean;
}

/** A feature riding on the room's socket (see `RoomClient.attach`). */
export interface SocketAttachment {
  socket(socket: RoomSocket): void;
  welcome(socket: RoomSocket): void;
}

export interface RoomClientOptions {
  caseId: string;
  token: string;
  /** My user id: my own messages settle my outbox, and the chat kept on the device is mine only. */
  me: string;
  /** Opens the socket; by default on the page's own origin. Tests point it at a server (and keep the socket). */
  connect?: (options: Partial<ManagerOptions & SocketOptions>) => RoomSocket;
  /** Where the chat and the outbox are kept across reloads; `localStorage` by default, null for nowhere. */
  storage?: ChatStorage | null;
  /** The browser's idea of whether the network is there (`navigator.onLine` by default). */
  isOnline?: () => boolean;
  ackTimeoutMs?: number;
  retryMs?: number;
}

/** What the page shows: denied wins, then the browser's offline flag, then the connection's own state. */
export function roomStatus(status: RoomStatus, online: boolean): RoomStatus {
  return status === 'denied' ? 'denied' : !online ? 'offline' : status === 'offline' ? 'reconnecting' : status;
}

/** userId → display name of the people typing now in one channel. */
export function typingIn(typing: ReadonlyMap<string, TypingHint>, channel: Channel): Map<string, string> {
  return new Map([...typing].filter(([, v]) => v.channel === channel).map(([id, v]) => [id, v.name] as const));
}

/**
 * The live room over Socket.IO, without React: lobby until admitted, chat per
 * channel with an offline outbox (kept on the device, sent once, one at a time
 * in the order written, when the connection is back), replay by cursor on
 * reconnect and gap fill by seq, history paging, presence, typing, room state,
 * the activity feed and sign-off status. A view reads it through
 * `subscribe`/`getSnapshot` (React's `useSyncExternalStore`).
 */
export class RoomClient {
  private snapshot: RoomSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly reduce: (state: RoomChat, action: RoomChatAction) => RoomChat;
  private readonly storage: ChatStorage | null;
  private readonly isOnline: () => boolean;
  private readonly connectSocket: (options: Partial<ManagerOptions & SocketOptions>) => RoomSocket;
  private readonly ackTimeoutMs: number;
  private readonly retryMs: number;
  private socket: RoomSocket | null = null;
  /** Between the handshake and the welcome the server replays what was missed: unseen by definition. */
  private catchingUp = false;
  private flushing = false;
  private caucusesAsked = 0;
  private saveQueued = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  /** Set by the chat views: the end of that channel is on screen and the page visible. */
  private readonly viewing = new Map<Channel, boolean>();
  private readonly typingSent = new Map<Channel, { value: boolean; at: number }>();
  /** Features with their own events on the room's socket (the call): see `attach`. */
  private readonly attachments = new Set<SocketAttachment>();

  constructor(private readonly options: RoomClientOptions) {
    this.reduce = roomChatReducer(options.me);
    this.storage = options.storage === undefined ? browserStorage() : options.storage;
    this.isOnline = options.isOnline ?? (() => navigator.onLine);
    this.connectSocket = options.connect ?? ((o) => io(o));
    this.ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.retryMs = options.retryMs ?? RETRY_MS;
    const chat = loadChat(this.storage, options.caseId, options.me);
    this.snapshot = {
      status: 'connecting',
      deniedReason: null,
      welcome: null,
      lobby: null,
      state: null,
      participants: [],
      activity: [],
      termsLast: [],
      caucuses: [],
      outcome: null,
      negotiation: null,
      typing: new Map(),
      chat,
      unsent: unsentCount(chat),
      loadingOlder: false,
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RoomSnapshot => this.snapshot;

  /** Opens the connection (at once if the browser is online, else when `setOnline(true)` says so). */
  open(): void {
    if (this.socket) return;
    const { token, caseId } = this.options;
    const socket = this.connectSocket({
      autoConnect: this.isOnline(),
      auth: (cb) => cb({ token, caseId, cursors: cursorsOf(this.snapshot.chat) }),
    });
    this.socket = socket;
    this.catchingUp = false;
    this.attachments.forEach((a) => a.socket(socket));
    socket.on('connect', () => {
      this.catchingUp = true;
    });
    socket.on('room:lobby', (lobby) => this.set({ lobby, status: 'waiting' }));
    socket.on('room:welcome', (w) => this.onWelcome(socket, w));
    socket.on('room:state', (s) => {
      const prev = this.snapshot.state;
      if (!prev || prev.version <= s.version) this.set({ state: s });
      // A caucus opened, moved or ended: the list of the ones I may read has changed.
      if (prev?.caucus?.userId !== s.caucus?.userId) this.loadCaucuses(socket);
    });
    socket.on('activity', (a) => {
      const list = this.snapshot.activity;
      if (!list.some((x) => x.id === a.id)) this.set({ activity: [...list, a] });
      this.onTermChange(a);
    });
    socket.on('chat:message', (m) => this.onMessage(socket, m));
    socket.on('presence', (p) => this.set({ participants: p.participants }));
    socket.on('outcome:status', (outcome) => this.set({ outcome }));
    socket.on('negotiation:state', (negotiation) => this.setNegotiation(negotiation));
    socket.on('chat:typing', (e) => this.onTyping(e));
    socket.on('accord:error', (e) => {
      // A removal is told first, then its sessions are revoked: the first reason is the one that says why.
      if (e.code === 'TOKEN_REVOKED' || e.code === 'NOT_A_MEMBER') {
        this.set({ status: 'denied', deniedReason: this.snapshot.deniedReason ?? e.code });
      }
    });
    socket.on('connect_error', (err) => this.onConnectError(socket, err));
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') return; // revoked or removed: 'accord:error' said why
      this.set({ status: this.isOnline() ? 'reconnecting' : 'offline' });
    });
  }

  /**
   * Lets a feature with its own events use the room's socket: `socket` is called with the current
   * socket (at once, if there is one) and each new one, before it connects; `welcome` after every
   * admission or readmission (a reconnection, a server restart), once the room's own welcome is handled.
   */
  readonly attach = (attachment: SocketAttachment): (() => void) => {
    this.attachments.add(attachment);
    if (this.socket) attachment.socket(this.socket);
    return () => this.attachments.delete(attachment);
  };

  /** Closes the connection and stops every timer; `open()` may start it again (the chat is kept). */
  close(): void {
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    this.stopTypingTimer();
    const socket = this.socket;
    if (!socket) return;
    socket.removeAllListeners();
    socket.disconnect();
    this.socket = null;
  }

  /** The browser knows about a lost network before any timeout does. */
  setOnline(online: boolean): void {
    const socket = this.socket;
    if (!socket) return;
    if (!online) socket.disconnect();
    else if (!socket.connected && !socket.active) socket.connect();
  }

  /** Queues a message and sends the outbox; it stays queued (and kept on the device) until acknowledged. */
  readonly send = (text: string, channel: Channel = JOINT, cites: readonly ChatCite[] = []): void => {
    this.apply({
      type: 'queued',
      channel,
      item: {
        clientId: newClientId(),
        text,
        ...(cites.length > 0 ? { cites: [...cites] } : {}),
        createdAt: new Date().toISOString(),
        status: 'queued',
      },
    });
    this.setTyping(false, channel);
    void this.flush();
  };

  readonly retry = (channel: Channel, clientId: string): void => {
    this.apply({ type: 'retry', channel, clientId });
    void this.flush();
  };

  readonly discard = (channel: Channel, clientId: string): void => this.apply({ type: 'discard', channel, clientId });

  readonly markRead = (channel: Channel, seq: number): void => this.apply({ type: 'read', channel, seq });

  readonly setViewing = (channel: Channel, viewing: boolean): void => {
    this.viewing.set(channel, viewing);
  };

  readonly setTyping = (value: boolean, channel: Channel = JOINT): void => {
    const socket = this.socket;
    const last = this.typingSent.get(channel) ?? { value: false, at: 0 };
    // Repeat "typing" at most every 3 s; say "stopped" once.
    if (!socket?.connected || (value && last.value && Date.now() - last.at < 3000) || (!value && !last.value)) return;
    this.typingSent.set(channel, { value, at: Date.now() });
    socket.emit('chat:typing', { typing: value, channel }, () => undefined);
  };

  /** The page of history before the oldest message held (one page at a time). */
  readonly loadOlder = (channel: Channel): void => {
    const socket = this.socket;
    if (!socket?.connected || this.snapshot.loadingOlder || !channelState(this.snapshot.chat, channel).hasOlder) return;
    this.set({ loadingOlder: true });
    this.loadHistory(socket, channel)
      .catch(() => undefined)
      .finally(() => this.set({ loadingOlder: false }));
  };

  /** Sends a moderation, hand or sign-off event; resolves with the server's error, if any. */
  readonly command = async <K extends ClientEventName>(event: K, payload: PayloadOf<K>): Promise<ErrorBody | null> => {
    const socket = this.socket;
    if (!socket?.connected) return { code: 'INTERNAL', message: 'not connected' } satisfies ErrorBody;
    try {
      const res = await this.request(socket, event, payload);
      return res.ok ? null : res.error;
    } catch {
      return { code: 'INTERNAL', message: 'no answer from the server' } satisfies ErrorBody;
    }
  };

  /** Keeps the later of two negotiation states: an answer and a broadcast may cross on the way. */
  private setNegotiation(next: NegotiationState): void {
    const current = this.snapshot.negotiation;
    if (current && negotiationProgress(next) < negotiationProgress(current)) return;
    this.set({ negotiation: next });
  }

  /**
   * Sends an event and resolves with the server's whole answer (for the events whose answer is data:
   * a round's snapshot, the negotiation state); a lost connection or no answer is an INTERNAL failure.
   */
  readonly ask = async <K extends ClientEventName>(event: K, payload: PayloadOf<K>): Promise<AckOf<K>> => {
    const socket = this.socket;
    if (!socket?.connected) return { ok: false, error: { code: 'INTERNAL', message: 'not connected' } };
    try {
      const res = await this.request(socket, event, payload);
      // These answer with the whole negotiation state: shown at once, before the broadcast comes
      // (the cast: TypeScript cannot narrow the generic answer by the event name).
      if (res.ok && (event === 'consent:set' || event === 'negotiation:state')) {
        this.setNegotiation(res.data as NegotiationState);
      }
      return res;
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: 'no answer from the server' } };
    }
  };

  private set(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.listeners.forEach((l) => l());
  }

  private apply(action: RoomChatAction): void {
    const chat = this.reduce(this.snapshot.chat, action);
    if (chat === this.snapshot.chat) return;
    this.set({ chat, unsent: unsentCount(chat) });
    // Once per burst of changes (a flush acknowledges many): the cache is the whole chat as JSON.
    if (this.saveQueued) return;
    this.saveQueued = true;
    queueMicrotask(() => {
      this.saveQueued = false;
      saveChat(this.storage, this.options.caseId, this.options.me, this.snapshot.chat);
    });
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** An ack with a deadline; Socket.IO's types lose the ack type under `timeout()`, the contract restores it. */
  private request<K extends ClientEventName>(socket: RoomSocket, event: K, payload: PayloadOf<K>): Promise<AckOf<K>> {
    const timed = socket.timeout(this.ackTimeoutMs) as unknown as {
      emitWithAck(e: K, p: PayloadOf<K>): Promise<AckOf<K>>;
    };
    return timed.emitWithAck(event, payload);
  }

  /** Sends queued messages one by one, in the order written; stops at the first that cannot go now. */
  private async flush(): Promise<void> {
    const socket = this.socket;
    if (this.flushing || !socket?.connected) return;
    this.flushing = true;
    // Each item is tried once per run; a retriable failure ends the run and a timer starts the next.
    const taken = new Set<string>();
    try {
      for (;;) {
        const next = nextQueued(this.snapshot.chat, taken);
        if (!next || !socket.connected) return;
        taken.add(next.clientId);
        const { channel, clientId, text, cites } = next;
        this.apply({ type: 'sending', channel, clientId });
        let res: AckOf<'chat:send'>;
        try {
          // No `cites` for a message without: the same payload as before.
          res = await this.request(socket, 'chat:send', {
            clientId,
            text,
            channel,
            ...(cites.length ? { cites } : {}),
          });
        } catch {
          this.apply({ type: 'requeue', channel, clientId, error: 'TIMEOUT' });
          return;
        }
        if (res.ok) {
          // No echo comes back to this connection: the ack carries the stored message.
          this.apply({ type: 'acked', channel, message: res.data.message });
        } else if (isRetriable(res.error.code)) {
          this.apply({ type: 'requeue', channel, clientId, error: res.error.code });
          // Over the rate limit the server says when the next one will pass (a flush of a long outbox).
          const wait =
            res.error.code === 'RATE_LIMITED' ? Math.max(100, res.error.retryAfterMs ?? this.retryMs) : this.retryMs;
          this.later(() => void this.flush(), wait);
          return;
        } else {
          this.apply({
            type: 'failed',
            channel,
            clientId,
            error: res.error.code,
            ...(res.error.reason ? { reason: res.error.reason } : {}),
          });
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async loadHistory(socket: RoomSocket, channel: Channel): Promise<void> {
    const oldest = channelState(this.snapshot.chat, channel).messages[0]?.seq;
    const res = await this.request(socket, 'chat:history', {
      channel,
      limit: HISTORY_PAGE,
      ...(oldest !== undefined ? { beforeSeq: oldest } : {}),
    });
    if (res.ok) this.apply({ type: 'history', channel, messages: res.data.messages, hasMore: res.data.hasMore });
  }

  private onWelcome(socket: RoomSocket, welcome: RoomWelcome): void {
    this.catchingUp = false;
    this.set({ welcome, lobby: null, state: welcome.state, status: 'connected' });
    // A channel never loaded on this device starts from its latest page.
    const channels: Channel[] = [JOINT];
    if (isParty(welcome.you.role)) channels.push(`caucus:${welcome.you.userId}`);
    for (const channel of channels) {
      if (channelState(this.snapshot.chat, channel).messages.length === 0) {
        this.loadHistory(socket, channel).catch(() => undefined);
      }
    }
    this.request(socket, 'activity:list', { limit: 50 })
      .then((res) => {
        if (!res.ok) return;
        // Entries that arrived live while this was on its way are kept.
        const entries = res.data.entries;
        const live = this.snapshot.activity.filter((a) => !entries.some((e) => e.id === a.id));
        this.set({ activity: [...entries, ...live] });
      })
      .catch(() => undefined);
    this.request(socket, 'terms:last', {})
      .then((res) => {
        if (!res.ok) return;
        // An entry that arrived live while this was on its way may be newer than the answer's.
        this.set({ termsLast: latestPerTerm([...res.data.entries, ...this.snapshot.termsLast]) });
      })
      .catch(() => undefined);
    this.request(socket, 'outcome:status', {})
      .then((res) => res.ok && this.set({ outcome: res.data }))
      .catch(() => undefined);
    // Asked after every (re)admission: what changed while away came as broadcasts this socket missed.
    this.request(socket, 'negotiation:state', {})
      .then((res) => res.ok && this.setNegotiation(res.data))
      .catch(() => undefined);
    this.loadCaucuses(socket);
    void this.flush();
    this.attachments.forEach((a) => a.welcome(socket));
  }

  /** A term's new value: its "last changed by" is this entry (a write that lost changed nothing). */
  private onTermChange(a: Activity): void {
    if (a.kind !== 'terms.changed' || a.detail.conflict === 'lost') return;
    this.set({ termsLast: latestPerTerm([...this.snapshot.termsLast, a]) });
  }

  private loadCaucuses(socket: RoomSocket): void {
    // Only the latest answer counts: an earlier one may arrive after it.
    const asked = ++this.caucusesAsked;
    this.request(socket, 'caucus:list', {})
      .then((res) => res.ok && asked === this.caucusesAsked && this.set({ caucuses: res.data.caucuses }))
      .catch(() => undefined);
  }

  private onMessage(socket: RoomSocket, m: ChatMessage): void {
    this.apply({
      type: 'received',
      channel: m.channel,
      messages: [m],
      viewing: (this.viewing.get(m.channel) ?? false) && !this.catchingUp,
    });
    // Across nodes a message can overtake an earlier one, or one can be missed at a reconnect:
    // a gap in the sequence is filled from the store.
    const gap = gapBefore(channelState(this.snapshot.chat, m.channel), m.seq);
    if (gap) {
      this.request(socket, 'chat:history', { channel: m.channel, ...gap })
        .then((res) => res.ok && this.apply({ type: 'filled', channel: m.channel, messages: res.data.messages }))
        .catch(() => undefined);
    }
  }

  private onConnectError(socket: RoomSocket, err: Error): void {
    const data = (err as Error & { data?: ErrorBody }).data;
    if (!data) {
      this.set({ status: this.isOnline() ? 'reconnecting' : 'offline' });
      return;
    }
    // A refusal by the server: transient ones are retried, the others end here.
    if (data.code === 'STORE_FAILED' || data.code === 'INTERNAL') {
      this.later(() => socket.connect(), this.retryMs);
      this.set({ status: 'reconnecting' });
    } else {
      this.set({ status: 'denied', deniedReason: data.code });
    }
  }

  private onTyping(e: TypingEvent): void {
    const typing = new Map(this.snapshot.typing);
    if (e.typing) typing.set(e.userId, { channel: e.channel, name: e.displayName, until: Date.now() + TYPING_TTL_MS });
    else typing.delete(e.userId);
    this.set({ typing });
    if (typing.size === 0) this.stopTypingTimer();
    else this.typingTimer ??= setInterval(() => this.expireTyping(), 1000);
  }

  /** Drops typing hints whose "stopped" never came. */
  private expireTyping(): void {
    const prev = this.snapshot.typing;
    const now = Date.now();
    const typing = new Map([...prev].filter(([, v]) => v.until > now));
    if (typing.size !== prev.size) this.set({ typing });
    if (typing.size === 0) this.stopTypingTimer();
  }

  private stopTypingTimer(): void {
    if (this.typingTimer !== null) clearInterval(this.typingTimer);
    this.typingTimer = null;
  }
}

/** The newest entry of each term (by the server's time; the later one listed wins a tie). */
function latestPerTerm(entries: Activity[]): Activity[] {
  const out = new Map<unknown, Activity>();
  for (const e of entries) {
    const held = out.get(e.detail.term);
    if (!held || Date.parse(e.at) >= Date.parse(held.at)) out.set(e.detail.term, e);
  }
  return [...out.values()];
}
