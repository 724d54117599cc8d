import { useTranslation } from 'react-i18next';
import { isParty as isPartyRole, type Participant, type RoomState } from '@accord/shared';

/** The phase, the pinned announcement, and what everyone should know about the room right now. */
export function RoomBanner({ state, me, mine }: { state: RoomState; me: string; mine: Participant | undefined }) {
  const { t } = useTranslation();
  const isParty = mine !== undefined && isPartyRole(mine.role);
  return (
    <div className="room-banner" data-testid="room-banner" data-phase={state.phase}>
      <p className="phase">
        <strong>{t('banner.phase', { phase: t(`phases.${state.phase}`) })}</strong>
      </p>
      {state.caucus && (
        <p className="caucus-status" data-testid="caucus-status">
          {state.caucus.userId === me
            ? t('banner.caucusMine')
            : t('banner.caucusOthers', { name: state.caucus.displayName })}
        </p>
      )}
      {state.agreementLocked && <p data-testid="locked-status">{t('banner.locked')}</p>}
      {isParty && state.phase === 'opening' && state.quietOpening && <p>{t('banner.quiet')}</p>}
      {mine?.muted && (
        <p className="error" role="status">
          {t('banner.muted')}
        </p>
      )}
      {state.pinned && (
        <aside className="pinned" aria-label={t('banner.pinned', { by: state.pinned.by })} data-testid="pinned">
          <span className="muted">{t('banner.pinned', { by: state.pinned.by })}</span>
          <p>{state.pinned.text}</p>
        </aside>
      )}
    </div>
  );
}
