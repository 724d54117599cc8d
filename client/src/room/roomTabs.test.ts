import { describe, expect, it } from 'vitest';
import { NOTHING_SEEN, markSeen, tabAfterKey, tabBadges, unreadCount, type TabInputs } from './roomTabs';

const msg = (seq: number, senderId: string) => ({ seq, senderId });
const inputs = (patch: Partial<TabInputs> = {}): TabInputs => ({
  chats: [{ channel: 'joint', messages: [msg(1, 'them'), msg(2, 'me'), msg(3, 'them')], lastReadSeq: 1 }],
  me: 'me',
  agreementVersion: 'a1',
  agreementChangedAway: false,
  peopleAttention: 0,
  peopleVersion: 'p1',
  inCall: 0,
  ...patch,
});

describe('room tab badges', () => {
  it('counts messages from others after the last read one, never my own', () => {
    expect(unreadCount(inputs(), NOTHING_SEEN)).toBe(1);
    expect(tabBadges('agreement', inputs(), NOTHING_SEEN).chat).toEqual({ kind: 'count', count: 1 });
  });

  it('clears the chat count once the chat tab was open, though the list was not scrolled to its end', () => {
    const seen = markSeen(NOTHING_SEEN, 'chat', inputs(), true);
    expect(tabBadges('agreement', inputs(), seen).chat).toBeNull();
    // A new message from someone else while away counts again.
    const later = inputs({
      chats: [{ channel: 'joint', messages: [msg(1, 'them'), msg(3, 'them'), msg(4, 'them')], lastReadSeq: 1 }],
    });
    expect(tabBadges('people', later, seen).chat).toEqual({ kind: 'count', count: 1 });
  });

  it('adds up the chats shown on the tab (the joint chat and a caucus)', () => {
    const two = inputs({
      chats: [
        { channel: 'joint', messages: [msg(5, 'them')], lastReadSeq: 0 },
        { channel: 'caucus:x', messages: [msg(1, 'them'), msg(2, 'them')], lastReadSeq: 1 },
      ],
    });
    expect(unreadCount(two, NOTHING_SEEN)).toBe(2);
  });

  it('shows no badge on the open tab', () => {
    const b = tabBadges('chat', inputs({ inCall: 2 }), NOTHING_SEEN);
    expect(b.chat).toBeNull();
    expect(b.call).toEqual({ kind: 'count', count: 2 });
  });

  it('flags the agreement when it changed while away, not for what the page opened with', () => {
    const seen = markSeen(NOTHING_SEEN, 'chat', inputs(), true);
    expect(tabBadges('chat', inputs(), seen).agreement).toBeNull();
    expect(tabBadges('chat', inputs({ agreementVersion: 'a2' }), seen).agreement).toEqual({ kind: 'dot' });
    expect(tabBadges('chat', inputs({ agreementChangedAway: true }), seen).agreement).toEqual({ kind: 'dot' });
    // Opening the tab takes the new version as seen.
    const after = markSeen(seen, 'agreement', inputs({ agreementVersion: 'a2' }), true);
    expect(tabBadges('chat', inputs({ agreementVersion: 'a2' }), after).agreement).toBeNull();
  });

  it('takes nothing as seen before the room has loaded', () => {
    const seen = markSeen(NOTHING_SEEN, 'chat', inputs(), false);
    expect(seen.agreement).toBeNull();
    expect(tabBadges('chat', inputs({ agreementVersion: 'a2' }), seen).agreement).toBeNull();
  });

  it('counts what waits for the mediator on the people tab, else a dot for new activity', () => {
    const seen = markSeen(NOTHING_SEEN, 'chat', inputs(), true);
    expect(tabBadges('chat', inputs({ peopleAttention: 2 }), seen).people).toEqual({ kind: 'count', count: 2 });
    expect(tabBadges('chat', inputs({ peopleVersion: 'p2' }), seen).people).toEqual({ kind: 'dot' });
  });

  it('returns the same object when nothing new is seen', () => {
    const seen = markSeen(NOTHING_SEEN, 'chat', inputs(), true);
    expect(markSeen(seen, 'chat', inputs(), true)).toBe(seen);
    expect(markSeen(seen, 'call', inputs(), true)).toBe(seen);
  });
});

describe('tab keys', () => {
  const tabs = ['chat', 'agreement', 'people'] as const;
  it('moves with the arrows, wrapping, and to the ends with Home and End', () => {
    expect(tabAfterKey(tabs, 'chat', 'ArrowRight')).toBe('agreement');
    expect(tabAfterKey(tabs, 'people', 'ArrowRight')).toBe('chat');
    expect(tabAfterKey(tabs, 'chat', 'ArrowLeft')).toBe('people');
    expect(tabAfterKey(tabs, 'agreement', 'Home')).toBe('chat');
    expect(tabAfterKey(tabs, 'chat', 'End')).toBe('people');
    expect(tabAfterKey(tabs, 'chat', 'Enter')).toBeNull();
  });
});
