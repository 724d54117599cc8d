import { Fragment, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CHAT_CITES_MAX, CHAT_TEXT_MAX, JOINT, type Channel, type ChatCite, type EvidenceView } from '@accord/shared';
import { CiteChips, EvidencePickerSlot } from '../cite/CiteChips';
import { channelState } from './roomChat';
import type { RoomApi } from './useRoom';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';

/** One channel's conversation: history pages back on scroll-up, new messages arrive live, own messages show their state. */
export function ChatPanel({
  room,
  channel,
  canWrite,
  title,
  readOnlyHint,
  domId,
  testId,
  active = true,
  cite,
}: {
  room: RoomApi;
  channel: Channel;
  canWrite: boolean;
  title: string;
  readOnlyHint: string;
  /** Prefix of the element ids, where the same channel kind is shown twice (a past caucus beside an open one). */
  domId?: string;
  testId?: string;
  /** False while its tab is closed on a phone: then nothing arriving counts as read. */
  active?: boolean;
  /**
   * Evidence citations: the case and session to list the evidence with (the composer's "cite" button
   * shows only with them), and what opens a cited item (the room's evidence viewer).
   */
  cite?: { caseId: string; token: string; onOpenEvidence?: (evidenceId: string) => void };
}) {
  const { t, i18n } = useTranslation();
  const { me } = room;
  const timeZone = room.welcome?.timeZone ?? DEFAULT_TIME_ZONE;
  const chat = channelState(room.chat, channel);
  const id = domId ?? (channel === 'joint' ? 'chat' : 'caucus-chat');
  const [text, setText] = useState('');
  const [cites, setCites] = useState<ChatCite[]>([]);
  const [picking, setPicking] = useState(false);
  // The joint chat is read by both sides: only items shown to both. A caucus: the server lists what this
  // viewer may see, and refuses an item of the other side's caucus (a mediator's mistake) by name.
  const citable = (item: EvidenceView) => channel !== JOINT || item.shownTo === 'both';
  const listRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const previousHeight = useRef(0);
  const previousFirst = useRef<number | undefined>(undefined);
  const dividerSeq = chat.dividerSeq;

  // Keep the view pinned: at the bottom when new messages come, in place when older ones are prepended.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const first = chat.messages[0]?.seq;
    if (previousFirst.current !== undefined && first !== undefined && first < previousFirst.current) {
      list.scrollTop += list.scrollHeight - previousHeight.current;
    } else if (atBottom.current) {
      list.scrollTop = list.scrollHeight;
    }
    previousFirst.current = first;
    previousHeight.current = list.scrollHeight;
  }, [chat.messages, chat.outbox]);

  // A closed tab shows no list (and may have reset its scroll): it comes back where it was left, at the
  // end if it was at the end.
  const wasAtBottom = useRef(true);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    if (!active) {
      wasAtBottom.current = atBottom.current;
      return;
    }
    atBottom.current = wasAtBottom.current;
    if (atBottom.current) list.scrollTop = list.scrollHeight;
    previousHeight.current = list.scrollHeight;
  }, [active]);

  // The list shrinks as the on-screen keyboard comes up (the chat tab on a phone): the end stays in sight.
  useEffect(() => {
    const list = listRef.current;
    if (!list || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current && list.clientHeight > 0) list.scrollTop = list.scrollHeight;
    });
    observer.observe(list);
    return () => observer.disconnect();
  }, []);

  // A channel opened for the first time on this device (a caucus) starts from its latest page.
  const empty = chat.messages.length === 0 && chat.hasOlder;
  const connected = room.status === 'connected';
  const { loadOlder } = room;
  useEffect(() => {
    if (empty && connected) loadOlder(channel);
  }, [empty, connected, loadOlder, channel]);

  // What is on screen at the bottom, with the page visible, counts as read.
  const last = chat.messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    const mark = () => {
      const viewing = active && atBottom.current && document.visibilityState === 'visible';
      room.setViewing(channel, viewing);
      if (viewing && last > chat.lastReadSeq) room.markRead(channel, last);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [last, chat.lastReadSeq, room, channel, active]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list || !active) return;
    atBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    room.setViewing(channel, atBottom.current && document.visibilityState === 'visible');
    if (atBottom.current && last > chat.lastReadSeq) room.markRead(channel, last);
    if (list.scrollTop < 60 && chat.hasOlder && !room.loadingOlder) room.loadOlder(channel);
  };

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body || body.length > CHAT_TEXT_MAX) return;
    atBottom.current = true;
    room.send(body, channel, cites);
    setText('');
    setCites([]);
    setPicking(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // An input method (pinyin) confirms its candidate with Enter: that Enter is the IME's, not a send.
    // Safari reports it after compositionend, with isComposing false but keyCode 229.
    if (e.nativeEvent.isComposing || e.nativeEvent.keyCode === 229) return;
    // Sending empties the box, and the Enter's own newline must not land in it afterwards.
    e.preventDefault();
    submit();
  };
  const typingNames = [...room.typing(channel).values()];

  return (
    <section className={`panel chat chat-${channel === 'joint' ? 'joint' : 'caucus'}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <ol
        className="messages"
        ref={listRef}
        onScroll={onScroll}
        aria-live="polite"
        data-testid={testId ?? (channel === 'joint' ? 'messages' : 'caucus-messages')}
      >
        <li className="history-edge">
          {chat.hasOlder ? (
            <button type="button" className="link" onClick={() => room.loadOlder(channel)} disabled={room.loadingOlder}>
              {room.loadingOlder ? t('chat.loadingOlder') : t('chat.loadOlder')}
            </button>
          ) : (
            <span className="muted">{chat.messages.length > 0 ? t('chat.beginning') : t('chat.empty')}</span>
          )}
        </li>
        {chat.messages.map((m) => (
          <Fragment key={m.seq}>
            {m.seq === dividerSeq && (
              <li className="unread-divider" role="separator" data-testid="unread-divider">
                <span>{t('chat.unread')}</span>
              </li>
            )}
            <li
              className={`message ${m.senderId === me ? 'mine' : ''}`}
              data-seq={m.seq}
              data-client-id={m.clientId}
              data-testid="message"
            >
              <div className="meta">
                <span className="sender">{m.senderName}</span>
                <span className={`badge role-${m.senderRole}`}>{t(`roles.${m.senderRole}`)}</span>
                <time dateTime={m.createdAt}>{formatDateTime(m.createdAt, i18n.language, timeZone, 'time')}</time>
                {m.senderId === me && <span className="status sent">{t('chat.sent')}</span>}
              </div>
              <p className="text">{m.text}</p>
              <CiteChips cites={m.cites} onOpenEvidence={cite?.onOpenEvidence} />
            </li>
          </Fragment>
        ))}
        {chat.outbox.map((o) => (
          <li key={o.clientId} className="message mine pending" data-testid="pending-message" data-status={o.status}>
            <p className="text">{o.text}</p>
            <CiteChips cites={o.cites ?? []} />
            <div className="meta">
              {o.status === 'failed' ? (
                <>
                  <span className="status failed" role="alert">
                    {t('chat.failed', {
                      // No answer in time is the network's doing, as far as the writer can tell.
                      reason: errorMessage(t, {
                        code: o.error === 'TIMEOUT' ? 'NETWORK' : (o.error ?? 'INTERNAL'),
                        ...(o.reason ? { reason: o.reason } : {}),
                      }),
                    })}
                  </span>
                  <button type="button" className="link" onClick={() => room.retry(channel, o.clientId)}>
                    {t('chat.retry')}
                  </button>
                  <button type="button" className="link" onClick={() => room.discard(channel, o.clientId)}>
                    {t('chat.discard')}
                  </button>
                </>
              ) : (
                <span className="status">{room.status === 'connected' ? t('chat.sending') : t('chat.queued')}</span>
              )}
            </div>
          </li>
        ))}
      </ol>
      <p className="typing-line" aria-live="polite">
        {typingNames.length > 0 ? t('room.someoneTyping', { name: typingNames.join('、') }) : ' '}
      </p>
      {canWrite ? (
        <form className="composer" onSubmit={submit}>
          <label htmlFor={`${id}-input`} className="visually-hidden">
            {t('chat.input')}
          </label>
          <textarea
            id={`${id}-input`}
            value={text}
            rows={2}
            placeholder={t('chat.placeholder')}
            onChange={(e) => {
              setText(e.target.value);
              room.setTyping(e.target.value.length > 0, channel);
            }}
            onBlur={() => room.setTyping(false, channel)}
            onKeyDown={onKeyDown}
            aria-invalid={text.length > CHAT_TEXT_MAX}
            aria-describedby={text.length > CHAT_TEXT_MAX ? `${id}-too-long` : undefined}
          />
          {cite && (
            <div className="cite-compose">
              <CiteChips cites={cites} onRemove={(id) => setCites((cs) => cs.filter((c) => c.id !== id))} />
              {cites.length < CHAT_CITES_MAX ? (
                <button
                  type="button"
                  className="link cite-button"
                  aria-expanded={picking}
                  data-testid="cite-button"
                  onClick={() => setPicking((p) => !p)}
                >
                  {t('cite.button')}
                </button>
              ) : (
                <span className="muted">{t('cite.max', { max: CHAT_CITES_MAX })}</span>
              )}
              {picking && (
                <EvidencePickerSlot
                  caseId={cite.caseId}
                  token={cite.token}
                  timeZone={timeZone}
                  allowed={citable}
                  exclude={cites.map((c) => c.id)}
                  onPick={(c) => {
                    setCites((cs) => (cs.length < CHAT_CITES_MAX ? [...cs, c] : cs));
                    setPicking(false);
                  }}
                  onClose={() => setPicking(false)}
                />
              )}
            </div>
          )}
          <button type="submit" disabled={!text.trim() || text.length > CHAT_TEXT_MAX}>
            {t('chat.send')}
          </button>
          {text.length > CHAT_TEXT_MAX && (
            <span id={`${id}-too-long`} className="error">
              {t('chat.tooLong', { max: CHAT_TEXT_MAX })}
            </span>
          )}
        </form>
      ) : (
        <p className="muted">{readOnlyHint}</p>
      )}
    </section>
  );
}
