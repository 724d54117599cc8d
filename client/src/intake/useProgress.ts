import { useCallback, useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
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
    let socket: Socket | null = null;
    let closed = false;
    // The live channel's library is a chunk of its own, fetched while the progress above loads: the
    // page can be read before it arrives, and a phone on a slow network gets the page first.
    void import('socket.io-client').then(({ io }) => {
      if (closed) return;
      socket = io('/track', { auth: { token, caseId } });
      socket.on('case:progress', (p: CaseProgress) => {
        if (p.caseId === caseId) setProgress(p);
      });
      // After a reconnect (and at the first connect, since the library came later), what changed
      // meanwhile is fetched again.
      socket.on('connect', reload);
    });
    return () => {
      closed = true;
      socket?.disconnect();
    };
  }, [caseId, token, reload]);
  return { progress, reload };
}
