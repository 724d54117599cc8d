import type { RoomState } from '@accord/shared';
import type { Bus } from '../scale/bus';
import type { RoomStatePatch, RoomStateRecord, MemberStore, RoomStateStore } from '../store/types';

/**
 * Room states, read through a node-local cache that the bus keeps fresh, so
 * the per-update checks of the Yjs endpoint cost no store round trip.
 * Writes go to the store with compare-and-set, then out on the bus.
 */
export class RoomStates {
  private readonly cache = new Map<string, RoomStateRecord>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: MemberStore & RoomStateStore,
    private readonly bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe(({ message }) => {
      if (message.type === 'room.state') this.remember(message.state);
    });
  }

  async get(caseId: string): Promise<RoomStateRecord> {
    const cached = this.cache.get(caseId);
    if (cached) return cached;
    const state = await this.store.getRoomState(caseId);
    this.remember(state);
    return this.cache.get(caseId) ?? state;
  }

  /** The cached state, if this node holds it (as `get` would answer without a read); else undefined. */
  cached(caseId: string): RoomStateRecord | undefined {
    return this.cache.get(caseId);
  }

  /** Reads the state from the store (not the cache) for a read-modify-write. */
  fresh(caseId: string): Promise<RoomStateRecord> {
    return this.store.getRoomState(caseId);
  }

  async update(caseId: string, patch: RoomStatePatch, expectedVersion: number): Promise<RoomStateRecord> {
    const next = await this.store.updateRoomState(caseId, patch, expectedVersion);
    this.remember(next);
    await this.bus.publish({ type: 'room.state', state: next });
    return next;
  }

  /** The state as clients see it. */
  async view(state: RoomStateRecord): Promise<RoomState> {
    const caucusMember = state.caucusUserId ? await this.store.getMember(state.caseId, state.caucusUserId) : null;
    return {
      caseId: state.caseId,
      phase: state.phase,
      lobby: state.lobby,
      quietOpening: state.quietOpening,
      agreementLocked: state.agreementLocked,
      caucus: caucusMember
        ? {
            userId: caucusMember.userId,
            displayName: caucusMember.displayName,
            returnTo: state.caucusReturnPhase ?? 'joint',
          }
        : null,
      pinned: state.pinned,
      version: state.version,
    };
  }

  close(): void {
    this.unsubscribe();
  }

  private remember(state: RoomStateRecord): void {
    const cached = this.cache.get(state.caseId);
    if (!cached || cached.version < state.version) this.cache.set(state.caseId, state);
  }
}
