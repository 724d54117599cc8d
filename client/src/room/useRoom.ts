import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ChatSendResult,
  ClientToServerEvents,
  ErrorBody,
  Participant,
  RoomWelcome,
  ServerToClientEvents,
} from '@accord/shared';
import { useOnline } from '../app/useOnline';
import { loadChat, saveChat } from './chatCache';
import { chatReducer, headSeq, isRetriable, newClientId, type ChatAction, type ChatState } from './chatState';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type RoomStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'denied';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_MS = 2_000;
const TYPING_TTL_MS = 6_000;

type AckOf<K extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[K]>[1]>[0];

/** An ack with a deadline; Socket.IO's types lose the ack type under `timeout()`, the contract restores it. */
function emitWithTimeout<K extends 'chat:send' | 'chat:history'>(
  socket: RoomSocket,
  event: K,
  payload: Parameters<ClientToServerEvents[K]>[0],
): Promise<AckOf<K>> {
  const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
    emitWithAck(e: K, p: Parameters<ClientToServerEvents[K]>[0]): Promise<AckOf<K>>;
  };
  return timed.emitWithAck(event, payload);
}

export interface RoomApi {
  status: RoomStatus;
  deniedReason: string | null;
  welcome: RoomWelcome | null;
  me: string | null;
  participants: Participant[];
  /** userId → display name of people typing now (never me). */
  typing: Map<string, string>;
  chat: ChatState;
  loadingOlder: boolean;
  send(text: string): void;
  retry(clientId: string): void;
  discard(clientId: string): void;
  loadOlder(): void;
  markRead(seq: number): void;
  setViewing(viewing: boolean): void;
  setTyping(typing: boolean): void;
}

/**
 * The live room over Socket.IO: chat with an offline outbox (sent once, in
 * order, when the connection is back), replay by last seq on reconnect,
 * presence and typing.
 */
export function useRoom(caseId: string, token: string): RoomApi {
  const cached = useMemo(() => loadChat(caseId), [caseId]);
  const meRef = useRef<string | null>(cached.me);
  const [me, setMe] = useState<string | null>(cached.me);
  // Each action carries who "me" was when it happened, so the React state and the ref agree.
  const [chat, dispatch] = useReducer(
    (s: ChatState, a: ChatAction & { me: string }) => chatReducer(a.me)(s, a),
    cached.state,
  );
  // The latest state for callbacks, updated as each action is dispatched (not only after render).
  const chatRef = useRef(chat);
  const apply = useCallback((action: ChatAction) => {
    const me = meRef.current ?? '';
    chatRef.current = chatReducer(me)(chatRef.current, action);
    dispatch({ ...action, me });
  }, []);
  const online = useOnline();
  const [connStatus, setStatus] = useState<RoomStatus>('connecting');
  const [deniedReason, setDeniedReason] = useState<string | null>(null);
  const [welcome, setWelcome] = useState<RoomWelcome | null>(null);
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [typing, setTypingMap] = useState(new Map<string, { name: string; until: number }>());
  const [loadingOlder, setLoadingOlder] = useState(false);
  const socketRef = useRef<RoomSocket | null>(null);
  /** Set by the chat view: the end of the chat is on screen and the page visible. */
  const viewing = useRef(false);
  const flushing = useRef(false);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Sends queued messages one by one, in order; stops at the first that cannot go now. */
  const flush = useCallback(async () => {
    const socket = socketRef.current;
    if (flushing.current || !socket?.connected) return;
    flushing.current = true;
    // Each item is tried once per run; a retriable failure ends the run and a timer starts the next.
    const taken = new Set<string>();
    try {
      for (;;) {
        const next = chatRef.current.outbox.find((o) => o.status === 'queued' && !taken.has(o.clientId));
        if (!next || !socket.connected) return;
        taken.add(next.clientId);
        apply({ type: 'sending', clientId: next.clientId });
        let res: Ack<ChatSendResult>;
        try {
          res = await emitWithTimeout(socket, 'chat:send', { clientId: next.clientId, text: next.text });
        } catch {
          apply({ type: 'requeue', clientId: next.clientId, error: 'TIMEOUT' });
          return;
        }
        if (res.ok) {
          apply({ type: 'acked', message: res.data.message });
        } else if (isRetriable(res.error.code)) {
          apply({ type: 'requeue', clientId: next.clientId, error: res.error.code });
          clearTimeout(retryTimer.current);
          retryTimer.current = setTimeout(() => void flush(), RETRY_MS);
          return;
        } else {
          apply({ type: 'failed', clientId: next.clientId, error: res.error.code });
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [apply]);

  useEffect(() => {
    let firstWelcome = true;
    // Between the handshake and the welcome the server replays what was missed: unseen by definition.
    let catchingUp = false;
    const socket: RoomSocket = io({
      autoConnect: navigator.onLine,
      auth: (cb) => {
        const lastSeq = headSeq(chatRef.current);
        cb(lastSeq > 0 ? { token, caseId, lastSeq } : { token, caseId });
      },
    });
    socketRef.current = socket;
    socket.on('room:welcome', (w) => {
      catchingUp = false;
      meRef.current = w.you.userId;
      setMe(w.you.userId);
      setWelcome(w);
      setStatus('connected');
      if (firstWelcome && chatRef.current.messages.length === 0) {
        firstWelcome = false;
        void socket.emitWithAck('chat:history', { limit: 50 }).then((res) => {
          if (res.ok) apply({ type: 'history', messages: res.data.messages, hasMore: res.data.hasMore });
        });
      }
      firstWelcome = false;
      void flush();
    });
    socket.on('connect', () => {
      catchingUp = true;
    });
    socket.on('chat:message', (m) =>
      apply({ type: 'received', messages: [m], viewing: viewing.current && !catchingUp }),
    );
    socket.on('presence', (p) => setParticipants(p.participants));
    socket.on('chat:typing', (e) =>
      setTypingMap((prev) => {
        const next = new Map(prev);
        if (e.typing) next.set(e.userId, { name: e.displayName, until: Date.now() + TYPING_TTL_MS });
        else next.delete(e.userId);
        return next;
      }),
    );
    socket.on('accord:error', (e) => {
      if (e.code === 'TOKEN_REVOKED') {
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
        setTimeout(() => socket.connect(), RETRY_MS);
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
    return () => {
      clearTimeout(retryTimer.current);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [caseId, token, flush, apply]);

  // The browser knows about a lost network before any timeout does.
  useEffect(() => {
    const socket = socketRef.current;
    if (!socket) return;
    if (!online) socket.disconnect();
    else if (!socket.connected && !socket.active) socket.connect();
  }, [online]);

  useEffect(() => {
    if (me) saveChat(caseId, me, chat);
  }, [caseId, me, chat]);

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

  const typingSent = useRef({ value: false, at: 0 });
  const setTyping = useCallback((value: boolean) => {
    const socket = socketRef.current;
    const last = typingSent.current;
    // Repeat "typing" at most every 3 s; say "stopped" once.
    if (!socket?.connected || (value && last.value && Date.now() - last.at < 3000) || (!value && !last.value)) return;
    typingSent.current = { value, at: Date.now() };
    socket.emit('chat:typing', { typing: value }, () => undefined);
  }, []);

  const send = useCallback(
    (text: string) => {
      apply({
        type: 'queued',
        item: { clientId: newClientId(), text, createdAt: new Date().toISOString(), status: 'queued' },
      });
      setTyping(false);
      setTimeout(() => void flush(), 0);
    },
    [flush, setTyping, apply],
  );

  const loadOlder = useCallback(() => {
    const socket = socketRef.current;
    const oldest = chatRef.current.messages[0]?.seq;
    if (!socket?.connected || loadingOlder || !chatRef.current.hasOlder) return;
    setLoadingOlder(true);
    void emitWithTimeout(socket, 'chat:history', oldest ? { beforeSeq: oldest, limit: 50 } : { limit: 50 })
      .then((res) => {
        if (res.ok) apply({ type: 'history', messages: res.data.messages, hasMore: res.data.hasMore });
      })
      .catch(() => undefined)
      .finally(() => setLoadingOlder(false));
  }, [loadingOlder, apply]);

  const typingNames = useMemo(() => new Map([...typing].map(([id, v]) => [id, v.name])), [typing]);

  const status: RoomStatus =
    connStatus === 'denied' ? 'denied' : !online ? 'offline' : connStatus === 'offline' ? 'reconnecting' : connStatus;

  return {
    status,
    deniedReason,
    welcome,
    me,
    participants,
    typing: typingNames,
    chat,
    loadingOlder,
    send,
    retry: (clientId) => {
      apply({ type: 'retry', clientId });
      setTimeout(() => void flush(), 0);
    },
    discard: (clientId) => apply({ type: 'discard', clientId }),
    loadOlder,
    markRead: (seq) => apply({ type: 'read', seq }),
    setViewing: (value) => {
      viewing.current = value;
    },
    setTyping,
  };
}
