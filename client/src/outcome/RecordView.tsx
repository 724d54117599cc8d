import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { verifyOutcome, type SealedOutcome, type VerifyResult } from '@accord/shared';
import { publishedKey } from './download';
import { NegotiationHistory, PlanSchedule } from './RecordNegotiation';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';
import { RecordAcknowledgements } from '../rights/RecordAcknowledgements';

/** A sealed record as a person reads it, with its verification result; prints cleanly. */
export function RecordView({ sealed }: { sealed: SealedOutcome }) {
  const { t, i18n } = useTranslation();
  // In the page's language, not the browser's; in Beijing time, as the printed PDF (the record names no zone).
  const time = (iso: string) => formatDateTime(iso, i18n.language, DEFAULT_TIME_ZONE, 'seconds');
  const [result, setResult] = useState<VerifyResult | null>(null);
  useEffect(() => {
    void publishedKey().then(async (key) => {
      // Without the published key, a record sealed with any other key would look valid: say so instead.
      if (key === undefined) {
        setResult({ ok: false, problems: [], codes: ['no_key'], record: sealed.record });
        return;
      }
      setResult(await verifyOutcome(sealed, key));
    });
  }, [sealed, t]);
  const r = sealed.record;
  return (
    <article className="record" data-testid="record">
      <h1>{t('record.title')}</h1>
      <p
        className={result === null ? 'muted' : result.ok ? 'ok' : 'error'}
        role="status"
        data-testid="record-verification"
        data-valid={result?.ok ?? ''}
      >
        {result === null
          ? t('record.checking')
          : result.ok
            ? t('record.valid')
            : `${t('record.invalid')}: ${result.codes.map((c) => t(`verify.problems.${c}`)).join(t('app.listSeparator'))}`}
      </p>
      <dl>
        <dt>{t('record.case')}</dt>
        <dd>
          {r.caseNumber} — {r.title}
        </dd>
        <dt>{t('signing.outcome')}</dt>
        <dd>
          {t(`outcomes.${r.outcome.kind}`)}
          {r.outcome.reason ? ` — ${r.outcome.reason}` : ''}
        </dd>
        <dt>{t('record.parties')}</dt>
        <dd>{r.parties.map((p) => `${p.name} (${t(`roles.${p.role}`)})`).join(t('app.listSeparator'))}</dd>
        <dt>{t('record.sealedAt')}</dt>
        <dd>{time(r.sealedAt)}</dd>
      </dl>
      {r.agreement && (
        <section>
          <h2>{t('record.agreement')}</h2>
          {/* The signed text itself: it states the terms in words, amounts in yuan, dates written out. */}
          <pre className="frozen-text" data-testid="record-agreement-text" lang={r.language}>
            {r.agreement.text}
          </pre>
          <p>
            {t('signing.fingerprint')}: <code>{r.agreement.fingerprint}</code>
          </p>
        </section>
      )}
      <PlanSchedule record={r} />
      <section>
        <h2>{t('record.signatures')}</h2>
        <ul>
          {r.signatures.map((s) => (
            <li key={s.userId}>
              {s.name} ({t(`roles.${s.role}`)}) — {time(s.signedAt)} — <code>{s.fingerprint.slice(0, 16)}…</code>
            </li>
          ))}
        </ul>
      </section>
      <NegotiationHistory record={r} />
      <RecordAcknowledgements record={r} />
      <dl className="technical">
        <dt>{t('record.transcript')}</dt>
        <dd>{t('record.transcriptValue', { count: r.transcript.messages, hash: r.transcript.hash })}</dd>
        <dt>{t('record.audit')}</dt>
        <dd>
          <code>{r.audit.headHash}</code>
        </dd>
        <dt>{t('record.key')}</dt>
        <dd>
          Ed25519 <code>{r.key.id}</code>
        </dd>
      </dl>
    </article>
  );
}
