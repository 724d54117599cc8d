import { useTranslation } from 'react-i18next';
import type { DocStatus } from '../agreement/useAgreement';
import type { RoomStatus } from './RoomClient';

/** Always visible: connected / reconnecting / offline, and whether everything is saved on the server. */
export function ConnectionBar({
  room,
  doc,
  saved,
  pending,
}: {
  room: RoomStatus;
  doc: DocStatus | null;
  saved: boolean;
  pending: number;
}) {
  const { t } = useTranslation();
  const state =
    room === 'offline' || doc === 'offline'
      ? 'offline'
      : room === 'connected' && doc === 'connected'
        ? 'connected'
        : room === 'connecting'
          ? 'connecting'
          : 'reconnecting';
  const allSaved = saved && pending === 0;
  return (
    <div className={`connection connection-${state}`} role="status" aria-live="polite" data-testid="connection">
      <span className="dot" aria-hidden="true" />
      <span data-state={state}>{t(`connection.${state}`)}</span>
      <span className="save-state" data-saved={allSaved}>
        {allSaved ? t('connection.saved') : state === 'connected' ? t('connection.saving') : t('connection.unsaved')}
      </span>
    </div>
  );
}
