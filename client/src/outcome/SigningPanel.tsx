import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import type { TFunction } from 'i18next';
import {
  SEAL_REASON_MIN,
  agreementFingerprint,
  canonicalAgreementText,
  sameName,
  type CaseLanguage,
  type ErrorBody,
  type OutcomeStatus,
} from '@accord/shared';
import { navigate } from '../app/router';
import type { RoomApi } from '../room/useRoom';
import { downloadPdf, downloadRecord } from './download';
import { ErrorText } from '../app/ErrorText';
import { useConfirm } from '../app/ConfirmDialog';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';

const grouped = (hex: string) => hex.match(/.{1,8}/g)?.join(' ') ?? hex;

/** Why a signature was refused, in the page's language. */
function signFailure(t: TFunction, failure: ErrorBody, myName: string): string {
  if (failure.code === 'VALIDATION_FAILED' && failure.issues?.some((i) => i.path === 'fullName')) {
    return t('signing.nameMismatch', { name: myName });
  }
  if (failure.code === 'CONFLICT') return t('signing.conflict');
  return t('signing.failed', { message: errorMessage(t, failure) });
}

/**
 * The signing flow: the exact frozen text (shown here once: the editor is hidden while it is frozen)
 * and its fingerprint (checked against this device's own copy of the agreement), who has signed, the
 * deliberate confirmation (the name the signer signs as, typed back, PIN or password, and a
 * statement), and the sealed record.
 */
export function SigningPanel({
  room,
  status,
  caseId,
  caseNumber,
  language,
  doc,
  isStaff,
  token,
}: {
  room: RoomApi;
  status: OutcomeStatus;
  caseId: string;
  caseNumber: string;
  language: CaseLanguage;
  doc: Y.Doc | null;
  isStaff: boolean;
  token: string;
}) {
  const { t, i18n } = useTranslation();
  const [local, setLocal] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [pdfError, setPdfError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Once sealed, the text shown is the one the record holds: none when the session ended without agreement.
  const freeze = status.sealed && !status.sealed.record.agreement ? null : status.freeze;
  const me = status.signers.find((s) => s.userId === room.me);
  const sealed = status.sealed;
  const nameOk = me !== undefined && sameName(name, me.displayName);
  // Said once the signer has left the field (not at the first character typed).
  const [nameLeft, setNameLeft] = useState(false);
  const nameTyped = nameLeft && name.trim().length > 0;

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
    setError(failure ? signFailure(t, failure, me?.displayName ?? '') : null);
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
            <button
              type="button"
              data-testid="sealed-download-pdf"
              onClick={() => {
                setPdfError(null);
                downloadPdf(caseId, sealed.record.caseNumber, token).catch(() =>
                  setPdfError(t('record.downloadFailed')),
                );
              }}
            >
              {t('record.downloadPdf')}
            </button>
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
          <ErrorText error={pdfError} />
        </div>
      ) : null}
      {freeze && (
        <>
          <p className="muted">{sealed ? t('signing.sealedText') : t('signing.frozen')}</p>
          {/* Scrolls on its own when long: focusable, so the keyboard can scroll it too (WCAG 2.1.1). */}
          <pre
            className="frozen-text"
            data-testid="frozen-text"
            lang={language}
            tabIndex={0}
            aria-labelledby="signing-title"
          >
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
      {freeze && (
        <>
          <h3>{t('signing.signers')}</h3>
          <ul className="signers">
            {status.signers.map((s) => (
              <li key={s.userId} data-testid={`signer-${s.role}`} data-signed={s.signedAt !== null}>
                {s.displayName} · {t(`roles.${s.role}`)} ·{' '}
                {s.signedAt
                  ? t('signing.signed', {
                      time: formatDateTime(s.signedAt, i18n.language, room.welcome?.timeZone ?? DEFAULT_TIME_ZONE),
                    })
                  : t('signing.pending')}
              </li>
            ))}
          </ul>
        </>
      )}
      {freeze && !sealed && me && me.signedAt === null && (
        <form className="stack sign-form" onSubmit={(e) => void submit(e)}>
          <p className="sign-as" data-testid="sign-as">
            <strong>{t('signing.signAs', { name: me.displayName })}</strong>
            <br />
            <span className="muted">{t('signing.signAsHint')}</span>
          </p>
          <label>
            {t('signing.fullName')}
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              onBlur={() => setNameLeft(true)}
              autoComplete="name"
              aria-invalid={nameTyped && !nameOk}
              aria-describedby="sign-name-hint"
              required
            />
          </label>
          {nameTyped && !nameOk && (
            <p id="sign-name-hint" className="warning" data-testid="name-mismatch">
              {t('signing.nameMismatch', { name: me.displayName })}
            </p>
          )}
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
          <button type="submit" disabled={!agreed || !nameOk || !secret} data-testid="sign">
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
export function EndWithoutAgreement({ room, signatures }: { room: RoomApi; signatures: number }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'not_settled' | 'withdrawn'>('not_settled');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const longEnough = reason.normalize('NFC').trim().length >= SEAL_REASON_MIN;
  const seal = async () => {
    const outcome = t(`outcomes.${kind}`);
    const ok = await confirm({
      title: t('signing.endConfirmTitle', { outcome }),
      body: (
        <>
          <p>{t('signing.endConfirmBody', { outcome })}</p>
          {signatures > 0 && <p className="warning">{t('signing.endVoids', { count: signatures })}</p>}
          <blockquote className="muted">{reason.trim()}</blockquote>
        </>
      ),
      confirm: t('signing.end'),
      danger: true,
    });
    if (!ok) return;
    const failure = await room.command('outcome:seal', { outcome: kind, reason });
    setError(failure ? t('moderation.failed', { message: errorMessage(t, failure) }) : null);
  };
  return (
    <form
      className="control-group end-session"
      data-testid="end-without-agreement"
      onSubmit={(e) => {
        e.preventDefault();
        void seal();
      }}
    >
      <span className="label">{t('signing.endTitle')}</span>
      <label htmlFor="end-kind">{t('signing.endKind')}</label>
      <select id="end-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
        <option value="not_settled">{t('outcomes.not_settled')}</option>
        <option value="withdrawn">{t('outcomes.withdrawn')}</option>
      </select>
      <label htmlFor="end-reason">{t('signing.reason')}</label>
      <textarea
        id="end-reason"
        rows={2}
        value={reason}
        maxLength={2000}
        aria-describedby="end-reason-hint"
        onChange={(e) => setReason(e.target.value)}
      />
      <p id="end-reason-hint" className="muted hint">
        {t('signing.reasonHint', { min: SEAL_REASON_MIN })}
      </p>
      <button type="submit" className="danger" disabled={!longEnough} data-testid="end-seal">
        {t('signing.end')}
      </button>
      <ErrorText error={error} />
      {dialog}
    </form>
  );
}
