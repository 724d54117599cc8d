import { useTranslation } from 'react-i18next';
import type { LobbyStatus } from '@accord/shared';

export function LobbyView({ lobby }: { lobby: LobbyStatus }) {
  const { t } = useTranslation();
  return (
    <section className="card narrow lobby" aria-labelledby="lobby-title" data-testid="lobby">
      <h2 id="lobby-title">{t('lobby.title')}</h2>
      <p>
        <strong>{lobby.title}</strong>
      </p>
      <p>{t('lobby.body', { number: lobby.caseNumber })}</p>
      <p className="muted" role="status">
        {t('lobby.status')} · {lobby.you.displayName} · {t(`roles.${lobby.you.role}`)}
      </p>
    </section>
  );
}
