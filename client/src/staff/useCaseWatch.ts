import { useCallback, useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import type { CaseEvidenceEvent, CaseProgress, TrackHandshake } from '@accord/shared';
import { api } from '../app/api';

export interface CaseWatch {
  progress: CaseProgress | null;
  /** Grows with every change of the evidence list: whoever shows it fetches it again. */
  evidenceVersion: number;
  /** Grows with every change of the case history (status changes included). */
  historyVersion: number;
  /** Fetch again after one's own step (the push comes too; this does not wait for it). */
  refresh: () => void;
}

/**
 * The staff case page's live view: the staff case watch on `/track` (docs/PROTOCOL.md) pushes status
 * changes made by anyone, evidence the complainant adds and history steps such as reveals; after a
 * reconnect, what changed meanwhile is fetched again. No polling.
 */
export function useCaseWatch(caseId: string, token: string): CaseWatch {
  const [progress, setProgress] = useState<CaseProgress | null>(null);
  const [evidenceVersion, setEvidenceVersion] = useState(0);
  const [historyVersion, setHistoryVersion] = useState(0);
  const fetchProgress = useCallback(() => {
    void api('GET /api/cases/:caseId/progress', { token, params: { caseId } })
      .then(setProgress)
      .catch(() => undefined);
  }, [caseId, token]);
  // Progress, evidence and history all again (the last two are fetched by whoever shows them).
  const reload = useCallback(() => {
    fetchProgress();
    setEvidenceVersion((v) => v + 1);
    setHistoryVersion((v) => v + 1);
  }, [fetchProgress]);
  useEffect(() => {
    // The evidence list and the history fetch their first copy themselves.
    fetchProgress();
    const auth: TrackHandshake = { token, caseId, watch: true };
    const socket = io('/track', { auth });
    socket.on('case:progress', (p: CaseProgress) => {
      if (p.caseId !== caseId) return;
      setProgress(p);
      setHistoryVersion((v) => v + 1);
    });
    socket.on('case:evidence', (e: CaseEvidenceEvent) => {
      if (e.caseId !== caseId) return;
      setEvidenceVersion((v) => v + 1);
      setHistoryVersion((v) => v + 1);
    });
    socket.on('case:history', (e: { caseId: string }) => {
      if (e.caseId === caseId) setHistoryVersion((v) => v + 1);
    });
    // After a reconnect (the namespace is never recovered), what changed meanwhile is fetched again.
    socket.io.on('reconnect', reload);
    return () => {
      socket.io.off('reconnect', reload);
      socket.disconnect();
    };
  }, [caseId, token, fetchProgress, reload]);
  return { progress, evidenceVersion, historyVersion, refresh: reload };
}
