import { Adapter, SessionAwareAdapter, type BroadcastOptions } from 'socket.io-adapter';

/** The packet as the adapter sees it (socket.io-parser's shape): type 2 is an event. */
type Packet = Parameters<Adapter['broadcast']>[0];

/**
 * One node's Socket.IO adapter (embedded mode): connection-state recovery as Socket.IO's own, except
 * that chat messages are not kept in its replay buffer. That buffer holds every broadcast of the last
 * recovery window (2 minutes) in memory; at thousands of messages a second that is hundreds of
 * megabytes, and the garbage collector walks them all the time. Chat does not need it: a recovered
 * connection is replayed its channels from the store by its cursors anyway (see the gateway's
 * `start`), and the client drops the seqs it already has. Everything else (presence, room state,
 * activity) is still kept and replayed as before.
 */
export class LeanSessionAdapter extends SessionAwareAdapter {
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const data = (packet as { type?: number; data?: unknown[] }).data;
    if ((packet as { type?: number }).type === 2 && data?.[0] === 'chat:message') {
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    super.broadcast(packet, opts);
  }
}
