/**
 * Who is connected to which room, counted per person. Another node needs this
 * to show the full participant list, so it sits behind an interface: in one
 * process it is a map; with Redis it is a shared hash with per-node expiry.
 */
export interface PresenceRegistry {
  /** Records one more connection of a person in a room. */
  add(caseId: string, userId: string, connectionId: string): Promise<void>;
  remove(caseId: string, userId: string, connectionId: string): Promise<void>;
  /** Open connections per person in a room (persons with none are absent). */
  counts(caseId: string): Promise<Map<string, number>>;
  /**
   * Calls `listener` with a room where who is online changed without anyone joining or leaving: the
   * connections of a node that stopped vouching for them (killed, cut off) lapsed, or a node's came back
   * (into a Redis that restarted empty, or after it was cut off past the TTL).
   */
  onLapsed(listener: (caseId: string) => void): void;
  close(): Promise<void>;
}

export class MemoryPresence implements PresenceRegistry {
  private readonly rooms = new Map<string, Map<string, Set<string>>>();

  async add(caseId: string, userId: string, connectionId: string): Promise<void> {
    const room = this.rooms.get(caseId) ?? new Map<string, Set<string>>();
    this.rooms.set(caseId, room);
    const conns = room.get(userId) ?? new Set<string>();
    room.set(userId, conns);
    conns.add(connectionId);
  }

  async remove(caseId: string, userId: string, connectionId: string): Promise<void> {
    const room = this.rooms.get(caseId);
    const conns = room?.get(userId);
    if (!room || !conns) return;
    conns.delete(connectionId);
    if (conns.size === 0) room.delete(userId);
    if (room.size === 0) this.rooms.delete(caseId);
  }

  // One process holds and serves its connections: none lapses.
  onLapsed(): void {}

  async counts(caseId: string): Promise<Map<string, number>> {
    const room = this.rooms.get(caseId);
    return new Map([...(room ?? [])].map(([user, conns]) => [user, conns.size]));
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}
