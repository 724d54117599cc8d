import { useEffect, useState } from 'react';
import type { CaseRole } from '@accord/shared';
import { DEFAULT_TIME_ZONE } from '../app/format';
import type { RoomApi } from '../room/useRoom';
import { DocumentRequestsPanel } from './DocumentRequestsPanel';

/** Who sees the document requests in the room: the two parties and the mediator. */
const SEES: ReadonlySet<CaseRole> = new Set<CaseRole>(['customer', 'mediator', 'platform']);

/**
 * The document requests in the room: the customer asks from here too; the mediator sees overdue
 * requests first and called out. Read again on the room's `documents:changed` nudge (it carries no
 * content: each member reads what their side may see) and after every (re)welcome, which follows a
 * reconnect.
 */
export default function RoomDocuments({
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
  const [version, setVersion] = useState(0);
  const { attach } = room;
  useEffect(() => {
    let live = true;
    const bump = () => {
      if (live) setVersion((v) => v + 1);
    };
    const detach = attach({
      socket: (socket) =>
        socket.on('documents:changed', (e) => {
          if (e.caseId === caseId) bump();
        }),
      welcome: bump,
    });
    return () => {
      live = false;
      detach();
    };
  }, [attach, caseId]);
  if (role === null || !SEES.has(role)) return null;
  return (
    <DocumentRequestsPanel
      caseId={caseId}
      token={token}
      version={version}
      timeZone={room.welcome?.timeZone ?? DEFAULT_TIME_ZONE}
      flagOverdue={role === 'mediator'}
    />
  );
}
