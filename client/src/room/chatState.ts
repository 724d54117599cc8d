import type { ChatCite, ChatMessage, ErrorBody, ErrorReason } from '@accord/shared';

/** One of my messages that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string;
  text: string;
  /** The evidence it cites (shown while it waits; their ids are sent). */
  cites?: ChatCite[];
  createdAt: string;
  /** queued: waiting to be sent (offline, or retrying); sending: in flight; failed: refused, needs the user. */
  status: 'queued' | 'sending' | 'failed';
  error?: ErrorBody['code'] | 'TIMEOUT';
  /** Why it was refused, when the server said more than the code (shown translated). */
  reason?: ErrorReason;
}

export interface ChatState {
  /** Acknowledged messages, ascending by seq, each seq once. */
  messages: ChatMessage[];
  outbox: OutboxItem[];
  /** False once the server said there is nothing older than what is loaded. */
  hasOlder: boolean;
  /** Highest seq the user has seen; later messages from others are unread. */
  lastReadSeq: number;
  /** Where the "new messages" divider stands this visit: the first message that arrived unseen. */
  dividerSeq: number | null;
}

export type ChatAction =
  /** `viewing`: the user is looking at the end of the chat right now, so these are read on arrival. */
  | { type: 'received'; messages: ChatMessage[]; viewing: boolean }
  | { type: 'history'; messages: ChatMessage[]; hasMore: boolean }
  /** Messages fetched to fill a gap in the sequence (delivered late or missed); nothing else changes. */
  | { type: 'filled'; messages: ChatMessage[] }
  | { type: 'queued'; item: OutboxItem }
  | { type: 'sending'; clientId: string }
  | { type: 'acked'; message: ChatMessage }
  | { type: 'requeue'; clientId: string; error?: OutboxItem['error'] }
  | { type: 'failed'; clientId: string; error: OutboxItem['error']; reason?: ErrorReason }
  | { type: 'retry'; clientId: string }
  | { type: 'discard'; clientId: string }
  | { type: 'read'; seq: number };

export const emptyChat: ChatState = { messages: [], outbox: [], hasOlder: true, lastReadSeq: 0, dividerSeq: null };

/** Adds messages, keeping ascending seq order and dropping any seq already present. */
export function mergeMessages(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current;
  const last = current.at(-1);
  const sortedIncoming = [...incoming].sort((a, b) => a.seq - b.seq);
  // Fast path: live messages arrive in order after everything we have.
  if (!last || (sortedIncoming[0]?.seq ?? 0) > last.seq) {
    const out = [...current];
    for (const m of sortedIncoming) if (m.seq > (out.at(-1)?.seq ?? 0)) out.push(m);
    return out;
  }
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const m of sortedIncoming) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function withoutOutbox(outbox: OutboxItem[], clientIds: Set<string>): OutboxItem[] {
  return outbox.some((o) => clientIds.has(o.clientId)) ? outbox.filter((o) => !clientIds.has(o.clientId)) : outbox;
}

function patch(outbox: OutboxItem[], clientId: string, change: Partial<OutboxItem>): OutboxItem[] {
  return outbox.map((o) => (o.clientId === clientId ? { ...o, ...change } : o));
}

/**
 * The chat as one client sees it. `me` is the user id: my own messages that
 * arrive by broadcast or replay also settle the matching outbox entry.
 */
export function chatReducer(me: string) {
  return (state: ChatState, action: ChatAction): ChatState => {
    switch (action.type) {
      case 'received': {
        const mine = new Set(action.messages.filter((m) => m.senderId === me).map((m) => m.clientId));
        const next = {
          ...state,
          messages: mergeMessages(state.messages, action.messages),
          outbox: withoutOutbox(state.outbox, mine),
        };
        if (action.viewing) {
          const newest = Math.max(state.lastReadSeq, ...action.messages.map((m) => m.seq));
          return { ...next, lastReadSeq: newest };
        }
        const unseen = action.messages.filter((m) => m.senderId !== me && m.seq > state.lastReadSeq);
        if (state.dividerSeq === null && unseen.length > 0) {
          return { ...next, dividerSeq: Math.min(...unseen.map((m) => m.seq)) };
        }
        return next;
      }
      case 'filled':
        return { ...state, messages: mergeMessages(state.messages, action.messages) };
      case 'history':
        return { ...state, messages: mergeMessages(state.messages, action.messages), hasOlder: action.hasMore };
      case 'queued':
        if (state.outbox.some((o) => o.clientId === action.item.clientId)) return state;
        return { ...state, outbox: [...state.outbox, action.item] };
      case 'sending':
        return { ...state, outbox: patch(state.outbox, action.clientId, { status: 'sending' }) };
      case 'acked':
        return {
          ...state,
          messages: mergeMessages(state.messages, [action.message]),
          outbox: withoutOutbox(state.outbox, new Set([action.message.clientId])),
          // Writing a message means having read everything before it.
          lastReadSeq: Math.max(state.lastReadSeq, action.message.seq),
          dividerSeq: null,
        };
      case 'requeue':
        return {
          ...state,
          outbox: patch(state.outbox, action.clientId, {
            status: 'queued',
            ...(action.error ? { error: action.error } : {}),
          }),
        };
      case 'failed':
        return {
          ...state,
          outbox: patch(state.outbox, action.clientId, {
            status: 'failed',
            error: action.error,
            ...(action.reason ? { reason: action.reason } : {}),
          }),
        };
      case 'retry':
        return { ...state, outbox: patch(state.outbox, action.clientId, { status: 'queued' }) };
      case 'discard':
        return { ...state, outbox: state.outbox.filter((o) => o.clientId !== action.clientId) };
      case 'read':
        return action.seq > state.lastReadSeq ? { ...state, lastReadSeq: action.seq } : state;
    }
  };
}

/** The first message from someone else that the user has not read yet, if any. */
export function firstUnreadSeq(state: ChatState, me: string): number | null {
  return state.messages.find((m) => m.seq > state.lastReadSeq && m.senderId !== me)?.seq ?? null;
}

/** The first gap before `seq` (a missing run of messages), as the history request that fills it. */
export function gapBefore(state: ChatState, seq: number): { beforeSeq: number; limit: number } | null {
  const i = state.messages.findIndex((m) => m.seq === seq);
  const prev = i > 0 ? state.messages[i - 1] : undefined;
  if (!prev || seq - prev.seq <= 1) return null;
  return { beforeSeq: seq, limit: Math.min(100, seq - prev.seq - 1) };
}

/** The highest seq received: sent as `lastSeq` on reconnect so the server replays the rest. */
export function headSeq(state: ChatState): number {
  return state.messages.at(-1)?.seq ?? 0;
}

/** Errors that a later attempt may get past; others need the user. */
export function isRetriable(code: OutboxItem['error']): boolean {
  return code === 'STORE_FAILED' || code === 'INTERNAL' || code === 'RATE_LIMITED' || code === 'TIMEOUT';
}

/**
 * A client message id: the time in milliseconds (12 hex digits), then 80 bits from the CSPRNG (works
 * outside secure contexts, unlike randomUUID). Time first, because the server's idempotence index is
 * led by it: the ids of one moment, from every room, land on the same index pages (a random id wrote a
 * page of its own per message). Uniqueness rests on the random part, as before, not on the clock.
 */
export function newClientId(now = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return now.toString(16).padStart(12, '0') + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
