import { openEvidence } from '../evidence/open';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { caucusChannel, caucusNotesName, mediatorNotesName, type CaucusSummary } from '@accord/shared';
import type { CaretUser } from '../agreement/AgreementEditor';
import { AgreementEditor } from './lazyPanels';
import { useSharedDoc } from '../agreement/useAgreement';
import { ChatPanel } from './ChatPanel';
import type { RoomApi } from './useRoom';

interface CaucusProps {
  room: RoomApi;
  caseId: string;
  token: string;
  partyUserId: string;
  partyName: string;
  isMediator: boolean;
  caret: CaretUser;
  /** False while the chat's tab is closed on a phone (see ChatPanel). */
  active?: boolean;
  /** Opens a cited evidence item (the room's viewer; on a phone, in its tab). */
  onOpenEvidence?: (evidenceId: string) => void;
}

/**
 * A private session between the mediator and one party: its own chat channel
 * and the notes the two share, which the other party's client never receives.
 */
export function CaucusPanel(props: CaucusProps) {
  const { t } = useTranslation();
  const { room, partyUserId, partyName, isMediator } = props;
  const title = isMediator ? t('caucus.chatWith', { name: partyName }) : t('caucus.chatWithMediator');
  return (
    // Named apart from the chat inside it, which carries `title`: two regions of one name cannot be told apart.
    <section className="caucus" data-testid="caucus-panel" aria-label={t('caucus.region')}>
      <ChatPanel
        room={room}
        channel={caucusChannel(partyUserId)}
        canWrite
        active={props.active ?? true}
        cite={{ caseId: props.caseId, token: props.token, onOpenEvidence: props.onOpenEvidence ?? openEvidence }}
        title={title}
        readOnlyHint={t('caucus.readOnly')}
      />
      <SharedNotes {...props} editable domId="caucus-notes" />
    </section>
  );
}

/** The notes shared in one caucus, labelled with whom: never to be mistaken for the mediator's own notebook. */
function SharedNotes({
  room,
  caseId,
  token,
  partyUserId,
  partyName,
  isMediator,
  caret,
  editable,
  domId,
}: CaucusProps & { editable: boolean; domId: string }) {
  const { t } = useTranslation();
  const notes = useSharedDoc(caucusNotesName(caseId, partyUserId), token, room.me);
  const title = isMediator ? t('caucus.sharedWith', { name: partyName }) : t('caucus.sharedWithMediator');
  return (
    <section className="panel notes shared-notes" aria-labelledby={`${domId}-title`} data-testid={`${domId}-panel`}>
      <h2 id={`${domId}-title`}>{title}</h2>
      <p className="muted">
        {isMediator ? t('caucus.sharedHintMediator', { name: partyName }) : t('caucus.sharedHintParty')}
      </p>
      {notes?.ready && (
        <AgreementEditor
          doc={notes.doc}
          provider={notes.provider}
          user={caret}
          editable={editable}
          field="notes"
          label={title}
          testId={domId}
          readOnlyHint={t('caucus.notesReadOnly')}
        />
      )}
    </section>
  );
}

/** The mediator's own notebook: one per case, which no party, observer or administrator can open. */
export function MediatorNotebook({
  room,
  caseId,
  token,
  caret,
  editable,
}: {
  room: RoomApi;
  caseId: string;
  token: string;
  caret: CaretUser;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const notebook = useSharedDoc(mediatorNotesName(caseId), token, room.me);
  return (
    <section className="panel notes notebook" aria-labelledby="notebook-title" data-testid="notebook-panel">
      <h2 id="notebook-title">{t('caucus.notebook')}</h2>
      <p className="muted">{t('caucus.notebookHint')}</p>
      {notebook?.ready && (
        <AgreementEditor
          doc={notebook.doc}
          provider={notebook.provider}
          user={caret}
          editable={editable}
          field="notes"
          label={t('caucus.notebook')}
          testId="notebook"
          readOnlyHint={t('caucus.notebookReadOnly')}
        />
      )}
    </section>
  );
}

/**
 * Private sessions that have ended, each readable (chat and shared notes) and
 * no longer writable. Opened one at a time on demand, so the page holds no
 * connection for a past session nobody looks at.
 */
export function PastCaucuses({
  caucuses,
  ...props
}: Omit<CaucusProps, 'partyUserId' | 'partyName'> & { caucuses: CaucusSummary[] }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<string | null>(null);
  const past = caucuses.filter((c) => !c.open);
  if (past.length === 0) return null;
  return (
    <section className="panel past-caucuses" aria-labelledby="past-caucuses-title" data-testid="past-caucuses">
      <h2 id="past-caucuses-title">{t('caucus.past')}</h2>
      <p className="muted">{t('caucus.pastHint')}</p>
      <ul>
        {past.map((c) => {
          const label = props.isMediator ? t('caucus.pastWith', { name: c.displayName }) : t('caucus.pastMine');
          const open = shown === c.userId;
          return (
            <li key={c.userId}>
              <button
                type="button"
                className="link"
                aria-expanded={open}
                data-testid="past-caucus"
                onClick={() => setShown(open ? null : c.userId)}
              >
                {label}
              </button>
              {open && (
                <div className="past-caucus" data-testid="past-caucus-body">
                  <ChatPanel
                    room={props.room}
                    channel={caucusChannel(c.userId)}
                    canWrite={false}
                    title={label}
                    readOnlyHint={t('caucus.readOnly')}
                    domId="past-caucus-chat"
                    testId="past-caucus-messages"
                  />
                  <SharedNotes
                    {...props}
                    partyUserId={c.userId}
                    partyName={c.displayName}
                    editable={false}
                    domId="past-caucus-notes"
                  />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
