import { useTranslation } from 'react-i18next';
import type { Participant } from '@accord/shared';

export function ParticipantsPanel({
  participants,
  typing,
  me,
}: {
  participants: Participant[];
  typing: Map<string, string>;
  me: string | null;
}) {
  const { t } = useTranslation();
  return (
    <section className="panel participants" aria-labelledby="participants-title">
      <h2 id="participants-title">{t('room.participants')}</h2>
      <ul>
        {participants.map((p) => (
          <li key={p.userId} data-testid={`participant-${p.role}`} data-online={p.online}>
            <span className={`presence ${p.online ? 'on' : 'off'}`} aria-hidden="true" />
            <span className="name">
              {p.displayName}
              {p.userId === me && <span className="you"> {t('room.you')}</span>}
            </span>
            <span className={`badge role-${p.role}`}>{t(`roles.${p.role}`)}</span>
            <span className="visually-hidden">{p.online ? t('room.online') : t('room.offline')}</span>
            {p.connections > 1 && <span className="muted">{t('room.connections', { count: p.connections })}</span>}
            {!p.admitted && <span className="muted">{t('lobby.status')}</span>}
            {p.muted && <span className="muted">{t('moderation.mutedStatus')}</span>}
            {p.handRaised && (
              <span className="hand-raised" data-testid={`hand-${p.role}`}>
                ✋ {t('hand.raised')}
              </span>
            )}
            {typing.has(p.userId) && <span className="typing">{t('room.typing')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
