import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@accord/shared';
import {
  chatReducer,
  emptyChat,
  firstUnreadSeq,
  gapBefore,
  headSeq,
  mergeMessages,
  newClientId,
  type ChatState,
} from './chatState';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const msg = (seq: number, senderId = OTHER, clientId = `c${seq}xxxxxxx`): ChatMessage => ({
  channel: 'joint',
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  clientId,
  caseId: '33333333-3333-4333-8333-333333333333',
  senderId,
  senderName: senderId === ME ? 'me' : 'other',
  senderRole: 'customer',
  text: `m${seq}`,
  cites: [],
  createdAt: '2026-11-28T00:00:00.000Z',
});
const reduce = chatReducer(ME);
const run = (state: ChatState, ...actions: Parameters<typeof reduce>[1][]) => actions.reduce(reduce, state);

describe('message list state', () => {
  it('keeps messages ascending and unique whatever order and overlap they arrive in', () => {
    const s = run(
      emptyChat,
      { type: 'received', messages: [msg(5), msg(6)], viewing: true },
      { type: 'history', messages: [msg(3), msg(4), msg(5)], hasMore: true },
      { type: 'received', messages: [msg(6), msg(7)], viewing: true },
      { type: 'history', messages: [msg(1), msg(2)], hasMore: false },
    );
    expect(s.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.hasOlder).toBe(false);
    expect(headSeq(s)).toBe(7);
  });

  it('finds a gap in the sequence so it can be filled, and filling changes nothing else', () => {
    let s = run(emptyChat, { type: 'received', messages: [msg(1), msg(2), msg(6)], viewing: true });
    expect(gapBefore(s, 6)).toEqual({ beforeSeq: 6, limit: 3 });
    expect(gapBefore(s, 2)).toBeNull();
    s = reduce(s, { type: 'filled', messages: [msg(3), msg(4), msg(5)] });
    expect(s.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.hasOlder).toBe(emptyChat.hasOlder);
  });

  it('merge does not copy when nothing arrives and appends in order on the fast path', () => {
    const list = [msg(1)];
    expect(mergeMessages(list, [])).toBe(list);
    expect(mergeMessages(list, [msg(3), msg(2)]).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('moves my message from the outbox to the list on ack, and a late broadcast adds nothing', () => {
    const item = { clientId: 'mine-0001', text: 'hi', createdAt: '', status: 'queued' as const };
    let s = run(
      emptyChat,
      { type: 'queued', item },
      { type: 'queued', item },
      { type: 'sending', clientId: 'mine-0001' },
    );
    expect(s.outbox).toHaveLength(1);
    expect(s.outbox[0]?.status).toBe('sending');
    const mine = msg(1, ME, 'mine-0001');
    s = run(s, { type: 'acked', message: mine }, { type: 'received', messages: [mine], viewing: true });
    expect(s.outbox).toEqual([]);
    expect(s.messages).toEqual([mine]);
  });

  it('settles an outbox entry when my message arrives by replay before its ack (reconnect)', () => {
    const item = { clientId: 'mine-0002', text: 'x', createdAt: '', status: 'sending' as const };
    const s = run(
      emptyChat,
      { type: 'queued', item },
      { type: 'received', messages: [msg(4, ME, 'mine-0002')], viewing: false },
    );
    expect(s.outbox).toEqual([]);
  });

  it('a failure needs the user; retry queues it again; discard drops it', () => {
    const item = { clientId: 'mine-0003', text: 'x', createdAt: '', status: 'sending' as const };
    let s = run(emptyChat, { type: 'queued', item }, { type: 'failed', clientId: 'mine-0003', error: 'FORBIDDEN' });
    expect(s.outbox[0]).toMatchObject({ status: 'failed', error: 'FORBIDDEN' });
    // The reason the server gave is kept, for the panel to say it in the writer's language.
    const quiet = reduce(s, {
      type: 'failed',
      clientId: 'mine-0003',
      error: 'PHASE_RULES',
      reason: 'chat.quietOpening',
    });
    expect(quiet.outbox[0]).toMatchObject({ status: 'failed', error: 'PHASE_RULES', reason: 'chat.quietOpening' });
    s = reduce(s, { type: 'retry', clientId: 'mine-0003' });
    expect(s.outbox[0]?.status).toBe('queued');
    s = reduce(s, { type: 'discard', clientId: 'mine-0003' });
    expect(s.outbox).toEqual([]);
  });

  it('places the unread divider before the first message that arrived unseen, and keeps it this visit', () => {
    let s = run(
      { ...emptyChat, lastReadSeq: 2 },
      { type: 'history', messages: [msg(1), msg(2)], hasMore: false },
      { type: 'received', messages: [msg(3, ME)], viewing: false },
      { type: 'received', messages: [msg(4)], viewing: false },
      { type: 'received', messages: [msg(5)], viewing: false },
    );
    expect(s.dividerSeq).toBe(4);
    expect(firstUnreadSeq(s, ME)).toBe(4);
    // Scrolling to the end reads them; the divider stays where it was.
    s = reduce(s, { type: 'read', seq: 5 });
    expect(firstUnreadSeq(s, ME)).toBeNull();
    expect(s.dividerSeq).toBe(4);
    s = reduce(s, { type: 'read', seq: 1 });
    expect(s.lastReadSeq).toBe(5);
  });

  it('shows no divider for what arrives while the user is watching, and clears it when they write', () => {
    let s = run(emptyChat, { type: 'received', messages: [msg(1), msg(2)], viewing: true });
    expect([s.dividerSeq, s.lastReadSeq]).toEqual([null, 2]);
    s = reduce(s, { type: 'received', messages: [msg(3)], viewing: false });
    expect(s.dividerSeq).toBe(3);
    s = reduce(s, { type: 'acked', message: msg(4, ME, 'mine-0004') });
    expect(s.dividerSeq).toBeNull();
  });
});

describe('client message ids', () => {
  it('sort by the time they were made (the server indexes them in that order), and never repeat within a moment', () => {
    const at = Date.UTC(2026, 11, 6, 1, 0, 0);
    const same = Array.from({ length: 1000 }, () => newClientId(at));
    expect(new Set(same).size).toBe(1000);
    const later = newClientId(at + 1);
    expect(same.every((id) => id < later)).toBe(true);
    expect(same[0]).toMatch(/^[0-9a-f]{32}$/);
  });
});
