import { useTranslation } from 'react-i18next';
import { caucusChannel, caucusNotesName } from '@accord/shared';
import { AgreementEditor, type CaretUser } from '../agreement/AgreementEditor';
import { useSharedDoc } from '../agreement/useAgreement';
import { ChatPanel } from './ChatPanel';
import type { RoomApi } from './useRoom';

/**
 * A private session between the mediator and one party: its own chat channel
 * and its own notes document, which the other party's client never receives.
 */
export function CaucusPanel({
  room,
  caseId,
  token,
  partyUserId,
  partyName,
  isMediator,
  caret,
}: {
  room: RoomApi;
  caseId: string;
  token: string;
  partyUserId: string;
  partyName: string;
  isMediator: boolean;
  caret: CaretUser;
}) {
  const { t } = useTranslation();
  const notes = useSharedDoc(caucusNotesName(caseId, partyUserId), token, room.me);
  const title = isMediator ? t('caucus.chatWith', { name: partyName }) : t('caucus.chatWithMediator');
  return (
    <section className="caucus" data-testid="caucus-panel" aria-label={title}>
      <ChatPanel
        room={room}
        channel={caucusChannel(partyUserId)}
        canWrite
        title={title}
        readOnlyHint={t('caucus.readOnly')}
      />
      <section className="panel notes" aria-labelledby="notes-title">
        <h2 id="notes-title">{t('caucus.notes')}</h2>
        <p className="muted">{t('caucus.notesHint', { other: isMediator ? partyName : t('caucus.theMediator') })}</p>
        {notes?.ready && (
          <AgreementEditor
            doc={notes.doc}
            provider={notes.provider}
            user={caret}
            editable
            field="notes"
            label={t('caucus.notes')}
            testId="caucus-notes"
          />
        )}
      </section>
    </section>
  );
}
