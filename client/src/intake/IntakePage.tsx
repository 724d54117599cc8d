import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_CATEGORIES, PRIVACY_NOTICE_VERSION, type IntakeResult, type LenderView } from '@accord/shared';
import { api } from '../app/api';
import { dateInWords } from '../app/format';
import { parseMoney } from '../app/money';
import { navigate } from '../app/router';
import { postForm } from '../app/upload';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { FileInput } from '../app/FileInput';

/** The public complaint form. */
export function IntakePage() {
  const { t, i18n } = useTranslation();
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<IntakeResult | null>(null);
  const [noticeAccepted, setNoticeAccepted] = useState(false);
  const [sensitiveAccepted, setSensitiveAccepted] = useState(false);
  const [lenders, setLenders] = useState<LenderView[]>([]);
  useEffect(() => {
    void api('GET /api/lenders', {})
      .then(setLenders)
      .catch((err: unknown) => setError(errorMessage(t, err)));
  }, [t]);
  // The notice's version is `YYYY-MM-DD-N`: shown as its date in words and its revision.
  const noticeVersion = (version: string) => {
    const [, date = version, revision = '1'] = /^(\d{4}-\d{2}-\d{2})-(\d+)$/.exec(version) ?? [];
    return t('intake.privacyVersion', { date: dateInWords(date, i18n.language), revision });
  };
  // The ID number and phone are asked for only once both consents are given.
  const consented = noticeAccepted && sensitiveAccepted;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const cents = parseMoney(amount);
    if (cents === undefined || cents === null) {
      setError(t('intake.invalidAmount'));
      return;
    }
    const form = new FormData(e.currentTarget);
    form.delete('amount');
    form.set('amountInDisputeCents', String(cents));
    // The case is conducted in the language the complaint was written in.
    form.set('language', i18n.language.startsWith('zh') ? 'zh-CN' : 'en');
    setBusy(true);
    setError(null);
    try {
      setDone(await postForm('POST /api/intake', form, {}));
    } catch (err) {
      setError(
        errorMessage(t, err, {
          name: t('intake.name'),
          phone: t('intake.phone'),
          nationalId: t('intake.nationalId'),
          contractNumber: t('intake.contractNumber'),
          category: t('intake.category'),
          amountInDisputeCents: t('intake.amount'),
          description: t('intake.description'),
          desiredOutcome: t('intake.desiredOutcome'),
          evidence: t('intake.evidence'),
          privacyNotice: t('intake.consentNotice'),
          sensitiveConsent: t('intake.consentSensitive'),
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    const trackingPath = new URL(done.trackingUrl).pathname;
    return (
      <section className="card narrow" data-testid="intake-done">
        <h2>{t('intake.done', { number: done.caseNumber })}</h2>
        <p>{t('intake.trackingLink')}</p>
        <p>
          <code data-testid="tracking-url" className="wrap">
            {done.trackingUrl}
          </code>
        </p>
        <p>{t('intake.pin')}</p>
        <p className="pin" data-testid="tracking-pin">
          {done.pin}
        </p>
        <button type="button" onClick={() => navigate(trackingPath)}>
          {t('intake.track')}
        </button>
      </section>
    );
  }

  return (
    <section className="card intake">
      <h2>{t('intake.title')}</h2>
      <p>{t('intake.intro')}</p>
      <form className="stack" onSubmit={(e) => void submit(e)} data-testid="intake-form">
        <section className="privacy-notice" aria-labelledby="privacy-title" data-testid="privacy-notice">
          <h3 id="privacy-title">{t('intake.privacyTitle')}</h3>
          <ul>
            <li>{t('intake.privacyCollect')}</li>
            <li>{t('intake.privacyPurpose')}</li>
            <li>{t('intake.privacyAccess')}</li>
            <li>{t('intake.privacyKeep')}</li>
            <li>{t('intake.privacyRights')}</li>
          </ul>
          <p className="muted">{noticeVersion(PRIVACY_NOTICE_VERSION)}</p>
        </section>
        <label className="check">
          <input
            type="checkbox"
            name="privacyNotice"
            value={PRIVACY_NOTICE_VERSION}
            required
            checked={noticeAccepted}
            onChange={(e) => setNoticeAccepted(e.target.checked)}
          />
          {t('intake.consentNotice')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="sensitiveConsent"
            value="true"
            required
            checked={sensitiveAccepted}
            onChange={(e) => setSensitiveAccepted(e.target.checked)}
          />
          {t('intake.consentSensitive')}
        </label>
        <label>
          {t('intake.name')}
          <input name="name" required minLength={2} maxLength={50} autoComplete="name" />
        </label>
        {!consented && <p className="muted">{t('intake.consentFirst')}</p>}
        <label>
          {t('intake.phone')}
          <input name="phone" required pattern="1\d{10}" inputMode="tel" autoComplete="tel" disabled={!consented} />
        </label>
        <label>
          {t('intake.email')}
          <input name="email" type="email" maxLength={254} autoComplete="email" />
        </label>
        <label>
          {t('intake.nationalId')}
          <input name="nationalId" required pattern="\d{17}[\dX]" autoComplete="off" disabled={!consented} />
        </label>
        <label>
          {t('intake.lender')}
          <select name="lenderId" required defaultValue="" data-testid="lender-select">
            <option value="" disabled>
              {t('intake.lenderChoose')}
            </option>
            {lenders.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('intake.contractNumber')}
          <input name="contractNumber" required minLength={3} maxLength={64} />
        </label>
        <label>
          {t('intake.category')}
          <select name="category" required defaultValue="fees_and_charges">
            {CASE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`categories.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('intake.amount')}
          <input
            name="amount"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
            inputMode="decimal"
          />
        </label>
        <label>
          {t('intake.description')}
          <textarea name="description" required minLength={10} maxLength={10000} rows={5} />
        </label>
        <label>
          {t('intake.desiredOutcome')}
          <textarea name="desiredOutcome" required minLength={2} maxLength={2000} rows={2} />
        </label>
        <label>
          {t('intake.evidence')}
          <FileInput name="evidence" multiple accept="application/pdf,image/jpeg,image/png" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t('intake.submitting') : t('intake.submit')}
        </button>
        <ErrorText error={error} />
      </form>
    </section>
  );
}
