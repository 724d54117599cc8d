import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';

// The text and its dialog are a chunk of their own, fetched when someone asks to read it again.
const RightsReader = lazy(() => import('./RightsReader'));

/** "Your rights and duties" in the room: opens the text read-only, for the parties and the mediator alike. */
export function RightsLink({ caseId, token }: { caseId: string; token: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="link rights-link" onClick={() => setOpen(true)} data-testid="rights-link">
        {t('rights.readAgain')}
      </button>
      {open && (
        <Suspense fallback={null}>
          <RightsReader caseId={caseId} token={token} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
