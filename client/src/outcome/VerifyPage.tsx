import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SealedOutcome, isPdf, recordDigest, verifyFragment } from '@accord/shared';
import { RecordView } from './RecordView';
import { ErrorText } from '../app/ErrorText';
import { FileInput } from '../app/FileInput';

/**
 * Drop a record file, or the outcome PDF that carries one; it is verified in the browser against the
 * published key. A PDF is read here too (pdf.js, loaded only when a PDF is chosen): nothing is uploaded.
 */
export function VerifyPage() {
  const { t } = useTranslation();
  const [sealed, setSealed] = useState<SealedOutcome | null>(null);
  const [fromPdf, setFromPdf] = useState(false);
  const [reading, setReading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Opened from a PDF's QR code: the fragment names the record that copy carries.
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  const expected = useMemo(() => verifyFragment(hash), [hash]);
  const [matches, setMatches] = useState<boolean | null>(null);
  /** The record in a file: the JSON itself, or the one embedded in a PDF; a problem in words otherwise. */
  const recordIn = async (bytes: Uint8Array): Promise<{ value: unknown } | { problem: string }> => {
    if (!isPdf(bytes)) return { value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
    setReading(true);
    try {
      const { recordFromPdf } = await import('./pdf-record');
      const read = await recordFromPdf(bytes);
      if (read.ok) return { value: read.sealed };
      return { problem: t(read.reason === 'unreadable' ? 'verify.pdfUnreadable' : 'verify.pdfWithoutRecord') };
    } finally {
      setReading(false);
    }
  };
  const read = async (file: File | undefined) => {
    if (!file) return;
    setSealed(null);
    setProblem(null);
    setMatches(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const pdf = isPdf(bytes);
      const found = await recordIn(bytes);
      if ('problem' in found) {
        setProblem(found.problem);
        return;
      }
      const parsed = SealedOutcome.safeParse(found.value);
      if (parsed.success) {
        setFromPdf(pdf);
        setSealed(parsed.data);
        const named = verifyFragment(window.location.hash);
        if (named) setMatches((await recordDigest(parsed.data.record)) === named.digest);
      } else {
        setProblem(`${t('record.invalid')}: ${t('verify.problems.not_a_record')}`);
      }
    } catch {
      setProblem(t('verify.unreadable'));
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    void read(e.dataTransfer.files[0]);
  };
  return (
    <section className="card verify" data-testid="verify-page">
      <h1>{t('verify.title')}</h1>
      <p>{t('verify.intro')}</p>
      {expected && (
        <p className="muted" data-testid="verify-expected">
          {t('verify.expected', { number: expected.caseNumber })}
        </p>
      )}
      <div className="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        <label>
          {t('verify.file')}
          <FileInput
            accept="application/json,.json,application/pdf,.pdf"
            onChange={(e) => void read(e.target.files?.[0])}
          />
        </label>
        <span className="muted">{t('verify.drop')}</span>
      </div>
      {reading && <p className="muted">{t('verify.reading')}</p>}
      <ErrorText error={problem} testId="verify-problem" />
      {matches !== null && expected && (
        <p className={matches ? 'ok' : 'error'} data-testid="verify-qr-match" data-match={matches}>
          {t(matches ? 'verify.qrMatches' : 'verify.qrDiffers', { number: expected.caseNumber })}
        </p>
      )}
      {sealed && fromPdf && (
        <p className="muted" data-testid="verify-from-pdf">
          {t('verify.fromPdf')}
        </p>
      )}
      {sealed && <RecordView sealed={sealed} />}
    </section>
  );
}
