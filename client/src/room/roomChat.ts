import type { Channel, ChatCite } from '@accord/shared';
import { chatReducer, emptyChat, headSeq, type ChatAction, type ChatState } from './chatState';

/** The chat of a room: one `ChatState` per channel (the joint room, and caucus channels I belong to). */
export type RoomChat = Readonly<Record<string, ChatState>>;
export type RoomChatAction = ChatAction & { channel: Channel };

export function roomChatReducer(me: string) {
  const reduce = chatReducer(me);
  return (state: RoomChat, action: RoomChatAction): RoomChat => {
    const before = state[action.channel] ?? emptyChat;
    const after = reduce(before, action);
    return after === before ? state : { ...state, [action.channel]: after };
  };
}

export function channelState(state: RoomChat, channel: Channel): ChatState {
  return state[channel] ?? emptyChat;
}

/** Highest seq held per channel: sent in the handshake so the server replays the rest. */
export function cursorsOf(state: RoomChat): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [channel, s] of Object.entries(state)) {
    const head = headSeq(s);
    if (head > 0) out[channel] = head;
  }
  return out;
}

/** The next message waiting to be sent, in the order they were written, across channels. */
export function nextQueued(
  state: RoomChat,
  skip: ReadonlySet<string>,
): { channel: Channel; clientId: string; text: string; cites: string[] } | null {
  let best: { channel: Channel; clientId: string; text: string; cites?: ChatCite[]; createdAt: string } | null = null;
  for (const [channel, s] of Object.entries(state)) {
    for (const o of s.outbox) {
      if (o.status !== 'queued' || skip.has(o.clientId)) continue;
      if (!best || o.createdAt < best.createdAt) best = { channel: channel as Channel, ...o };
    }
  }
  return (
    best && {
      channel: best.channel,
      clientId: best.clientId,
      text: best.text,
      cites: (best.cites ?? []).map((c) => c.id),
    }
  );
}

export function unsentCount(state: RoomChat): number {
  return Object.values(state).reduce((n, s) => n + s.outbox.length, 0);
}
