import type { CallPeerStats } from '@accord/shared';
import type { PeerLink } from './PeerLink';

/** One open connection as `window.__accordCall.stats()` reports it (the contract: `CallPeerStats` in shared). */
export type PeerStats = CallPeerStats;

type Entry = Record<string, unknown> & { type: string; id: string };
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);

export async function collectStats(link: PeerLink, userId: string): Promise<PeerStats> {
  const out: PeerStats = {
    peerId: link.peerId,
    userId,
    connectionState: link.pc.connectionState,
    candidateType: null,
    audioBytesIn: 0,
    videoBytesIn: 0,
    framesDecoded: 0,
    audioBytesOut: 0,
    videoBytesOut: 0,
    restarts: link.restarts,
  };
  let report: RTCStatsReport;
  try {
    report = await link.pc.getStats();
  } catch {
    return out; // closed meanwhile
  }
  const entries = new Map<string, Entry>();
  report.forEach((v: Entry) => entries.set(v.id, v));
  let pairId: string | null = null;
  for (const s of entries.values()) {
    if (s.type === 'inbound-rtp') {
      if (s.kind === 'audio') out.audioBytesIn += num(s.bytesReceived);
      if (s.kind === 'video') {
        out.videoBytesIn += num(s.bytesReceived);
        out.framesDecoded += num(s.framesDecoded);
      }
    } else if (s.type === 'outbound-rtp') {
      if (s.kind === 'audio') out.audioBytesOut += num(s.bytesSent);
      if (s.kind === 'video') out.videoBytesOut += num(s.bytesSent);
    } else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      pairId = s.selectedCandidatePairId;
    }
  }
  // Without a transport's pointer (older engines), the nominated pair that succeeded is the one in use.
  const pair =
    (pairId ? entries.get(pairId) : undefined) ??
    [...entries.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  const local = pair && typeof pair.localCandidateId === 'string' ? entries.get(pair.localCandidateId) : undefined;
  const type = local?.candidateType;
  if (typeof type === 'string' && CANDIDATE_TYPES.has(type)) out.candidateType = type as PeerStats['candidateType'];
  return out;
}
