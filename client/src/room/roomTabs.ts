import type { ChatMessage } from '@accord/shared';

/** The room's tabs on a phone, in their order. Desktop shows the same parts as columns instead. */
export const ROOM_TABS = ['chat', 'agreement', 'people', 'evidence', 'call'] as const;
export type RoomTab = (typeof ROOM_TABS)[number];

/** A count (unread messages, people waiting, people in the call) or a plain "changed" dot. */
export type TabBadge = { kind: 'count'; count: number } | { kind: 'dot' } | null;

/** What the badges are computed from, as the room is now. */
export interface TabInputs {
  /** Messages from others in the chats shown on the chat tab, by channel, with how far each was read. */
  chats: { channel: string; messages: readonly Pick<ChatMessage, 'seq' | 'senderId'>[]; lastReadSeq: number }[];
  me: string;
  /** Changes whenever the agreement, its terms, signing or negotiation changes (any string). */
  agreementVersion: string;
  /** True when the agreement's text or terms were changed by someone else while the tab was not open. */
  agreementChangedAway: boolean;
  /** What needs the person's action on the people tab (the mediator: people waiting, hands raised). */
  peopleAttention: number;
  /** Changes when something worth a look happens on the people tab (activity entries). */
  peopleVersion: string;
  /** People in the call now, me included. */
  inCall: number;
}

/** What was on each tab the last time it was open: nothing newer than this is news. */
export interface TabsSeen {
  /** Per channel, the highest seq present while the chat tab was open. */
  chatSeq: Readonly<Record<string, number>>;
  agreement: string | null;
  people: string | null;
}

export const NOTHING_SEEN: TabsSeen = { chatSeq: {}, agreement: null, people: null };

/** Messages from others after what was read (in the chat itself, or by having had the tab open). */
export function unreadCount(inputs: Pick<TabInputs, 'chats' | 'me'>, seen: TabsSeen): number {
  let n = 0;
  for (const { channel, messages, lastReadSeq } of inputs.chats) {
    const from = Math.max(lastReadSeq, seen.chatSeq[channel] ?? 0);
    for (const m of messages) if (m.seq > from && m.senderId !== inputs.me) n++;
  }
  return n;
}

/**
 * What the open tab has on it now: remembered as seen. Returns `seen` itself when nothing changes, so
 * that a React state holding it is not set again on every render. Once the room has `loaded`, the
 * versions of tabs never opened are taken as seen: what the page opened with is no news.
 */
export function markSeen(seen: TabsSeen, active: RoomTab, inputs: TabInputs, loaded: boolean): TabsSeen {
  if (loaded && (seen.agreement === null || seen.people === null)) {
    seen = {
      ...seen,
      agreement: seen.agreement ?? inputs.agreementVersion,
      people: seen.people ?? inputs.peopleVersion,
    };
  }
  if (active === 'chat') {
    let changed = false;
    const chatSeq: Record<string, number> = { ...seen.chatSeq };
    for (const { channel, messages } of inputs.chats) {
      const last = messages.at(-1)?.seq ?? 0;
      if (last > (chatSeq[channel] ?? 0)) {
        chatSeq[channel] = last;
        changed = true;
      }
    }
    return changed ? { ...seen, chatSeq } : seen;
  }
  if (active === 'agreement' && seen.agreement !== inputs.agreementVersion) {
    return { ...seen, agreement: inputs.agreementVersion };
  }
  if (active === 'people' && seen.people !== inputs.peopleVersion) {
    return { ...seen, people: inputs.peopleVersion };
  }
  return seen;
}

/**
 * Each tab's badge. The open tab has none: what it shows is in front of the person. A version never
 * seen (null) is the one the page opened with, so nothing is flagged merely for loading.
 */
export function tabBadges(active: RoomTab, inputs: TabInputs, seen: TabsSeen): Record<RoomTab, TabBadge> {
  const count = (n: number): TabBadge => (n > 0 ? { kind: 'count', count: n } : null);
  const changed = (version: string, seenVersion: string | null) => seenVersion !== null && seenVersion !== version;
  const badges: Record<RoomTab, TabBadge> = {
    chat: count(unreadCount(inputs, seen)),
    agreement: inputs.agreementChangedAway || changed(inputs.agreementVersion, seen.agreement) ? { kind: 'dot' } : null,
    people:
      inputs.peopleAttention > 0
        ? count(inputs.peopleAttention)
        : changed(inputs.peopleVersion, seen.people)
          ? { kind: 'dot' }
          : null,
    // The list is read again on each change; what is new is seen on opening it.
    evidence: null,
    call: count(inputs.inCall),
  };
  badges[active] = null;
  return badges;
}

/** The tab a key press moves to (arrows wrap round, Home and End go to the ends), or null for other keys. */
export function tabAfterKey(tabs: readonly RoomTab[], current: RoomTab, key: string): RoomTab | null {
  const i = tabs.indexOf(current);
  const n = tabs.length;
  if (n === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return tabs[(i + 1) % n] ?? null;
    case 'ArrowLeft':
      return tabs[(i - 1 + n) % n] ?? null;
    case 'Home':
      return tabs[0] ?? null;
    case 'End':
      return tabs[n - 1] ?? null;
    default:
      return null;
  }
}
