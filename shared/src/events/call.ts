import { z } from 'zod';
import { CaseRole } from '../roles';
import { CaseId, IsoDateTime, UserId } from '../ids';

/**
 * The room's call: WebRTC between the browsers of the people in it (a mesh; media never passes
 * through Accord), with Socket.IO carrying the signalling. The server decides who may connect to
 * whom (the caucus separates the excluded party from the mediator and the caucus party; removal and
 * the waiting room end a person's media) and forwards a signal only between two people who may.
 */

/**
 * A participant of the call, chosen by their browser tab when it joins and kept across reloads and
 * reconnections, so that a connection that survives a server restart keeps its peer. The server
 * binds it to the person who first used it; nobody else may take it.
 */
export const PeerId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16–64 letters, digits, - or _');
export type PeerId = z.infer<typeof PeerId>;

/** The largest session description accepted (a Chromium offer with audio and video is about 6 KB). */
export const MAX_SDP_CHARS = 24_000;
/** The largest ICE candidate line accepted. */
export const MAX_CANDIDATE_CHARS = 1024;

/** Whether a participant sends sound and picture: their own choice (a person listening sends neither). */
export const CallMedia = z.strictObject({ audio: z.boolean(), video: z.boolean() });
export type CallMedia = z.infer<typeof CallMedia>;

export const CallJoinPayload = z.strictObject({ peerId: PeerId, audio: z.boolean(), video: z.boolean() });
export type CallJoinPayload = z.infer<typeof CallJoinPayload>;

/** One ICE server as `RTCPeerConnection` takes it; TURN entries carry short-lived credentials. */
export const IceServer = z.object({
  urls: z.array(z.string().min(1).max(512)).min(1),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** How a browser reaches the others: the ICE servers, and whether only relayed paths may be used. */
export const IceConfig = z.object({
  iceServers: z.array(IceServer),
  iceTransportPolicy: z.enum(['all', 'relay']),
  /** When the TURN credentials stop working (null: none issued); ask `call:ice` again before then. */
  expiresAt: IsoDateTime.nullable(),
});
export type IceConfig = z.infer<typeof IceConfig>;

export const CallJoinResult = z.object({ peerId: PeerId, ice: IceConfig });
export type CallJoinResult = z.infer<typeof CallJoinResult>;

const SessionDescription = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1).max(MAX_SDP_CHARS),
});

const IceCandidate = z.strictObject({
  candidate: z.string().max(MAX_CANDIDATE_CHARS),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/*
 * What the peers tell each other. Of each pair, the peer with the smaller id makes every offer (the
 * first, and each ICE restart); the other answers, and asks for a restart with `restart` when its
 * side of the connection fails. Tracks are added once with the first offer and switched with
 * `replaceTrack`, so turning a microphone or camera on or off never renegotiates.
 */
const description = { kind: z.literal('description'), description: SessionDescription };
const candidate = { kind: z.literal('candidate'), candidate: IceCandidate };
const restart = { kind: z.literal('restart') };

/**
 * A signal to one peer. There is no sender field: the server names the sender from the connection
 * it came on, so a payload that claims one (`from`) is refused.
 */
export const CallSignalPayload = z.discriminatedUnion('kind', [
  z.strictObject({ to: PeerId, ...description }),
  z.strictObject({ to: PeerId, ...candidate }),
  z.strictObject({ to: PeerId, ...restart }),
]);
export type CallSignalPayload = z.infer<typeof CallSignalPayload>;

/** A signal as delivered: `from` is set by the server, never by the sender. */
export const CallSignal = z.discriminatedUnion('kind', [
  z.strictObject({ from: PeerId, ...description }),
  z.strictObject({ from: PeerId, ...candidate }),
  z.strictObject({ from: PeerId, ...restart }),
]);
export type CallSignal = z.infer<typeof CallSignal>;

/** Why a participant cannot be heard or seen by the viewer right now (null: they can). */
export const CallSeparation = z.enum([
  /** The mediator is in private session with one party: the other party is apart from both. */
  'caucus',
  /** Their connection dropped; they are expected back shortly. */
  'away',
]);
export type CallSeparation = z.infer<typeof CallSeparation>;

/** One participant of the call as a viewer sees them. */
export const CallPeer = z.object({
  peerId: PeerId,
  userId: UserId,
  displayName: z.string(),
  role: CaseRole,
  /** Their own choice to send sound and picture. */
  audio: z.boolean(),
  video: z.boolean(),
  /** Muted by the mediator: their sound reaches nobody, whatever they choose. */
  muted: z.boolean(),
  /** Connect to them now (null), or why not. */
  separated: CallSeparation.nullable(),
});
export type CallPeer = z.infer<typeof CallPeer>;

/**
 * The call as one connection sees it: sent to every admitted connection of the room whenever anyone
 * joins, leaves, turns media on or off, is muted or removed, or a caucus opens or closes. A connection
 * in the call connects to the peers listed with `separated: null`, keeps (but does not start) its
 * connection to a peer that is `away`, and closes its connection to any other peer at once.
 */
export const CallState = z.object({
  caseId: CaseId,
  /** This connection in the call, or null if it is not in it. */
  you: z
    .object({
      peerId: PeerId,
      audio: z.boolean(),
      video: z.boolean(),
      /** Muted by the mediator: the client sends no sound and says why. */
      muted: z.boolean(),
      /** May this person send sound or picture at all (an observer only listens). */
      maySend: z.boolean(),
    })
    .nullable(),
  /** Everyone else in the call, in the order they joined; the viewer's other tabs included. */
  peers: z.array(CallPeer),
  /** Nothing of the call is recorded, by Accord or anyone it controls. */
  recorded: z.literal(false),
});
export type CallState = z.infer<typeof CallState>;

/**
 * What a room page reports of its call on `window.__accordCall` (end-to-end tests and the benchmark read
 * it): one entry per open peer connection, from `RTCPeerConnection.getStats`.
 */
export const CallPeerStats = z.object({
  peerId: PeerId,
  userId: UserId,
  connectionState: z.enum(['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed']),
  /** The local candidate of the selected pair (`relay`: through the TURN server). */
  candidateType: z.enum(['host', 'srflx', 'prflx', 'relay']).nullable(),
  audioBytesIn: z.number(),
  videoBytesIn: z.number(),
  framesDecoded: z.number(),
  audioBytesOut: z.number(),
  videoBytesOut: z.number(),
  /** ICE restarts and rebuilt connections to this peer so far. */
  restarts: z.number(),
});
export type CallPeerStats = z.infer<typeof CallPeerStats>;

/** `window.__accordCall`, present on every room page. */
export interface CallProbe {
  stats(): Promise<CallPeerStats[]>;
  state(): { inCall: boolean; peerId: string | null };
}
