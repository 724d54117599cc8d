import type { CallPeer, CallSignal, CallState, IceConfig } from '@accord/shared';
import type { AckOf, PayloadOf, RoomSocket, SocketAttachment } from '../room/RoomClient';
import { LocalLevel, openMedia, problemOf, stopStream, type MediaProblem } from './media';
import { PeerLink, type LinkHost, type LinkStatus, type SignalBody } from './PeerLink';
import { SpeakingGate, chooseSpeaker, planLinks } from './plan';
import { loadCall, newPeerId, saveCall, type StoredCall } from './session';
import { collectStats, type PeerStats } from './stats';

type CallEvent = 'call:join' | 'call:leave' | 'call:media' | 'call:ice' | 'call:signal';

const ACK_TIMEOUT_MS = 10_000;
/** How long after this tab's own reconnection connections to peers not (yet) listed are kept. */
const GRACE_MS = 15_000;
const SPEAKING_POLL_MS = 250;
const JOIN_RETRY_MS = 2_000;
const TRANSIENT = new Set<string>(['INTERNAL', 'STORE_FAILED', 'RATE_LIMITED']);
export const SELF = 'self';

/** One connection as the tiles show it. */
export interface LinkView {
  status: LinkStatus;
  stream: MediaStream;
  /** Changes whenever a track arrives, so a tile re-attaches its stream. */
  tracks: number;
}

export interface CallView {
  inCall: boolean;
  /** A join (or an automatic rejoin after a reload) is on its way. */
  joining: boolean;
  peerId: string | null;
  /** The latest view of the call from the server (who is in it), in or out of it. */
  state: CallState | null;
  /** The peers shown: the server's list, and peers kept while the server's roster refills after its restart. */
  peers: CallPeer[];
  local: MediaStream | null;
  mic: boolean;
  camera: boolean;
  links: ReadonlyMap<string, LinkView>;
  /** Peer ids speaking now (`self` for this tab). */
  speaking: ReadonlySet<string>;
  /** The peer shown large on a narrow screen: the active speaker (see `chooseSpeaker`). */
  large: string | null;
  /** What went wrong last: a refusal by the server, or a device that could not be opened. */
  problem: { kind: 'server'; error: unknown } | { kind: 'media'; problem: MediaProblem } | null;
}

export interface JoinChoice {
  audio: boolean;
  video: boolean;
  micId: string | null;
  cameraId: string | null;
}

/**
 * This tab's part in the room's call, without React: joins and leaves, keeps one RTCPeerConnection per
 * peer it may reach (a mesh; see plan.ts for which), switches tracks, rejoins after every readmission
 * (reconnection, server restart, reload) with the same peer id, and tells who is speaking.
 */
export class CallClient implements LinkHost {
  private view: CallView = {
    inCall: false,
    joining: false,
    peerId: null,
    state: null,
    peers: [],
    local: null,
    mic: false,
    camera: false,
    links: new Map(),
    speaking: new Set(),
    large: null,
    problem: null,
  };
  private readonly listeners = new Set<() => void>();
  private socket: RoomSocket | null = null;
  private readonly links = new Map<string, PeerLink>();
  private readonly known = new Map<string, CallPeer>();
  private readonly gates = new Map<string, SpeakingGate>();
  private readonly level = new LocalLevel();
  private stored: StoredCall | null;
  private ice: IceConfig | null = null;
  private iceTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private graceUntil = 0;
  private welcomed = false;
  private autoTried = false;
  private detach: (() => void) | null = null;
  /** Signals that came while this tab's join was on its way: handled once it is in (with its ICE servers). */
  private early: CallSignal[] = [];
  private destroyed = false;
  private polling = false;
  private savedAt = 0;

  /** May this person send sound or picture (an observer only listens); from their role, then from the server. */
  private maySend = true;

  constructor(private readonly caseId: string) {
    this.stored = loadCall(caseId);
  }

  setMaySend(maySend: boolean): void {
    this.maySend = maySend;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): CallView => this.view;

  /** Rides on the room's socket (RoomClient.attach); returns the teardown. */
  start(attach: (a: SocketAttachment) => () => void): () => void {
    this.destroyed = false;
    this.detach = attach({ socket: (s) => this.onSocket(s), welcome: () => this.onWelcome() });
    this.pollTimer = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      void this.pollSpeaking()
        .catch(() => undefined) // a connection closed meanwhile: the next round reads the rest
        .finally(() => (this.polling = false));
    }, SPEAKING_POLL_MS);
    return () => this.destroy();
  }

  /** Joins with the tracks the preview opened (null: listening only). */
  async join(choice: JoinChoice, stream: MediaStream | null): Promise<void> {
    const peerId = this.stored?.peerId ?? newPeerId();
    this.stored = { peerId, ...choice };
    this.save();
    this.watchEnded(stream);
    this.set({ local: stream, joining: true, peerId, problem: null, ...this.trackFlags(stream) });
    await this.sendJoin();
  }

  async leave(): Promise<void> {
    const wasIn = this.view.inCall || this.view.joining;
    this.hangUp();
    if (wasIn) await this.request('call:leave', {}).catch(() => undefined);
  }

  /** Ends this tab's media at once, without telling the server (removed from the room, or the page closes). */
  hangUp(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    stopStream(this.view.local);
    this.level.set(null);
    this.stored = null;
    this.early = [];
    saveCall(this.caseId, null);
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.iceTimer = null;
    this.set({
      inCall: false,
      joining: false,
      peerId: null,
      local: null,
      mic: false,
      camera: false,
      speaking: new Set(),
    });
    this.publishLinks();
  }

  /** Turns the microphone or camera on (opening it now if it was not) or off (stopping it: its light goes off). */
  async setSending(kind: 'audio' | 'video', on: boolean): Promise<void> {
    if (!this.view.inCall || !this.maySend) return;
    const local = this.view.local ?? new MediaStream();
    const held = kind === 'audio' ? local.getAudioTracks() : local.getVideoTracks();
    if (on && held.length === 0) {
      try {
        const got = await openMedia({
          audio: kind === 'audio',
          video: kind === 'video',
          micId: this.stored?.micId ?? null,
          cameraId: this.stored?.cameraId ?? null,
        });
        got.getTracks().forEach((t) => local.addTrack(t));
      } catch (err) {
        this.set({ problem: { kind: 'media', problem: problemOf(err) } });
        return;
      }
    } else if (!on) {
      held.forEach((t) => {
        t.stop();
        local.removeTrack(t);
      });
    }
    const flags = this.trackFlags(local);
    this.watchEnded(local);
    this.set({ local, ...flags, problem: null });
    if (this.stored) {
      this.stored = { ...this.stored, audio: flags.mic, video: flags.camera };
      this.save();
    }
    this.links.forEach((l) => void l.syncTracks());
    const res = await this.request('call:media', { audio: flags.mic, video: flags.camera }).catch(() => null);
    if (res && !res.ok) this.set({ problem: { kind: 'server', error: res.error } });
  }

  stats(): Promise<PeerStats[]> {
    return Promise.all([...this.links.values()].map((l) => collectStats(l, this.known.get(l.peerId)?.userId ?? '')));
  }

  // LinkHost

  signal(to: string, body: SignalBody): void {
    void this.request('call:signal', { to, ...body } as PayloadOf<'call:signal'>).catch(() => undefined);
  }

  localTrack(kind: 'audio' | 'video'): MediaStreamTrack | null {
    const local = this.view.local;
    if (!local || !this.maySend) return null;
    if (kind === 'audio') {
      // Muted by the mediator: no sound leaves this tab at all (not merely a silent track).
      if (this.view.state?.you?.muted) return null;
      return local.getAudioTracks()[0] ?? null;
    }
    return local.getVideoTracks()[0] ?? null;
  }

  rtcConfig(): RTCConfiguration {
    return {
      iceServers: this.ice?.iceServers ?? [],
      iceTransportPolicy: this.ice?.iceTransportPolicy ?? 'all',
    };
  }

  async refreshIce(): Promise<void> {
    const res = await this.request('call:ice', {});
    if (res.ok) this.setIce(res.data);
  }

  rebuild(peerId: string, pending?: CallSignal): void {
    const old = this.links.get(peerId);
    if (!old || this.destroyed) return;
    old.close();
    const link = new PeerLink(
      peerId,
      old.offerer,
      this,
      old.restarts + 1,
      pending !== undefined,
      old.hasCarriedMedia(),
    );
    this.links.set(peerId, link);
    if (pending) void link.onSignal(pending);
    this.publishLinks();
  }

  changed(): void {
    this.publishLinks();
  }

  private destroy(): void {
    this.destroyed = true;
    // The page goes away (a reload included): the media stops, but the place in the call is kept for the rejoin.
    const stored = this.stored;
    this.hangUp();
    if (stored) saveCall(this.caseId, stored);
    this.detach?.();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.level.close();
    this.listeners.clear();
  }

  /** A device unplugged, or its permission withdrawn: the others see it off, as if turned off here. */
  private watchEnded(stream: MediaStream | null): void {
    for (const track of stream?.getTracks() ?? []) {
      track.onended = () => {
        if (this.view.local?.getTracks().includes(track)) void this.setSending(track.kind as 'audio' | 'video', false);
      };
    }
  }

  private save(): void {
    this.savedAt = Date.now();
    saveCall(this.caseId, this.stored);
  }

  private set(patch: Partial<CallView>): void {
    const next = { ...this.view, ...patch };
    const candidates = next.peers
      .filter((p) => p.separated === null && next.links.has(p.peerId))
      .map((p) => ({ id: p.peerId, speaking: next.speaking.has(p.peerId), video: p.video }));
    next.large = chooseSpeaker(candidates, this.view.large);
    this.view = next;
    this.listeners.forEach((l) => l());
  }

  private trackFlags(stream: MediaStream | null): { mic: boolean; camera: boolean } {
    return {
      mic: this.maySend && (stream?.getAudioTracks().length ?? 0) > 0,
      camera: this.maySend && (stream?.getVideoTracks().length ?? 0) > 0,
    };
  }

  private request<K extends CallEvent>(event: K, payload: PayloadOf<K>): Promise<AckOf<K>> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.reject(new Error('not connected'));
    // Socket.IO's types lose the ack type under `timeout()`; the contract restores it.
    const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emitWithAck(e: K, p: PayloadOf<K>): Promise<AckOf<K>>;
    };
    return timed.emitWithAck(event, payload);
  }

  private onSocket(socket: RoomSocket): void {
    this.socket = socket;
    this.welcomed = false;
    socket.on('call:state', (s) => this.onState(s));
    socket.on('call:signal', (s) => this.onSignal(s));
  }

  private onWelcome(): void {
    const again = this.welcomed;
    this.welcomed = true;
    if (this.view.inCall || this.view.joining) {
      // Readmitted (a reconnection, a server restart): the roster may be refilling; keep the media meanwhile.
      if (again || this.view.inCall) this.graceUntil = Date.now() + GRACE_MS;
      void this.sendJoin();
    } else if (this.stored && !this.autoTried) {
      this.autoTried = true;
      void this.autoRejoin(this.stored);
    }
  }

  /** After a reload: back into the call as before, without the preview; listening only if the devices fail. */
  private async autoRejoin(stored: StoredCall): Promise<void> {
    this.set({ joining: true, peerId: stored.peerId });
    let stream: MediaStream | null = null;
    const audio = stored.audio && this.maySend;
    const video = stored.video && this.maySend;
    if (audio || video) {
      try {
        stream = await openMedia({ audio, video, micId: stored.micId, cameraId: stored.cameraId });
      } catch (err) {
        this.set({ problem: { kind: 'media', problem: problemOf(err) } });
      }
    }
    if (this.destroyed) {
      stopStream(stream);
      return;
    }
    await this.join({ ...stored, audio, video }, stream);
  }

  private async sendJoin(): Promise<void> {
    const peerId = this.view.peerId;
    if (!peerId || !this.socket?.connected) return; // the next welcome sends it
    const { mic, camera } = this.view;
    const retry = () =>
      setTimeout(() => {
        if (this.view.peerId === peerId && !this.destroyed) void this.sendJoin();
      }, JOIN_RETRY_MS);
    let res: AckOf<'call:join'>;
    try {
      res = await this.request('call:join', { peerId, audio: mic, video: camera });
    } catch {
      // No answer in time: again while connected (a slow server); else the next welcome rejoins.
      if (this.socket?.connected) retry();
      return;
    }
    if (this.view.peerId !== peerId) return; // left meanwhile
    if (!res.ok) {
      // A refusal ends the attempt; a passing trouble (the store, a rate limit) is waited out.
      if (TRANSIENT.has(res.error.code)) retry();
      else {
        this.hangUp();
        this.set({ problem: { kind: 'server', error: res.error } });
      }
      return;
    }
    this.setIce(res.data.ice);
    this.set({ inCall: true, joining: false });
    if (this.view.state) this.onState(this.view.state);
    const early = this.early;
    this.early = [];
    early.forEach((s) => this.onSignal(s));
  }

  private setIce(ice: IceConfig): void {
    this.ice = ice;
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.iceTimer = null;
    for (const link of this.links.values()) {
      try {
        link.pc.setConfiguration(this.rtcConfig());
      } catch {
        // A live connection may refuse some changes; the new servers serve its next restart.
      }
    }
    if (ice.expiresAt === null) return;
    const left = Date.parse(ice.expiresAt) - Date.now();
    // Fresh TURN credentials well before these run out (a tenth of their life, at most 5 minutes, early).
    const early = Math.min(300_000, Math.max(5_000, left / 10));
    this.iceTimer = setTimeout(() => void this.refreshIce().catch(() => undefined), Math.max(1_000, left - early));
  }

  private onState(state: CallState): void {
    if (state.caseId !== this.caseId) return;
    const wasMuted = this.view.state?.you?.muted ?? false;
    for (const p of state.peers) this.known.set(p.peerId, p);
    if (state.you) this.maySend = state.you.maySend;
    this.set({ state });
    const me = this.view.peerId;
    if (this.view.inCall && me) {
      for (const a of planLinks(state, me, new Set(this.links.keys()), this.graceUntil, Date.now())) {
        if (a.type === 'open') this.links.set(a.peerId, new PeerLink(a.peerId, a.offerer, this));
        else {
          this.links.get(a.peerId)?.close();
          this.links.delete(a.peerId);
        }
      }
      if ((state.you?.muted ?? false) !== wasMuted) this.links.forEach((l) => void l.syncTracks());
    }
    this.publishLinks();
  }

  private onSignal(s: CallSignal): void {
    if (s.from === this.view.peerId) return;
    if (!this.view.inCall) {
      if (this.view.joining && this.early.length < 200) this.early.push(s);
      return;
    }
    let link = this.links.get(s.from);
    if (!link) {
      // An offer before the state that lists its sender: the server forwards only between peers that may connect.
      if (s.kind !== 'description' || s.description.type !== 'offer') return;
      link = new PeerLink(s.from, false, this, 0, true);
      this.links.set(s.from, link);
      this.publishLinks();
    }
    void link.onSignal(s);
  }

  private publishLinks(): void {
    const links = new Map<string, LinkView>();
    for (const [id, l] of this.links) {
      links.set(id, { status: l.status, stream: l.remote, tracks: l.remote.getTracks().length });
    }
    const listed = this.view.state?.peers.filter((p) => p.peerId !== this.view.peerId) ?? [];
    const kept = [...this.links.keys()]
      .filter((id) => !listed.some((p) => p.peerId === id))
      .map((id) => this.known.get(id))
      .filter((p): p is CallPeer => p !== undefined);
    this.set({ links, peers: [...listed, ...kept] });
  }

  /** The level of the sound sent, from the statistics of a connection (when no audio context may run). */
  private async sentLevel(): Promise<number> {
    const link = this.links.values().next().value;
    if (!link) return 0;
    let level = 0;
    const report = await link.pc.getStats(link.pc.getSenders().find((s) => s.track?.kind === 'audio')?.track ?? null);
    report.forEach((s: { type: string; kind?: string; audioLevel?: number }) => {
      if (s.type === 'media-source' && s.kind === 'audio') level = Math.max(level, s.audioLevel ?? 0);
    });
    return level;
  }

  /** Per peer: the received audio energy and duration at the last poll. */
  private readonly energy = new Map<string, { energy: number; duration: number }>();

  /**
   * The loudness of what came from a peer since the last poll: the RMS level over the interval, from the
   * inbound audio's total energy and duration (a point sample of the last packet's level misses short
   * sounds, and polls come seldom in a page the browser throttles).
   */
  private async receivedLevel(id: string, link: PeerLink): Promise<number> {
    let energy = 0;
    let duration = 0;
    (await link.pc.getStats()).forEach(
      (r: { type: string; kind?: string; totalAudioEnergy?: number; totalSamplesDuration?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          energy += r.totalAudioEnergy ?? 0;
          duration += r.totalSamplesDuration ?? 0;
        }
      },
    );
    const before = this.energy.get(id);
    this.energy.set(id, { energy, duration });
    if (!before || duration <= before.duration || energy < before.energy) return 0;
    return Math.sqrt((energy - before.energy) / (duration - before.duration));
  }

  private async pollSpeaking(): Promise<void> {
    const now = Date.now();
    // Still here: the place in the call stays fresh for a reload (see STORED_FOR_MS).
    if (this.view.inCall && this.stored && now - this.savedAt > 10_000) this.save();
    const speaking = new Set<string>();
    const gate = (id: string) => {
      let g = this.gates.get(id);
      if (!g) this.gates.set(id, (g = new SpeakingGate()));
      return g;
    };
    const mine = this.localTrack('audio');
    this.level.set(this.view.inCall ? mine : null);
    if (gate(SELF).update(mine ? (this.level.level() ?? (await this.sentLevel())) : 0, now)) speaking.add(SELF);
    for (const [id, link] of this.links) {
      const peer = this.known.get(id);
      const level = peer && !peer.muted && peer.audio ? await this.receivedLevel(id, link) : 0;
      if (gate(id).update(level, now)) speaking.add(id);
    }
    for (const id of this.energy.keys()) if (!this.links.has(id)) this.energy.delete(id);
    const prev = this.view.speaking;
    if (prev.size !== speaking.size || [...speaking].some((id) => !prev.has(id))) this.set({ speaking });
  }
}
