import { useTranslation } from 'react-i18next';
import type { DocStatus } from '../agreement/useAgreement';
import type { RoomStatus } from './RoomClient';

/**
 * Always visible: connected / reconnecting / offline, and whether everything is saved on the server.
 * `saved` null: nothing here can be changed (the waiting room), so nothing is said about saving.
 */
export function ConnectionBar({
  room,
  doc,
  saved,
  pending,
}: {
  room: RoomStatus;
  doc: DocStatus | null;
  saved: boolean | null;
  pending: number;
}) {
  const { t } = useTranslation();
  // The document connects after the room: its first connection is not a reconnection, the room's is.
  const state =
    room === 'offline' || doc === 'offline'
      ? 'offline'
      : room === 'connected' && doc === 'connected'
        ? 'connected'
        : room === 'reconnecting' || doc === 'disconnected'
          ? 'reconnecting'
          : 'connecting';
  const allSaved = saved === true && pending === 0;
  // Offline, one message says where the changes are: kept here until the connection is back.
  const saveText = allSaved
    ? t('connection.saved')
    : state === 'connected'
      ? t('connection.saving')
      : state === 'offline'
        ? t('connection.keptLocally')
        : t('connection.unsaved');
  return (
    <div className={`connection connection-${state}`} role="status" aria-live="polite" data-testid="connection">
      <span className="dot" aria-hidden="true" />
      <span data-state={state}>{t(`connection.${state}`)}</span>
      {saved !== null && (
        <span className="save-state" data-saved={allSaved}>
          {saveText}
        </span>
      )}
    </div>
  );
}
