import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type CaseRole } from '@accord/shared';
import { AgreementEditor, type CaretUser } from '../agreement/AgreementEditor';
import { TermsPanel } from '../agreement/TermsPanel';
import { useAgreement } from '../agreement/useAgreement';
import { navigate } from '../app/router';
import { ChatPanel } from './ChatPanel';
import { ConnectionBar } from './ConnectionBar';
import { ParticipantsPanel } from './ParticipantsPanel';
import { useRoom } from './useRoom';

const ROLE_COLOURS: Record<CaseRole, string> = {
  customer: '#c2410c',
  platform: '#1d4ed8',
  mediator: '#15803d',
  observer: '#6b7280',
  admin: '#7c3aed',
};

/** The mediation room: participants, chat, and the agreement (text and terms) side by side. */
export function RoomPage({ caseId, token, role }: { caseId: string; token: string; role: CaseRole | null }) {
  const { t } = useTranslation();
  const room = useRoom(caseId, token);
  const agreement = useAgreement(caseId, token);
  const you = room.welcome?.you;
  const myRole = you?.role ?? role;
  const canChat = myRole !== null && can(myRole, 'chat.send');
  const canEdit = myRole !== null && can(myRole, 'doc.write') && (agreement?.refused ?? null) === null;
  const caret = useMemo<CaretUser>(
    () => ({ name: you?.displayName ?? '…', color: ROLE_COLOURS[myRole ?? 'observer'] }),
    [you?.displayName, myRole],
  );

  if (room.status === 'denied') {
    return (
      <section className="page-message">
        <p role="alert">{t('room.notFound')}</p>
        <button type="button" onClick={() => navigate('/')}>
          {t('room.leave')}
        </button>
      </section>
    );
  }

  return (
    <div className="room">
      <header className="room-header">
        <div>
          <h1 className="case-title">{room.welcome?.title ?? t('app.tagline')}</h1>
          {room.welcome && <p className="muted">{t('room.caseLabel', { number: room.welcome.caseNumber })}</p>}
        </div>
        <ConnectionBar
          room={room.status}
          doc={agreement?.status ?? null}
          saved={agreement?.saved ?? false}
          pending={room.chat.outbox.length}
        />
      </header>
      <div className="room-grid">
        <ParticipantsPanel participants={room.participants} typing={room.typing} me={room.me} />
        <ChatPanel room={room} canWrite={canChat} />
        <section className="panel agreement" aria-labelledby="agreement-title">
          <h2 id="agreement-title">{t('agreement.title')}</h2>
          {agreement?.ready && (
            <>
              <AgreementEditor doc={agreement.doc} provider={agreement.provider} user={caret} editable={canEdit} />
              <TermsPanel doc={agreement.doc} editable={canEdit} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}
