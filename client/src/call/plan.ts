import type { CallPeer, CallState } from '@accord/shared';

/** Of each pair, the peer with the smaller id makes every offer (the first and each ICE restart). */
export const isOfferer = (me: string, other: string): boolean => me < other;

export type LinkAction = { type: 'open'; peerId: string; offerer: boolean } | { type: 'close'; peerId: string };

/**
 * What to do with this tab's connections on a new `call:state`: connect to every peer that may be
 * reached now; keep a connection to a peer that is `away` (it comes back with the same id); close at
 * once one to a peer that a private session separates or that left. Until `graceUntil` (this tab has
 * just reconnected to a restarted server, whose roster is filling again) a connection to a peer not
 * listed yet is kept, so a server restart does not cut the media.
 */
export function planLinks(
  state: Pick<CallState, 'you' | 'peers'>,
  me: string,
  open: ReadonlySet<string>,
  graceUntil: number,
  now: number,
): LinkAction[] {
  const actions: LinkAction[] = [];
  const peers = new Map<string, CallPeer>();
  for (const p of state.peers) if (p.peerId !== me) peers.set(p.peerId, p);
  // Not in the call (yet): a rejoin is on its way; signals would be refused, so nothing new opens.
  if (state.you !== null) {
    for (const p of peers.values()) {
      if (p.separated === null && !open.has(p.peerId)) {
        actions.push({ type: 'open', peerId: p.peerId, offerer: isOfferer(me, p.peerId) });
      }
    }
  }
  for (const id of open) {
    const p = peers.get(id);
    if (p ? p.separated === 'caucus' : now >= graceUntil) actions.push({ type: 'close', peerId: id });
  }
  return actions;
}

/** The `a=fingerprint` of a description: a new one from the same peer id means a new tab (a reload). */
export function fingerprintOf(sdp: string | undefined): string | null {
  if (!sdp) return null;
  const m = /^a=fingerprint:(.+)$/m.exec(sdp);
  return m?.[1]?.trim() ?? null;
}

/**
 * Whether someone is speaking, from an audio level (0–1) sampled a few times a second: a little
 * hysteresis, so a voice does not flicker between words.
 */
export class SpeakingGate {
  private on = false;
  private quietSince = 0;
  constructor(
    private readonly onLevel = 0.04,
    private readonly offLevel = 0.015,
    private readonly holdMs = 700,
  ) {}

  update(level: number, now: number): boolean {
    if (level >= this.onLevel) {
      this.on = true;
      this.quietSince = 0;
    } else if (this.on && level < this.offLevel) {
      if (this.quietSince === 0) this.quietSince = now;
      else if (now - this.quietSince >= this.holdMs) this.on = false;
    } else if (this.on) {
      this.quietSince = 0;
    }
    return this.on;
  }
}

export interface SpeakerCandidate {
  id: string;
  speaking: boolean;
  video: boolean;
}

/**
 * The large tile on a narrow screen: whoever is speaking (the one already large keeps it while they
 * speak, so two voices do not make it jump), else the last one large while still there, else the
 * first with a picture, else the first.
 */
export function chooseSpeaker(candidates: readonly SpeakerCandidate[], current: string | null): string | null {
  const held = current === null ? undefined : candidates.find((c) => c.id === current);
  if (held?.speaking) return held.id;
  const speaking = candidates.find((c) => c.speaking);
  if (speaking) return speaking.id;
  if (held) return held.id;
  return (candidates.find((c) => c.video) ?? candidates[0])?.id ?? null;
}
