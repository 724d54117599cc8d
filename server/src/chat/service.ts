import {
  AccordError,
  chatMessagePayload,
  type Channel,
  type ChatHistoryResult,
  type ChatMessage,
  type ChatSendResult,
} from '@accord/shared';
import { entryBuilder, sha256Hex } from '../audit/log';
import type { Principal } from '../auth/service';
import type { MemberStore, ChatStore } from '../store/types';
import type { EvidenceStore } from '../store/evidence-types';
import { checkChatCites } from './citations';
import { uuidv7 } from '../lib/ids';
import { KeyedSerialQueue } from '../lib/serial-queue';
import { assertMayPost, mayReadChannel } from '../access/policy';
import type { RoomStates } from '../access/room-states';

const REPLAY_PAGE = 500;

const lockKey = (caseId: string, channel: Channel) => `${caseId}|${channel}`;

/**
 * The chat of each room: stores before acknowledging, numbers messages per
 * channel, and keeps a channel's sends and replays in one order on this node.
 * It knows nothing of Socket.IO; `deliver` is how a new message goes out.
 */
export class ChatService {
  private readonly order = new KeyedSerialQueue();

  constructor(
    private readonly store: MemberStore & ChatStore & EvidenceStore,
    private readonly rooms: RoomStates,
    /** `origin`: the sending connection, which has the message from its acknowledgement. */
    private readonly deliver: (message: ChatMessage, origin: string | undefined) => void,
  ) {}

  async send(
    p: Principal,
    payload: { clientId: string; text: string; channel: Channel; cites?: readonly string[] },
    origin?: string,
  ): Promise<ChatSendResult> {
    const [member, state] = await Promise.all([this.store.getMember(p.caseId, p.userId), this.rooms.get(p.caseId)]);
    if (!member || member.removedAt !== null)
      throw new AccordError('NOT_A_MEMBER', 'you are not a member of this case');
    assertMayPost(p, member, state, payload.channel);
    // Checked before anything is stored; a message without citations costs no query here.
    const cites = payload.cites?.length
      ? await checkChatCites(this.store, p.caseId, payload.channel, payload.cites)
      : undefined;
    return this.order.run(lockKey(p.caseId, payload.channel), async () => {
      const result = await this.store.appendMessage(
        {
          id: uuidv7(),
          caseId: p.caseId,
          channel: payload.channel,
          clientId: payload.clientId,
          senderId: p.userId,
          senderName: p.displayName,
          senderRole: p.role,
          text: payload.text,
          ...(cites ? { cites } : {}),
          createdAt: new Date().toISOString(),
        },
        // Every message is in the case's audit log by its content hash (hashed once, here), in the same transaction.
        (m, previous) =>
          // Keys in canonical order (see canonicalJson).
          entryBuilder(p.caseId, p.userId, 'chat.message', {
            channel: m.channel,
            contentHash: sha256Hex(chatMessagePayload(m)),
            seq: m.seq,
          })(previous),
      );
      // A retry was delivered the first time; only the ack is repeated.
      if (!result.duplicate) this.deliver(result.message, origin);
      return result;
    });
  }

  async history(
    p: Principal,
    payload: { channel: Channel; beforeSeq?: number | undefined; limit: number },
  ): Promise<ChatHistoryResult> {
    if (!mayReadChannel(p, payload.channel)) throw new AccordError('FORBIDDEN', 'you may not read this conversation');
    const page = await this.store.listMessages(p.caseId, payload.channel, {
      ...(payload.beforeSeq !== undefined ? { beforeSeq: payload.beforeSeq } : {}),
      limit: payload.limit + 1,
    });
    const hasMore = page.length > payload.limit;
    return { messages: hasMore ? page.slice(1) : page, hasMore };
  }

  /**
   * Sends a reconnecting client every message after its cursor in each channel
   * it may read, then lets it join the live stream, with no send of those
   * channels in between: no gap, no duplicate, in order. The channels' locks
   * are taken in a fixed order, so two replays never wait on each other.
   */
  async replayThenJoin(
    p: Principal,
    cursors: ReadonlyMap<Channel, number>,
    emit: (message: ChatMessage) => void,
    join: () => void,
  ): Promise<{ replayed: number; headSeq: number }> {
    // The joint channel is always locked (the welcome reports its head); all in sorted order.
    const channels = [
      ...new Set<Channel>(['joint', ...[...cursors.keys()].filter((c) => mayReadChannel(p, c))]),
    ].sort();
    let replayed = 0;
    const replay = async (channel: Channel) => {
      let cursor = cursors.get(channel);
      if (cursor === undefined) return;
      for (;;) {
        const page = await this.store.listMessages(p.caseId, channel, { afterSeq: cursor, limit: REPLAY_PAGE });
        for (const m of page) emit(m);
        replayed += page.length;
        const last = page.at(-1);
        if (!last || page.length < REPLAY_PAGE) return;
        cursor = last.seq;
      }
    };
    const locked = channels.reduceRight<() => Promise<number>>(
      (inner, channel) => () =>
        this.order.run(lockKey(p.caseId, channel), async () => (await replay(channel), inner())),
      async () => {
        const head = await this.store.headSeq(p.caseId, 'joint');
        join();
        return head;
      },
    );
    const headSeq = await locked();
    return { replayed, headSeq };
  }
}
