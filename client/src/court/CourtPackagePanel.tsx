import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pathOf, type CourtPackageInfo } from '@accord/shared';
import { api, ApiError, errorOf } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { dateInWords } from '../app/format';

/** Fetches the ZIP with the token in a header (never in a URL) and saves it under the server's name. */
async function downloadZip(caseId: string, token: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(pathOf('GET /api/cases/:caseId/court-package/zip', { caseId }), {
      headers: { authorization: `Bearer ${token}` },
    });
  } catch {
    throw new ApiError('NETWORK', 'network error');
  }
  if (!res.ok) throw await errorOf(res, await res.json().catch(() => null));
  const named = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = named ? decodeURIComponent(named) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/**
 * The court-confirmation package of a sealed settlement: what it is, the 30 days to apply in, and (for
 * those the server lets have it: the centre, the case's mediator, the borrower) the download, confirmed
 * first because it shows the borrower's identifiers and is recorded. Nothing while no settlement is sealed.
 */
export function CourtPackagePanel({
  caseId,
  token,
  known,
}: {
  caseId: string;
  token: string;
  /** Already fetched by the page (so that it shows with the page, not pushing it down later). */
  known?: CourtPackageInfo | null;
}) {
  const { t, i18n } = useTranslation();
  const { confirm, dialog } = useConfirm();
  const [info, setInfo] = useState<CourtPackageInfo | null>(known ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (known !== undefined) return;
    api('GET /api/cases/:caseId/court-package', { token, params: { caseId } })
      .then(setInfo)
      // Not sealed, not settled, or not this viewer's to see: there is nothing to offer.
      .catch(() => setInfo(null));
  }, [caseId, token, known]);
  if (!info) return null;

  const deadline = dateInWords(info.deadline, i18n.language);
  const download = async () => {
    const ok = await confirm({
      title: t('court.confirmTitle'),
      body: <p>{info.own ? t('court.confirmBodyOwn') : t('court.confirmBody')}</p>,
      confirm: t('court.download'),
    });
    if (!ok) return;
    setBusy(true);
    setError(null);
    try {
      await downloadZip(caseId, token, `accord-court-${info.caseNumber}.zip`);
      setDone(true);
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card court-package no-print" data-testid="court-package" aria-labelledby="court-package-title">
      <h3 id="court-package-title">{t('court.title')}</h3>
      <p>{t('court.what')}</p>
      <p data-testid="court-deadline" className={info.daysLeft < 0 ? 'error' : undefined}>
        <strong>
          {info.daysLeft < 0
            ? t('court.deadlinePassed', { date: deadline })
            : t('court.deadline', { date: deadline, count: info.daysLeft })}
        </strong>
      </p>
      <ul>
        <li>{t('court.contents.application')}</li>
        <li>{t('court.contents.settlement')}</li>
        <li>{t('court.contents.evidence')}</li>
        <li>{t('court.contents.verification')}</li>
      </ul>
      <p className="hint">{t('court.notAdvice')}</p>
      {info.mayDownload ? (
        <>
          <p className="hint">{info.own ? t('court.privacyOwn') : t('court.privacy')}</p>
          <button type="button" data-testid="court-download" disabled={busy} onClick={() => void download()}>
            {busy ? t('court.preparing') : t('court.download')}
          </button>
          {done && (
            <p className="hint" role="status" data-testid="court-downloaded">
              {t('court.downloaded')}
            </p>
          )}
        </>
      ) : (
        <p className="hint" data-testid="court-ask">
          {t('court.askCentre')}
        </p>
      )}
      <ErrorText error={error} />
      {dialog}
    </section>
  );
}
