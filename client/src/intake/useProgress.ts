import { useCallback, useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import type { CaseProgress } from '@accord/shared';
import { api } from '../app/api';

/** A case's progress, fetched once and then updated live over the `/track` namespace. */
export function useProgress(caseId: string, token: string): { progress: CaseProgress | null; reload: () => void } {
  const [progress, setProgress] = useState<CaseProgress | null>(null);
  const reload = useCallback(() => {
    void api('GET /api/cases/:caseId/progress', { token, params: { caseId } })
      .then(setProgress)
      .catch(() => undefined);
  }, [caseId, token]);
  useEffect(() => {
    reload();
    const socket = io('/track', { auth: { token, caseId } });
    socket.on('case:progress', (p: CaseProgress) => {
      if (p.caseId === caseId) setProgress(p);
    });
    // After a reconnect, what changed meanwhile is fetched again.
    socket.on('connect', reload);
    return () => {
      socket.disconnect();
    };
  }, [caseId, token, reload]);
  return { progress, reload };
}
