import { useCallback, useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import type { CaseProgress } from '@accord/shared';
import { api } from '../app/api';

/** The last progress this device saw of a case, so the tracking page opens offline (from the home screen). */
const key = (caseId: string) => `accord.progress.${caseId}`;
interface Saved {
  at: string;
  progress: CaseProgress;
}

function readSaved(caseId: string): Saved | null {
  try {
    const saved = JSON.parse(localStorage.getItem(key(caseId)) ?? 'null') as Saved | null;
    // Written by this hook from answers checked by their schema; a shape check drops a damaged entry.
    return saved && typeof saved.at === 'string' && saved.progress?.caseId === caseId ? saved : null;
  } catch {
    return null;
  }
}

export interface Progress {
  progress: CaseProgress | null;
  /** When the progress shown was received, while it is this device's copy and not yet fresh from the server. */
  savedAt: string | null;
  reload: () => void;
}

/** A case's progress, fetched once and then updated live over the `/track` namespace. */
export function useProgress(caseId: string, token: string): Progress {
  const [saved] = useState(() => readSaved(caseId));
  const [progress, setProgress] = useState<CaseProgress | null>(saved?.progress ?? null);
  const [fresh, setFresh] = useState(false);
  const received = useCallback(
    (p: CaseProgress) => {
      if (p.caseId !== caseId) return;
      setProgress(p);
      setFresh(true);
      try {
        localStorage.setItem(
          key(caseId),
          JSON.stringify({ at: new Date().toISOString(), progress: p } satisfies Saved),
        );
      } catch {
        // A full storage costs only the offline copy.
      }
    },
    [caseId],
  );
  const reload = useCallback(() => {
    void api('GET /api/cases/:caseId/progress', { token, params: { caseId } })
      .then(received)
      .catch(() => undefined);
  }, [caseId, token, received]);
  useEffect(() => {
    reload();
    let socket: Socket | null = null;
    let closed = false;
    // The live channel's library is a chunk of its own, fetched while the progress above loads: the
    // page can be read before it arrives, and a phone on a slow network gets the page first.
    void import('socket.io-client').then(({ io }) => {
      if (closed) return;
      socket = io('/track', { auth: { token, caseId } });
      socket.on('case:progress', received);
      // After a reconnect (and at the first connect, since the library came later), what changed
      // meanwhile is fetched again.
      socket.on('connect', reload);
    });
    return () => {
      closed = true;
      socket?.disconnect();
    };
  }, [caseId, token, reload, received]);
  return { progress, savedAt: fresh ? null : (saved?.at ?? null), reload };
}
