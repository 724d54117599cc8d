import { useTranslation } from 'react-i18next';
import { isParty, type CaseRole, type OutcomeRecord } from '@accord/shared';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';

const ROLES = new Set<string>(['customer', 'platform', 'mediator', 'observer', 'admin']);

/**
 * The sealed record's acknowledgements of the rights and duties: who acknowledged which text and when, and
 * each party who did not. Records sealed before acknowledgements existed show nothing (nobody was asked).
 */
export function RecordAcknowledgements({ record }: { record: OutcomeRecord }) {
  const { t, i18n } = useTranslation();
  const acks = record.acknowledgements;
  if (!acks) return null;
  const time = (iso: string) => formatDateTime(iso, i18n.language, DEFAULT_TIME_ZONE, 'seconds');
  const who = (name: string, role: string) =>
    t('rights.record.who', { name, role: ROLES.has(role) ? t(`roles.${role as CaseRole}`) : role });
  const acknowledged = new Set(acks.map((a) => a.userId));
  const missing = record.parties.filter((p) => isParty(p.role) && !acknowledged.has(p.userId));
  return (
    <section data-testid="record-acknowledgements">
      <h2>{t('rights.record.heading')}</h2>
      <ul>
        {acks.map((a) => (
          <li key={a.userId} data-testid="record-acknowledgement">
            {t('rights.record.acknowledged', {
              who: who(a.name, a.role),
              version: a.version,
              language: t(`rights.record.languages.${a.language}`),
              time: time(a.at),
            })}
            <br />
            <span className="technical">
              SHA-256 <code>{a.sha256}</code>
            </span>
          </li>
        ))}
        {missing.map((p) => (
          <li key={p.userId} data-testid="record-not-acknowledged">
            {t('rights.record.notAcknowledged', { who: who(p.name, p.role) })}
          </li>
        ))}
      </ul>
    </section>
  );
}
