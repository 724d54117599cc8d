/**
 * Who is in each room's call, from which connection, sending what. Another node needs it to decide
 * whom its connections may reach and to forward signals to them, so it sits behind an interface: in
 * one process a map, scaled out a Redis hash (`RedisCallRoster`).
 */
export interface CallEntry {
  peerId: string;
  userId: string;
  /** The Socket.IO id of the connection in the call (signals are delivered to it, on whichever node). */
  socketId: string;
  audio: boolean;
  video: boolean;
  joinedAt: number;
  /** Set while the connection is gone and the peer is expected back (epoch ms it is kept until). */
  awayUntil: number | null;
}

/** What may change in an entry without rejoining. */
export type CallEntryPatch = Partial<Pick<CallEntry, 'audio' | 'video' | 'awayUntil'>>;

export interface CallRoster {
  /** Adds the entry, or replaces the one with its peer id (a rejoin after a reload or reconnection). */
  put(caseId: string, entry: CallEntry): Promise<void>;
  /** Changes one entry if it is still held by `socketId`; returns the entry after the change, or null. */
  update(caseId: string, peerId: string, socketId: string, patch: CallEntryPatch): Promise<CallEntry | null>;
  /** Removes the entry if it is still held by `socketId` (not if it was taken over meanwhile). */
  remove(caseId: string, peerId: string, socketId: string): Promise<boolean>;
  /** The room's entries in the order they joined; entries kept away past their time are left out. */
  list(caseId: string): Promise<CallEntry[]>;
  close(): Promise<void>;
}

export class MemoryCallRoster implements CallRoster {
  private readonly rooms = new Map<string, Map<string, CallEntry>>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(caseId: string, entry: CallEntry): Promise<void> {
    const room = this.rooms.get(caseId) ?? new Map<string, CallEntry>();
    this.rooms.set(caseId, room);
    room.set(entry.peerId, { ...entry });
  }

  async update(caseId: string, peerId: string, socketId: string, patch: CallEntryPatch): Promise<CallEntry | null> {
    const entry = this.rooms.get(caseId)?.get(peerId);
    if (!entry || entry.socketId !== socketId) return null;
    Object.assign(entry, patch);
    return { ...entry };
  }

  async remove(caseId: string, peerId: string, socketId: string): Promise<boolean> {
    const room = this.rooms.get(caseId);
    if (room?.get(peerId)?.socketId !== socketId) return false;
    room.delete(peerId);
    if (room.size === 0) this.rooms.delete(caseId);
    return true;
  }

  async list(caseId: string): Promise<CallEntry[]> {
    const room = this.rooms.get(caseId);
    if (!room) return [];
    const now = this.now();
    for (const [peerId, e] of room) if (e.awayUntil !== null && e.awayUntil <= now) room.delete(peerId);
    return [...room.values()].sort((a, b) => a.joinedAt - b.joinedAt).map((e) => ({ ...e }));
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}
