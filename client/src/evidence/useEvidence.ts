import { useCallback, useEffect, useRef, useState } from 'react';
import type { EvidenceView } from '@accord/shared';
import { api } from '../app/api';
import type { RoomApi } from '../room/useRoom';

export interface EvidenceList {
  items: EvidenceView[] | null;
  error: unknown;
  reload: () => void;
}

/**
 * The case's evidence as this person may see it, read by REST and read again whenever the server
 * nudges (`evidence:changed`, sent only to those an added or changed item reaches: it names no item)
 * and after every (re)admission to the room, when a nudge may have been missed.
 */
export function useEvidence(caseId: string, token: string, attach: RoomApi['attach']): EvidenceList {
  const [items, setItems] = useState<EvidenceView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // The newest request wins: an older answer arriving late is dropped.
  const latest = useRef(0);

  useEffect(() => {
    const n = ++latest.current;
    api('GET /api/cases/:caseId/evidence', { token, params: { caseId } })
      .then((list) => {
        if (n !== latest.current) return;
        setItems(list);
        setError(null);
      })
      .catch((err: unknown) => n === latest.current && setError(err));
  }, [caseId, token, version]);

  useEffect(() => {
    let live = true;
    const onChanged = (p: { caseId: string }) => {
      if (live && p.caseId === caseId) reload();
    };
    let current: Parameters<Parameters<RoomApi['attach']>[0]['socket']>[0] | null = null;
    const stop = attach({
      socket: (socket) => {
        current?.off('evidence:changed', onChanged);
        current = socket;
        socket.on('evidence:changed', onChanged);
      },
      welcome: () => live && reload(),
    });
    return () => {
      live = false;
      current?.off('evidence:changed', onChanged);
      stop();
    };
  }, [attach, caseId, reload]);

  return { items, error, reload };
}
