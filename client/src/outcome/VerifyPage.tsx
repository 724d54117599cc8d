import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SealedOutcome } from '@accord/shared';
import { RecordView } from './RecordView';
import { ErrorText } from '../app/ErrorText';

/** Drop a record file; it is verified in the browser against the published key. */
export function VerifyPage() {
  const { t } = useTranslation();
  const [sealed, setSealed] = useState<SealedOutcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const read = async (file: File | undefined) => {
    if (!file) return;
    setSealed(null);
    try {
      const parsed = SealedOutcome.safeParse(JSON.parse(await file.text()));
      if (parsed.success) {
        setSealed(parsed.data);
        setProblem(null);
      } else {
        setProblem(`${t('record.invalid')}: ${parsed.error.issues[0]?.message ?? ''}`);
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
      <div className="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        <label>
          {t('verify.file')}
          <input type="file" accept="application/json,.json" onChange={(e) => void read(e.target.files?.[0])} />
        </label>
        <span className="muted">{t('verify.drop')}</span>
      </div>
      <ErrorText error={problem} testId="verify-problem" />
      {sealed && <RecordView sealed={sealed} />}
    </section>
  );
}
