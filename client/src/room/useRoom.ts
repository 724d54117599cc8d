import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Channel } from '@accord/shared';
import { useOnline } from '../app/useOnline';
import { RoomClient, roomStatus, typingIn, type RoomSnapshot } from './RoomClient';

export interface RoomApi
  extends
    Omit<RoomSnapshot, 'typing'>,
    Pick<
      RoomClient,
      'send' | 'retry' | 'discard' | 'loadOlder' | 'markRead' | 'setViewing' | 'setTyping' | 'command' | 'ask'
    > {
  me: string;
  /** Lets the call use the room's socket (RoomClient.attach). */
  attach: RoomClient['attach'];
  /** userId → display name of people typing now, per channel (never me). */
  typing: (channel: Channel) => Map<string, string>;
}

/** The live room (see RoomClient) for one person in one case, as React state. */
export function useRoom(caseId: string, token: string, me: string): RoomApi {
  // Making the client only reads the chat kept on the device; the connection opens in the effect.
  const client = useMemo(() => new RoomClient({ caseId, token, me }), [caseId, token, me]);
  useEffect(() => {
    client.open();
    return () => client.close();
  }, [client]);
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot);
  const online = useOnline();
  useEffect(() => client.setOnline(online), [client, online]);
  const typing = useCallback((channel: Channel) => typingIn(snapshot.typing, channel), [snapshot.typing]);

  return {
    ...snapshot,
    status: roomStatus(snapshot.status, online),
    me,
    typing,
    send: client.send,
    retry: client.retry,
    discard: client.discard,
    loadOlder: client.loadOlder,
    markRead: client.markRead,
    setViewing: client.setViewing,
    setTyping: client.setTyping,
    command: client.command,
    ask: client.ask,
    attach: client.attach,
  };
}
