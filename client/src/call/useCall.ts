import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { RoomApi } from '../room/useRoom';
import { CallClient, type CallView, type JoinChoice } from './CallClient';
import type { CallProbe } from '@accord/shared';

/** The test and benchmark probe (`CallProbe` in shared): present once the room page has loaded. */
type AccordCallProbe = CallProbe;

declare global {
  interface Window {
    __accordCall?: AccordCallProbe;
  }
}

const idle: AccordCallProbe = { stats: () => Promise.resolve([]), state: () => ({ inCall: false, peerId: null }) };
if (typeof window !== 'undefined') window.__accordCall ??= idle;

export interface CallApi extends CallView {
  maySend: boolean;
  join(choice: JoinChoice, stream: MediaStream | null): Promise<void>;
  leave(): Promise<void>;
  setSending(kind: 'audio' | 'video', on: boolean): Promise<void>;
}

/** This tab's part in the room's call (see CallClient), riding on the room's socket. */
export function useCall(caseId: string, attach: RoomApi['attach'], maySend: boolean, denied: boolean): CallApi {
  const client = useMemo(() => new CallClient(caseId), [caseId]);
  useEffect(() => client.setMaySend(maySend), [client, maySend]);
  useEffect(() => {
    const stop = client.start(attach);
    window.__accordCall = {
      stats: () => client.stats(),
      state: () => {
        const v = client.getSnapshot();
        return { inCall: v.inCall, peerId: v.inCall ? v.peerId : null };
      },
    };
    return () => {
      stop();
      window.__accordCall = idle;
    };
  }, [client, attach]);
  // Removed from the room: the media ends at once (the server has already taken this person out of the call).
  useEffect(() => {
    if (denied) client.hangUp();
  }, [client, denied]);
  const view = useSyncExternalStore(client.subscribe, client.getSnapshot);
  return useMemo(
    () => ({
      ...view,
      maySend,
      join: (choice: JoinChoice, stream: MediaStream | null) => client.join(choice, stream),
      leave: () => client.leave(),
      setSending: (kind: 'audio' | 'video', on: boolean) => client.setSending(kind, on),
    }),
    [view, maySend, client],
  );
}
