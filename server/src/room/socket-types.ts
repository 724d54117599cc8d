import type { Server, Socket } from 'socket.io';
import {
  caucusParty,
  type Channel,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
} from '@accord/shared';
import type { Principal } from '../auth/service';

export interface SocketData {
  principal: Principal;
  cursors: ReadonlyMap<Channel, number>;
  /** False while the connection waits in the lobby. */
  admitted: boolean;
  /** The peer id this connection joined the room's call with, if it did. */
  callPeerId?: string;
}

export type AccordIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AccordSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Socket.IO rooms: the joint room, each person's own room, the mediators', and the lobby. */
export const socketRooms = {
  joint: (caseId: string) => `case:${caseId}`,
  user: (caseId: string, userId: string) => `case:${caseId}:user:${userId}`,
  mediators: (caseId: string) => `case:${caseId}:mediators`,
  waiting: (caseId: string, userId: string) => `case:${caseId}:waiting:${userId}`,
};

/** Where a channel's messages go: the joint room, or a caucus party plus the mediators. */
export function audienceOf(caseId: string, channel: Channel): string[] {
  const party = caucusParty(channel);
  return party === null
    ? [socketRooms.joint(caseId)]
    : [socketRooms.user(caseId, party), socketRooms.mediators(caseId)];
}
