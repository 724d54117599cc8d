import { randomUUID } from 'node:crypto';
import {
  AccordError,
  can,
  type ChatHistoryResult,
  type ChatMessage,
  type ChatSendPayload,
  type ChatSendResult,
} from '@accord/shared';
import type { Principal } from '../auth/service';
import type { Store } from '../store/types';
import { KeyedMutex } from './keyed-mutex';

const REPLAY_PAGE = 500;

/**
 * The chat of each room: stores before acknowledging, numbers messages per
 * room, and keeps a room's sends and replays in one order on this node.
 * It knows nothing of Socket.IO; `deliver` is how a new message goes out.
 */
export class ChatService {
  private readonly order = new KeyedMutex();

  constructor(
    private readonly store: Store,
    private readonly deliver: (caseId: string, message: ChatMessage) => void,
  ) {}

  async send(principal: Principal, payload: ChatSendPayload): Promise<ChatSendResult> {
    if (!can(principal.role, 'chat.send')) {
      throw new AccordError('FORBIDDEN', `a ${principal.role} may not send chat messages`);
    }
    return this.order.run(principal.caseId, async () => {
      const result = await this.store.appendMessage({
        id: randomUUID(),
        caseId: principal.caseId,
        clientId: payload.clientId,
        senderId: principal.userId,
        senderName: principal.displayName,
        senderRole: principal.role,
        text: payload.text,
        createdAt: new Date().toISOString(),
      });
      // A retry was delivered the first time; only the ack is repeated.
      if (!result.duplicate) this.deliver(principal.caseId, result.message);
      return result;
    });
  }

  async history(
    principal: Principal,
    payload: { beforeSeq?: number | undefined; limit: number },
  ): Promise<ChatHistoryResult> {
    if (!can(principal.role, 'chat.read')) throw new AccordError('FORBIDDEN', 'you may not read this chat');
    const page = await this.store.listMessages(principal.caseId, {
      ...(payload.beforeSeq !== undefined ? { beforeSeq: payload.beforeSeq } : {}),
      limit: payload.limit + 1,
    });
    const hasMore = page.length > payload.limit;
    return { messages: hasMore ? page.slice(1) : page, hasMore };
  }

  /**
   * Sends a reconnecting client every message after `lastSeq`, then lets it
   * join the live stream, with no send of this room in between: no gap, no
   * duplicate, in order. Returns how many were replayed and the head seq.
   */
  replayThenJoin(
    caseId: string,
    lastSeq: number | undefined,
    emit: (message: ChatMessage) => void,
    join: () => void,
  ): Promise<{ replayed: number; headSeq: number }> {
    return this.order.run(caseId, async () => {
      let replayed = 0;
      if (lastSeq !== undefined) {
        let cursor = lastSeq;
        for (;;) {
          const page = await this.store.listMessages(caseId, { afterSeq: cursor, limit: REPLAY_PAGE });
          for (const m of page) emit(m);
          replayed += page.length;
          const last = page.at(-1);
          if (!last || page.length < REPLAY_PAGE) break;
          cursor = last.seq;
        }
      }
      const headSeq = await this.store.headSeq(caseId);
      join();
      return { replayed, headSeq };
    });
  }
}
