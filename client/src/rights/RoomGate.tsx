import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isParty, type CaseRole } from '@accord/shared';
import { passedHere } from './acknowledged';

// Its own chunk: a party reads it once per case, and nobody else loads it (the room's budget).
const RightsGate = lazy(() => import('./RightsGate'));

/**
 * The room's door for the case's parties: their rights and duties, read and acknowledged, before the room
 * (`children`, which connects) is drawn. Someone invited in another role (mediator, observer) goes straight
 * in, as does anyone this device has seen through the gate; a staff sign-in (`role` null: a lender's staff may
 * be the platform party) is asked of the server, which lets the mediator and the centre's staff through.
 */
export function RoomGate({
  caseId,
  token,
  me,
  role,
  children,
}: {
  caseId: string;
  token: string;
  me: string;
  role: CaseRole | null;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  if ((role !== null && !isParty(role)) || passedHere(caseId, me)) return <>{children}</>;
  return (
    <Suspense
      fallback={
        <p className="page-message" role="status">
          {t('rights.loading')}
        </p>
      }
    >
      <RightsGate caseId={caseId} token={token} me={me}>
        {children}
      </RightsGate>
    </Suspense>
  );
}
