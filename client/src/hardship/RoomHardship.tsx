import type { CaseRole } from '@accord/shared';
import { DEFAULT_TIME_ZONE } from '../app/format';
import type { RoomApi } from '../room/useRoom';
import { HardshipPanel } from './HardshipPanel';

/** Who sees the customer's hardship in the room: the customer (who declares it), the mediator, the lender's representative. */
const SEES: ReadonlySet<CaseRole> = new Set<CaseRole>(['customer', 'mediator', 'platform']);

/**
 * The hardship in the room: read again whenever a hardship entry reaches the activity feed, so the
 * mediator and the lender's representative see a declaration or a change without reloading. The
 * customer declares or changes it until the session has concluded.
 */
export function RoomHardship({
  room,
  caseId,
  token,
  role,
}: {
  room: RoomApi;
  caseId: string;
  token: string;
  role: CaseRole | null;
}) {
  if (role === null || !SEES.has(role)) return null;
  const open = room.state?.phase !== 'concluded' && !room.outcome?.sealed;
  return (
    <HardshipPanel
      caseId={caseId}
      token={token}
      canDeclare={role === 'customer' && open}
      version={room.activity.filter((a) => a.kind === 'hardship.declared' || a.kind === 'hardship.updated').length}
      timeZone={room.welcome?.timeZone ?? DEFAULT_TIME_ZONE}
    />
  );
}
