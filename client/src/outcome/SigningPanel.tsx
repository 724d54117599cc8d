import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import {
  agreementFingerprint,
  canonicalAgreementText,
  type CaseLanguage,
  type ErrorBody,
  type OutcomeStatus,
} from '@accord/shared';
import { navigate } from '../app/router';
import type { RoomApi } from '../room/useRoom';
import { downloadRecord } from './download';
import { ErrorText } from '../app/ErrorText';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const grouped = (hex: string) => hex.match(/.{1,8}/g)?.join(' ') ?? hex;

/**
 * The signing flow: the exact frozen text and its fingerprint (checked against
 * this device's own copy of the agreement), who has signed, the deliberate
 * confirmation (full name, PIN or password, and a statement), and the sealed record.
 */
export function SigningPanel({
  room,
  status,
  caseId,
  caseNumber,
  language,
  doc,
  isStaff,
}: {
  room: RoomApi;
  status: OutcomeStatus;
  caseId: string;
  caseNumber: string;
  language: CaseLanguage;
  doc: Y.Doc | null;
  isStaff: boolean;
}) {
  const { t } = useTranslation();
  const [local, setLocal] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const freeze = status.freeze;
  const me = status.signers.find((s) => s.userId === room.me);
  const sealed = status.sealed;

  // The fingerprint of what this device shows, computed here: same content, same fingerprint.
  useEffect(() => {
    if (!doc || !freeze) return;
    let live = true;
    const compute = () =>
      void agreementFingerprint(canonicalAgreementText(doc, caseNumber, language)).then((fp) => live && setLocal(fp));
    compute();
    doc.on('update', compute);
    return () => {
      live = false;
      doc.off('update', compute);
    };
  }, [doc, freeze, caseNumber, language]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!freeze) return;
    const failure: ErrorBody | null = await room.command('outcome:sign', {
      fingerprint: freeze.fingerprint,
      fullName: name,
      secret,
    });
    setError(failure ? t('signing.failed', { message: failure.message }) : null);
    if (!failure) setSecret('');
  };

  return (
    <section className="panel signing" aria-labelledby="signing-title" data-testid="signing">
      <h2 id="signing-title">{t('signing.title')}</h2>
      {sealed ? (
        <div className="sealed" data-testid="sealed">
          <p className="ok">
            <strong>{t('signing.sealed')}</strong> {t('signing.outcome')}: {t(`outcomes.${sealed.record.outcome.kind}`)}
            {sealed.record.outcome.reason ? ` — ${sealed.record.outcome.reason}` : ''}
          </p>
          <div className="button-row">
            <button type="button" data-testid="download-record" onClick={() => downloadRecord(sealed)}>
              {t('signing.download')}
            </button>
            <button type="button" onClick={() => navigate(`/cases/${caseId}/record`)}>
              {t('signing.print')}
            </button>
            <button type="button" className="link" onClick={() => navigate('/verify')}>
              {t('signing.verify')}
            </button>
          </div>
        </div>
      ) : null}
      {freeze && (
        <>
          <p className="muted">{t('signing.frozen')}</p>
          <pre className="frozen-text" data-testid="frozen-text">
            {freeze.text}
          </pre>
          <p className="fingerprint">
            <span className="label">{t('signing.fingerprint')}</span>{' '}
            <code data-testid="fingerprint">{grouped(freeze.fingerprint)}</code>
          </p>
          {local !== null && (
            <p className={local === freeze.fingerprint ? 'ok' : 'warning'} data-testid="fingerprint-check">
              {local === freeze.fingerprint ? t('signing.matches') : t('signing.differs')}
            </p>
          )}
        </>
      )}
      {(freeze ?? sealed) && (
        <>
          <h3>{t('signing.signers')}</h3>
          <ul className="signers">
            {status.signers.map((s) => (
              <li key={s.userId} data-testid={`signer-${s.role}`} data-signed={s.signedAt !== null}>
                {s.displayName} · {t(`roles.${s.role}`)} ·{' '}
                {s.signedAt ? t('signing.signed', { time: time.format(new Date(s.signedAt)) }) : t('signing.pending')}
              </li>
            ))}
          </ul>
        </>
      )}
      {freeze && !sealed && me && me.signedAt === null && (
        <form className="stack sign-form" onSubmit={(e) => void submit(e)}>
          <label>
            {t('signing.fullName')}
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required minLength={2} />
          </label>
          <label>
            {isStaff ? t('signing.secretPassword') : t('signing.secretPin')}
            <input
              type="password"
              inputMode={isStaff ? undefined : 'numeric'}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              autoComplete={isStaff ? 'current-password' : 'one-time-code'}
              required
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />{' '}
            {t('signing.confirm', { short: freeze.fingerprint.slice(0, 8) })}
          </label>
          <button type="submit" disabled={!agreed || name.trim().length < 2 || !secret} data-testid="sign">
            {t('signing.sign')}
          </button>
        </form>
      )}
      {me?.signedAt && !sealed && <p className="ok">{t('signing.signedByYou')}</p>}
      <ErrorText error={error} />
    </section>
  );
}

/** The mediator ends the session without an agreement. */
export function EndWithoutAgreement({ room }: { room: RoomApi }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'not_settled' | 'withdrawn'>('not_settled');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="control-group"
      onSubmit={(e) => {
        e.preventDefault();
        void room.command('outcome:seal', { outcome: kind, reason }).then((f) => setError(f ? f.message : null));
      }}
    >
      <span className="label">{t('signing.endTitle')}</span>
      <label htmlFor="end-kind">{t('signing.endKind')}</label>
      <select id="end-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
        <option value="not_settled">{t('outcomes.not_settled')}</option>
        <option value="withdrawn">{t('outcomes.withdrawn')}</option>
      </select>
      <label htmlFor="end-reason">{t('signing.reason')}</label>
      <textarea id="end-reason" rows={2} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={!reason.trim()}>
        {t('signing.end')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}
