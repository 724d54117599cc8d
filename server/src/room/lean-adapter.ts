import { Adapter, SessionAwareAdapter, type BroadcastOptions } from 'socket.io-adapter';

/** The packet as the adapter sees it (socket.io-parser's shape): type 2 is an event. */
type Packet = Parameters<Adapter['broadcast']>[0];

/** An entry of SessionAwareAdapter's replay buffer (a private field in its types; socket.io-adapter 2.5). */
interface KeptPacket {
  id: string;
  opts: BroadcastOptions;
  data: unknown[];
  emittedAt: number;
}

/**
 * Events every recovered connection is sent afresh: the gateway's `start` makes it leave its rooms
 * and enter again, which sends a new `room:welcome` (or `room:lobby`) and broadcasts the room's
 * presence. Each is a whole snapshot, so replaying the missed ones would only precede the new one.
 */
const RESENT_ON_RECOVERY: ReadonlySet<unknown> = new Set(['room:welcome', 'room:lobby', 'presence']);

/**
 * Where such an event stays in the buffer: addressed to a room no socket is in (Socket.IO room names
 * never hold a NUL), so no recovery replays it; with no data.
 */
const NEVER_REPLAYED: BroadcastOptions = { rooms: new Set(['\0never-replayed']), except: new Set() };
const NO_DATA: unknown[] = [];

/**
 * One node's Socket.IO adapter (embedded mode): connection-state recovery as Socket.IO's own, except
 * for what its replay buffer holds. That buffer holds every broadcast, and with recovery on every
 * `socket.emit` too, of the last recovery window (2 minutes) in memory.
 *
 * Chat messages are not kept at all: at thousands a second they are hundreds of megabytes, and the
 * garbage collector walks them all the time. Chat does not need it: a recovered connection is
 * replayed its channels from the store by its cursors anyway (see the gateway's `start`), and the
 * client drops the seqs it already has.
 *
 * The events of RESENT_ON_RECOVERY keep their place in the buffer (their id is the offset a client
 * recovers from: a client whose last packet was a welcome must still find it) but not their
 * content, about 1.2 KB each: every connection is sent a welcome and causes a presence broadcast,
 * and an idle one held them for the whole window.
 *
 * Everything else (room state, activity, outcome status) is kept and replayed as before.
 */
export class LeanSessionAdapter extends SessionAwareAdapter {
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const { type, data } = packet as { type?: number; data?: unknown[] };
    if (type === 2 && data?.[0] === 'chat:message') {
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    // Stores the packet (appending its id to `data`, which the client reads as its offset), then
    // encodes and sends it; after that nothing reads the stored entry but a recovery.
    super.broadcast(packet, opts);
    if (type !== 2 || !RESENT_ON_RECOVERY.has(data?.[0])) return;
    const kept = (this as unknown as { packets: KeptPacket[] }).packets.at(-1);
    // (Not stored at all when it had an ack or was volatile.)
    if (!kept || kept.data !== data) return;
    kept.opts = NEVER_REPLAYED;
    kept.data = NO_DATA;
  }
}
