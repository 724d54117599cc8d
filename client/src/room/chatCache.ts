import { z } from 'zod';
import { ChatCite, ChatMessage, ErrorReason } from '@accord/shared';
import type { ChatState } from './chatState';
import type { RoomChat } from './roomChat';

const KEEP = 200;

const CachedChannel = z.object({
  messages: z.array(ChatMessage),
  outbox: z.array(
    z.object({
      clientId: z.string(),
      text: z.string(),
      cites: z.array(ChatCite).optional(),
      createdAt: z.string(),
      status: z.enum(['queued', 'sending', 'failed']),
      error: z.string().optional(),
      reason: ErrorReason.optional().catch(undefined),
    }),
  ),
  lastReadSeq: z.number(),
  hasOlder: z.boolean(),
});

/** Where the chat is kept: `localStorage` in the browser, anything with the same two calls elsewhere. */
export type ChatStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The browser's `localStorage`, or none where there is none (or reading it throws: storage disabled). */
export function browserStorage(): ChatStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** One device's copy of one person's chat in one case: never shared between identities. */
const key = (caseId: string, userId: string) => `accord.chat.${caseId}.${userId}`;

/**
 * The last messages and the unsent outbox of each channel, kept on the device
 * so that a reload (even offline) shows the conversation and sends queued
 * messages once.
 */
export function loadChat(storage: ChatStorage | null, caseId: string, userId: string): RoomChat {
  if (!storage) return {};
  try {
    const parsed = z
      .record(z.string(), CachedChannel)
      .safeParse(JSON.parse(storage.getItem(key(caseId, userId)) ?? 'null'));
    if (!parsed.success) return {};
    return Object.fromEntries(
      Object.entries(parsed.data).map(([channel, c]) => [
        channel,
        { ...c, outbox: c.outbox as ChatState['outbox'], dividerSeq: null } satisfies ChatState,
      ]),
    );
  } catch {
    return {};
  }
}

export function saveChat(storage: ChatStorage | null, caseId: string, userId: string, chat: RoomChat): void {
  if (!storage) return;
  const cached: Record<string, z.input<typeof CachedChannel>> = {};
  for (const [channel, state] of Object.entries(chat)) {
    cached[channel] = {
      messages: state.messages.slice(-KEEP),
      // An unacknowledged send is resent after a reload; the clientId keeps it single.
      outbox: state.outbox.map((o) => (o.status === 'sending' ? { ...o, status: 'queued' } : o)),
      lastReadSeq: state.lastReadSeq,
      hasOlder: state.hasOlder || state.messages.length > KEEP,
    };
  }
  try {
    storage.setItem(key(caseId, userId), JSON.stringify(cached));
  } catch {
    // Storage full or disabled: the server still has every acknowledged message.
  }
}
