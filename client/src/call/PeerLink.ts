import type { CallSignal } from '@accord/shared';
import { fingerprintOf } from './plan';

/** What one side tells the other about their connection (the body of a `call:signal`). */
export type SignalBody =
  | { kind: 'description'; description: { type: 'offer' | 'answer'; sdp: string } }
  | { kind: 'candidate'; candidate: RTCIceCandidateInit }
  | { kind: 'restart' };

/** How a tile shows a connection (the contract's `data-connection`). */
export type LinkStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** What a connection needs from the call around it. */
export interface LinkHost {
  signal(to: string, body: SignalBody): void;
  /** The track to send of a kind now (null: none, e.g. the microphone is off or the mediator muted you). */
  localTrack(kind: 'audio' | 'video'): MediaStreamTrack | null;
  rtcConfig(): RTCConfiguration;
  /** Fetches fresh ICE servers (new TURN credentials) before a restart. */
  refreshIce(): Promise<void>;
  /** Replaces this connection with a new one (the other tab is new, or restarting ICE did not help). */
  rebuild(peerId: string, pending?: CallSignal): void;
  changed(): void;
}

/** Disconnected this long, a connection is restarted (a short blip often heals by itself). */
const DISCONNECTED_MS = 3_000;
/** Not connected this long after a restart (or the first offer), the connection is built again. */
const RESTART_MS = 10_000;
const FIRST_MS = 15_000;

/**
 * One RTCPeerConnection to one peer of the call. The offerer adds one audio and one video transceiver
 * at creation and makes every offer; the answerer attaches its tracks to the transceivers the offer
 * brings. Tracks are switched with `replaceTrack`, so nothing is renegotiated after the first offer.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly remote = new MediaStream();
  status: LinkStatus = 'connecting';
  private queued: RTCIceCandidateInit[] = [];
  private offerWanted = false;
  private everConnected = false;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private lastRecovery = 0;
  /** A restart is under way and has not connected yet: the next failure builds the connection again. */
  private recovering = false;
  private closed = false;

  constructor(
    readonly peerId: string,
    readonly offerer: boolean,
    private readonly host: LinkHost,
    /** ICE restarts and rebuilt connections to this peer so far (a rebuilt link carries the count on). */
    public restarts = 0,
    /** Made for an offer that has arrived (else an answerer asks for one). */
    fromOffer = false,
    /**
     * Replaces a connection that had carried media: shown as reconnecting, not as someone new
     * connecting, while it comes up.
     */
    private readonly resumed = false,
  ) {
    if (resumed) this.status = 'reconnecting';
    this.pc = new RTCPeerConnection(host.rtcConfig());
    this.pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) {
        const c = e.candidate.toJSON();
        this.host.signal(peerId, {
          kind: 'candidate',
          candidate: {
            candidate: c.candidate ?? '',
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
            usernameFragment: c.usernameFragment ?? null,
          },
        });
      }
    };
    this.pc.ontrack = (e) => {
      for (const t of this.remote.getTracks()) if (t.kind === e.track.kind) this.remote.removeTrack(t);
      this.remote.addTrack(e.track);
      this.host.changed();
    };
    this.pc.oniceconnectionstatechange = () => this.onIceState();
    this.pc.onconnectionstatechange = () => this.onIceState();
    if (offerer) {
      // The tracks go in with the transceivers, so the first offer already carries them: a track put in
      // later by replaceTrack started its video about two seconds late (docs/PERFORMANCE.md, The call).
      for (const kind of ['audio', 'video'] as const) {
        this.pc.addTransceiver(host.localTrack(kind) ?? kind, { direction: 'sendrecv' });
      }
      void this.offer(false);
    } else if (!fromOffer) {
      // Asks the offerer for an offer: if this tab is new (a reload), its connection to the tab it replaces is dead.
      this.host.signal(peerId, { kind: 'restart' });
    }
    this.arm(FIRST_MS);
  }

  /** Sends the current tracks (after a switch of microphone or camera, or a mute). */
  syncTracks(): Promise<void> {
    const switches: Promise<void>[] = [];
    for (const t of this.pc.getTransceivers()) {
      const kind = t.receiver.track.kind as 'audio' | 'video';
      const track = this.host.localTrack(kind);
      if (t.sender.track !== track && t.currentDirection !== 'stopped') {
        switches.push(t.sender.replaceTrack(track).catch(() => undefined));
      }
    }
    return Promise.all(switches).then(() => undefined);
  }

  async onSignal(s: CallSignal): Promise<void> {
    if (this.closed) return;
    try {
      if (s.kind === 'candidate') {
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(s.candidate).catch(() => undefined);
        else this.queued.push(s.candidate);
      } else if (s.kind === 'restart') {
        // Before the first connection the offer is on its way or answered: nothing to restart.
        if (this.offerer && this.everConnected) await this.recover();
      } else if (s.description.type === 'offer') {
        await this.onOffer(s);
      } else {
        await this.onAnswer(s);
      }
    } catch {
      // A description this connection cannot take: start again with a new one.
      if (!this.closed) this.host.rebuild(this.peerId);
    }
  }

  /** Whether this connection (or the one it replaced) was ever up. */
  hasCarriedMedia(): boolean {
    return this.everConnected || this.resumed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  private newTab(sdp: string): boolean {
    const held = fingerprintOf(this.pc.remoteDescription?.sdp);
    return held !== null && held !== fingerprintOf(sdp);
  }

  private async onOffer(s: Extract<CallSignal, { kind: 'description' }>): Promise<void> {
    if (this.offerer) return; // never happens between honest peers: the smaller id offers
    if (this.newTab(s.description.sdp)) {
      this.host.rebuild(this.peerId, s);
      return;
    }
    await this.pc.setRemoteDescription(s.description);
    for (const t of this.pc.getTransceivers()) {
      if (t.currentDirection === 'stopped') continue;
      if (t.direction !== 'sendrecv') t.direction = 'sendrecv';
    }
    // The answer is made once its tracks are in, as the offer is (see the constructor).
    await this.syncTracks();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.sendLocal();
    await this.flushCandidates();
  }

  private async onAnswer(s: Extract<CallSignal, { kind: 'description' }>): Promise<void> {
    if (!this.offerer || this.pc.signalingState !== 'have-local-offer') return;
    if (this.newTab(s.description.sdp)) {
      this.host.rebuild(this.peerId);
      return;
    }
    await this.pc.setRemoteDescription(s.description);
    await this.flushCandidates();
    if (this.offerWanted) await this.offer(true);
  }

  private async offer(iceRestart: boolean): Promise<void> {
    if (this.closed) return;
    if (this.pc.signalingState !== 'stable' && !(iceRestart && this.pc.signalingState === 'have-local-offer')) {
      // One offer at a time: the next goes when the answer to this one is in.
      this.offerWanted = true;
      return;
    }
    this.offerWanted = false;
    if (iceRestart) this.pc.restartIce();
    // An offer that was never answered (lost, or its answerer gone) is taken back, so the restart can go.
    if (iceRestart && this.pc.signalingState === 'have-local-offer') {
      await this.pc.setLocalDescription({ type: 'rollback' });
    }
    await this.pc.setLocalDescription(await this.pc.createOffer(iceRestart ? { iceRestart: true } : {}));
    this.sendLocal();
  }

  private sendLocal(): void {
    const d = this.pc.localDescription;
    if (d && (d.type === 'offer' || d.type === 'answer')) {
      this.host.signal(this.peerId, { kind: 'description', description: { type: d.type, sdp: d.sdp } });
    }
  }

  private async flushCandidates(): Promise<void> {
    const queued = this.queued;
    this.queued = [];
    for (const c of queued) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  private onIceState(): void {
    if (this.closed) return;
    const ice = this.pc.iceConnectionState;
    const conn = this.pc.connectionState;
    const before = this.status;
    if (conn === 'connected' && (ice === 'connected' || ice === 'completed')) {
      this.everConnected = true;
      this.recovering = false;
      this.status = 'connected';
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = null;
    } else if (conn === 'failed' || ice === 'failed') {
      this.status = 'failed';
      void this.recover();
    } else if (ice === 'disconnected' || conn === 'disconnected') {
      this.status = this.everConnected || this.resumed ? 'reconnecting' : 'connecting';
      if (!this.watchdog) this.arm(DISCONNECTED_MS, () => void this.recover());
    }
    if (before !== this.status) this.host.changed();
  }

  /**
   * ICE restart: the offerer refreshes its ICE servers and offers with new credentials; the answerer
   * asks the offerer to. If that does not connect within a while, the connection is built again.
   */
  private async recover(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.lastRecovery < 2_000) return;
    this.lastRecovery = now;
    if (this.status !== 'connected') this.status = this.everConnected || this.resumed ? 'reconnecting' : 'connecting';
    this.restarts += 1;
    this.host.changed();
    if (this.offerer) {
      if (this.recovering) {
        // Restarting ICE did not help (or the other side is a new tab): start again with a new connection.
        this.host.rebuild(this.peerId);
        return;
      }
      this.recovering = true;
      await this.host.refreshIce().catch(() => undefined);
      if (this.closed) return;
      try {
        this.pc.setConfiguration(this.host.rtcConfig());
      } catch {
        // Some fields cannot change on a live connection; the old servers still serve the restart.
      }
      await this.offer(true).catch(() => undefined);
    } else {
      this.host.signal(this.peerId, { kind: 'restart' });
    }
    this.arm(RESTART_MS);
  }

  /** After `ms`, if still not connected: `then`, by default building the connection again (the offerer). */
  private arm(ms: number, then?: () => void): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      if (this.closed || this.pc.connectionState === 'connected') return;
      if (then) then();
      else if (this.offerer) this.host.rebuild(this.peerId);
      else void this.recover();
    }, ms);
  }
}
