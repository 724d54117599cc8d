import { z } from 'zod';
import { ChatMessage } from '@accord/shared';
import { emptyChat, type ChatState } from './chatState';

const KEEP = 200;

const Cached = z.object({
  me: z.string(),
  messages: z.array(ChatMessage),
  outbox: z.array(
    z.object({
      clientId: z.string(),
      text: z.string(),
      createdAt: z.string(),
      status: z.enum(['queued', 'sending', 'failed']),
      error: z.string().optional(),
    }),
  ),
  lastReadSeq: z.number(),
  hasOlder: z.boolean(),
});

const key = (caseId: string) => `accord.chat.${caseId}`;

/**
 * The last messages and the unsent outbox of a room, kept on the device so a
 * reload (even offline) shows the conversation and sends queued messages once.
 */
export function loadChat(caseId: string): { me: string | null; state: ChatState } {
  try {
    const parsed = Cached.safeParse(JSON.parse(localStorage.getItem(key(caseId)) ?? 'null'));
    if (!parsed.success) return { me: null, state: emptyChat };
    const { me, ...rest } = parsed.data;
    return { me, state: { ...rest, outbox: rest.outbox as ChatState['outbox'], dividerSeq: null } };
  } catch {
    return { me: null, state: emptyChat };
  }
}

export function saveChat(caseId: string, me: string, state: ChatState): void {
  const messages = state.messages.slice(-KEEP);
  const cached: z.input<typeof Cached> = {
    me,
    messages,
    // An unacknowledged send is resent after a reload; the clientId keeps it single.
    outbox: state.outbox.map((o) => (o.status === 'sending' ? { ...o, status: 'queued' } : o)),
    lastReadSeq: state.lastReadSeq,
    hasOlder: state.hasOlder || state.messages.length > KEEP,
  };
  try {
    localStorage.setItem(key(caseId), JSON.stringify(cached));
  } catch {
    // Storage full or disabled: the server still has every acknowledged message.
  }
}
