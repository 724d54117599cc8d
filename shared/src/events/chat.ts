import { z } from 'zod';
import { CaseRole } from '../roles';
import { Channel, JOINT } from '../channels';
import { CaseId, IsoDateTime, UserId } from '../ids';

export const CHAT_TEXT_MAX = 4000;
export const HISTORY_PAGE_MAX = 100;
/** Evidence items one message may cite. */
export const CHAT_CITES_MAX = 5;

/** A cited evidence item as everyone in the channel sees it: its id (to open it), name and type, as at sending. */
export const ChatCite = z.object({ id: z.uuid(), name: z.string(), type: z.string() });
export type ChatCite = z.infer<typeof ChatCite>;

/** Chosen by the sender; a retried send with the same id is stored once. */
export const ClientMessageId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const ChatText = z
  .string()
  .max(CHAT_TEXT_MAX, `at most ${CHAT_TEXT_MAX} characters`)
  .refine((s) => s.trim().length > 0, 'must not be blank');

export const ChatSendPayload = z.strictObject({
  clientId: ClientMessageId,
  text: ChatText,
  /** The joint room (default) or a caucus channel the sender belongs to. */
  channel: Channel.default(JOINT),
  /** Evidence items of the case the message cites; each must be shown to everyone who reads the channel. */
  cites: z.array(z.uuid()).max(CHAT_CITES_MAX).default([]),
});
export type ChatSendPayload = z.input<typeof ChatSendPayload>;

export const ChatMessage = z.object({
  channel: Channel,
  /** Per-channel sequence number: 1, 2, 3, … with no gaps. */
  seq: z.int().min(1),
  id: z.uuid(),
  clientId: ClientMessageId,
  caseId: CaseId,
  senderId: UserId,
  senderName: z.string(),
  senderRole: CaseRole,
  text: z.string(),
  /** The evidence items it cites, in the sender's order (empty for most messages). */
  cites: z.array(ChatCite).default([]),
  createdAt: IsoDateTime,
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatSendResult = z.object({
  message: ChatMessage,
  /** True when this clientId had already been stored (a retry); same seq as before. */
  duplicate: z.boolean(),
});
export type ChatSendResult = z.infer<typeof ChatSendResult>;

export const ChatHistoryPayload = z.strictObject({
  channel: Channel.default(JOINT),
  /** Return messages with seq strictly below this; omitted means the newest. */
  beforeSeq: z.int().min(1).optional(),
  limit: z.int().min(1).max(HISTORY_PAGE_MAX).default(50),
});
export type ChatHistoryPayload = z.input<typeof ChatHistoryPayload>;

export const ChatHistoryResult = z.object({
  /** Ascending by seq. */
  messages: z.array(ChatMessage),
  hasMore: z.boolean(),
});
export type ChatHistoryResult = z.infer<typeof ChatHistoryResult>;

export const TypingPayload = z.strictObject({ typing: z.boolean(), channel: Channel.default(JOINT) });
export type TypingPayload = z.input<typeof TypingPayload>;

export const TypingEvent = z.object({
  channel: Channel,
  userId: UserId,
  displayName: z.string(),
  role: CaseRole,
  typing: z.boolean(),
});
export type TypingEvent = z.infer<typeof TypingEvent>;
