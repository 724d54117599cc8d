import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import {
  JOINT,
  type Activity,
  type Channel,
  type ClientToServerEvents,
  type ErrorBody,
  type LobbyStatus,
  type OutcomeStatus,
  type Participant,
  type RoomState,
  type RoomWelcome,
  type ServerToClientEvents,
} from '@accord/shared';
import { useOnline } from '../app/useOnline';
import { loadChat, saveChat } from './chatCache';
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

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type RoomStatus = 'connecting' | 'connected' | 'waiting' | 'reconnecting' | 'offline' | 'denied';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_MS = 2_000;
const TYPING_TTL_MS = 6_000;

type EventName = keyof ClientToServerEvents;
type PayloadOf<K extends EventName> = Parameters<ClientToServerEvents[K]>[0];
type AckOf<K extends EventName> = Parameters<Parameters<ClientToServerEvents[K]>[1]>[0];

/** An ack with a deadline; Socket.IO's types lose the ack type under `timeout()`, the contract restores it. */
function emitWithTimeout<K extends EventName>(socket: RoomSocket, event: K, payload: PayloadOf<K>): Promise<AckOf<K>> {
  const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
    emitWithAck(e: K, p: PayloadOf<K>): Promise<AckOf<K>>;
  };
  return timed.emitWithAck(event, payload);
}

export interface RoomApi {
  status: RoomStatus;
  deniedReason: string | null;
  welcome: RoomWelcome | null;
  lobby: LobbyStatus | null;
  state: RoomState | null;
  me: string;
  participants: Participant[];
  activity: Activity[];
  /** Sign-off: frozen text, signers, sealed record. */
  outcome: OutcomeStatus | null;
  /** userId → display name of people typing now, per channel (never me). */
  typing: (channel: Channel) => Map<string, string>;
  chat: RoomChat;
  unsent: number;
  loadingOlder: boolean;
  send: (text: string, channel?: Channel) => void;
  retry: (channel: Channel, clientId: string) => void;
  discard: (channel: Channel, clientId: string) => void;
  loadOlder: (channel: Channel) => void;
  markRead: (channel: Channel, seq: number) => void;
  setViewing: (channel: Channel, viewing: boolean) => void;
  setTyping: (typing: boolean, channel?: Channel) => void;
  /** Sends a moderation or hand event; resolves with the server's error, if any. */
  command: <K extends EventName>(event: K, payload: PayloadOf<K>) => Promise<ErrorBody | null>;
}

/**
 * The live room over Socket.IO: lobby until admitted, chat per channel with an
 * offline outbox (sent once, in order, when the connection is back), replay by
 * cursor on reconnect, presence, typing, room state and the activity feed.
 */
export function useRoom(caseId: string, token: string, me: string): RoomApi {
  const initial = useMemo(() => loadChat(caseId, me), [caseId, me]);
  const [chat, dispatch] = useReducer(roomChatReducer(me), initial);
  // The latest state for callbacks, updated as each action is dispatched (not only after render).
  const chatRef = useRef(chat);
  const apply = useCallback(
    (action: RoomChatAction) => {
      chatRef.current = roomChatReducer(me)(chatRef.current, action);
      dispatch(action);
    },
    [me],
  );
  const online = useOnline();
  const [connStatus, setStatus] = useState<RoomStatus>('connecting');
  const [deniedReason, setDeniedReason] = useState<string | null>(null);
  const [welcome, setWelcome] = useState<RoomWelcome | null>(null);
  const [lobby, setLobby] = useState<LobbyStatus | null>(null);
  const [state, setState] = useState<RoomState | null>(null);
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [activity, setActivity] = useState<Activity[]>([]);
  const [outcome, setOutcome] = useState<OutcomeStatus | null>(null);
  const [typing, setTypingMap] = useState(new Map<string, { channel: Channel; name: string; until: number }>());
  const [loadingOlder, setLoadingOlder] = useState(false);
  const socketRef = useRef<RoomSocket | null>(null);
  const flushing = useRef(false);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  /** Set by the chat views: the end of that channel is on screen and the page visible. */
  const viewing = useRef(new Map<Channel, boolean>());

  const later = useCallback((fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      fn();
    }, ms);
    timers.current.add(timer);
  }, []);

  /** Sends queued messages one by one, in the order written; stops at the first that cannot go now. */
  const flush = useCallback(async () => {
    const socket = socketRef.current;
    if (flushing.current || !socket?.connected) return;
    flushing.current = true;
    // Each item is tried once per run; a retriable failure ends the run and a timer starts the next.
    const taken = new Set<string>();
    try {
      for (;;) {
        const next = nextQueued(chatRef.current, taken);
        if (!next || !socket.connected) return;
        taken.add(next.clientId);
        const { channel, clientId, text } = next;
        apply({ type: 'sending', channel, clientId });
        let res: AckOf<'chat:send'>;
        try {
          res = await emitWithTimeout(socket, 'chat:send', { clientId, text, channel });
        } catch {
          apply({ type: 'requeue', channel, clientId, error: 'TIMEOUT' });
          return;
        }
        if (res.ok) {
          apply({ type: 'acked', channel, message: res.data.message });
        } else if (isRetriable(res.error.code)) {
          apply({ type: 'requeue', channel, clientId, error: res.error.code });
          // Over the rate limit the server says when the next one will pass (a flush of a long outbox).
          const wait = res.error.code === 'RATE_LIMITED' ? Math.max(100, res.error.retryAfterMs ?? RETRY_MS) : RETRY_MS;
          later(() => void flush(), wait);
          return;
        } else {
          apply({ type: 'failed', channel, clientId, error: res.error.code });
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [apply, later]);

  const loadHistory = useCallback(
    (socket: RoomSocket, channel: Channel) => {
      const oldest = channelState(chatRef.current, channel).messages[0]?.seq;
      return emitWithTimeout(socket, 'chat:history', {
        channel,
        limit: 50,
        ...(oldest !== undefined ? { beforeSeq: oldest } : {}),
      }).then((res) => {
        if (res.ok) apply({ type: 'history', channel, messages: res.data.messages, hasMore: res.data.hasMore });
      });
    },
    [apply],
  );

  useEffect(() => {
    // Between the handshake and the welcome the server replays what was missed: unseen by definition.
    let catchingUp = false;
    const socket: RoomSocket = io({
      autoConnect: navigator.onLine,
      auth: (cb) => cb({ token, caseId, cursors: cursorsOf(chatRef.current) }),
    });
    socketRef.current = socket;
    socket.on('connect', () => {
      catchingUp = true;
    });
    socket.on('room:lobby', (l) => {
      setLobby(l);
      setStatus('waiting');
    });
    socket.on('room:welcome', (w) => {
      catchingUp = false;
      setWelcome(w);
      setLobby(null);
      setState(w.state);
      setStatus('connected');
      // A channel never loaded on this device starts from its latest page.
      const channels: Channel[] = [JOINT];
      if (w.you.role === 'customer' || w.you.role === 'platform') channels.push(`caucus:${w.you.userId}`);
      for (const channel of channels) {
        if (channelState(chatRef.current, channel).messages.length === 0) {
          loadHistory(socket, channel).catch(() => undefined);
        }
      }
      emitWithTimeout(socket, 'activity:list', { limit: 50 })
        .then(
          (res) =>
            res.ok &&
            // Entries that arrived live while this was on its way are kept.
            setActivity((live) => [
              ...res.data.entries,
              ...live.filter((a) => !res.data.entries.some((e) => e.id === a.id)),
            ]),
        )
        .catch(() => undefined);
      emitWithTimeout(socket, 'outcome:status', {})
        .then((res) => res.ok && setOutcome(res.data))
        .catch(() => undefined);
      void flush();
    });
    socket.on('room:state', (s) => setState((prev) => (prev && prev.version > s.version ? prev : s)));
    socket.on('activity', (a) => setActivity((list) => (list.some((x) => x.id === a.id) ? list : [...list, a])));
    socket.on('chat:message', (m) => {
      apply({
        type: 'received',
        channel: m.channel,
        messages: [m],
        viewing: (viewing.current.get(m.channel) ?? false) && !catchingUp,
      });
      // Across nodes a message can overtake an earlier one, or one can be missed at a reconnect:
      // a gap in the sequence is filled from the store.
      const gap = gapBefore(channelState(chatRef.current, m.channel), m.seq);
      if (gap) {
        emitWithTimeout(socket, 'chat:history', { channel: m.channel, ...gap })
          .then((res) => res.ok && apply({ type: 'filled', channel: m.channel, messages: res.data.messages }))
          .catch(() => undefined);
      }
    });
    socket.on('presence', (p) => setParticipants(p.participants));
    socket.on('outcome:status', setOutcome);
    socket.on('chat:typing', (e) =>
      setTypingMap((prev) => {
        const next = new Map(prev);
        if (e.typing)
          next.set(e.userId, { channel: e.channel, name: e.displayName, until: Date.now() + TYPING_TTL_MS });
        else next.delete(e.userId);
        return next;
      }),
    );
    socket.on('accord:error', (e) => {
      if (e.code === 'TOKEN_REVOKED' || e.code === 'NOT_A_MEMBER') {
        setStatus('denied');
        setDeniedReason(e.code);
      }
    });
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: ErrorBody }).data;
      if (!data) {
        setStatus(navigator.onLine ? 'reconnecting' : 'offline');
        return;
      }
      // A refusal by the server: transient ones are retried, the others end here.
      if (data.code === 'STORE_FAILED' || data.code === 'INTERNAL') {
        later(() => socket.connect(), RETRY_MS);
        setStatus('reconnecting');
      } else {
        setStatus('denied');
        setDeniedReason(data.code);
      }
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') return; // revoked or removed: 'accord:error' said why
      setStatus(navigator.onLine ? 'reconnecting' : 'offline');
    });
    const pending = timers.current;
    return () => {
      pending.forEach(clearTimeout);
      pending.clear();
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [caseId, token, flush, apply, later, loadHistory]);

  // The browser knows about a lost network before any timeout does.
  useEffect(() => {
    const socket = socketRef.current;
    if (!socket) return;
    if (!online) socket.disconnect();
    else if (!socket.connected && !socket.active) socket.connect();
  }, [online]);

  useEffect(() => saveChat(caseId, me, chat), [caseId, me, chat]);

  // Expire typing hints whose "stopped" never came.
  useEffect(() => {
    if (typing.size === 0) return;
    const timer = setInterval(() => {
      setTypingMap((prev) => {
        const now = Date.now();
        const next = new Map([...prev].filter(([, v]) => v.until > now));
        return next.size === prev.size ? prev : next;
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [typing.size]);

  const typingSent = useRef(new Map<Channel, { value: boolean; at: number }>());
  const setTyping = useCallback((value: boolean, channel: Channel = JOINT) => {
    const socket = socketRef.current;
    const last = typingSent.current.get(channel) ?? { value: false, at: 0 };
    // Repeat "typing" at most every 3 s; say "stopped" once.
    if (!socket?.connected || (value && last.value && Date.now() - last.at < 3000) || (!value && !last.value)) return;
    typingSent.current.set(channel, { value, at: Date.now() });
    socket.emit('chat:typing', { typing: value, channel }, () => undefined);
  }, []);

  const send = useCallback(
    (text: string, channel: Channel = JOINT) => {
      apply({
        type: 'queued',
        channel,
        item: { clientId: newClientId(), text, createdAt: new Date().toISOString(), status: 'queued' },
      });
      setTyping(false, channel);
      void flush();
    },
    [apply, flush, setTyping],
  );

  const loadOlder = useCallback(
    (channel: Channel) => {
      const socket = socketRef.current;
      if (!socket?.connected || loadingOlder || !channelState(chatRef.current, channel).hasOlder) return;
      setLoadingOlder(true);
      loadHistory(socket, channel)
        .catch(() => undefined)
        .finally(() => setLoadingOlder(false));
    },
    [loadingOlder, loadHistory],
  );

  const command = useCallback(async <K extends EventName>(event: K, payload: PayloadOf<K>) => {
    const socket = socketRef.current;
    if (!socket?.connected) return { code: 'INTERNAL', message: 'not connected' } satisfies ErrorBody;
    try {
      const res = (await emitWithTimeout(socket, event, payload)) as { ok: true } | { ok: false; error: ErrorBody };
      return res.ok ? null : res.error;
    } catch {
      return { code: 'INTERNAL', message: 'no answer from the server' } satisfies ErrorBody;
    }
  }, []);

  const typingFor = useCallback(
    (channel: Channel) =>
      new Map([...typing].filter(([, v]) => v.channel === channel).map(([id, v]) => [id, v.name] as const)),
    [typing],
  );

  const status: RoomStatus =
    connStatus === 'denied' ? 'denied' : !online ? 'offline' : connStatus === 'offline' ? 'reconnecting' : connStatus;

  return {
    status,
    deniedReason,
    welcome,
    lobby,
    state,
    me,
    participants,
    activity,
    outcome,
    typing: typingFor,
    chat,
    unsent: unsentCount(chat),
    loadingOlder,
    send,
    retry: (channel, clientId) => {
      apply({ type: 'retry', channel, clientId });
      void flush();
    },
    discard: (channel, clientId) => apply({ type: 'discard', channel, clientId }),
    loadOlder,
    markRead: (channel, seq) => apply({ type: 'read', channel, seq }),
    setViewing: (channel, value) => {
      viewing.current.set(channel, value);
    },
    setTyping,
    command,
  };
}
