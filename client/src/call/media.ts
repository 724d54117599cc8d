/** Why the camera or microphone could not be opened, as the page explains it. */
export type MediaProblem = 'denied' | 'noDevice' | 'busy' | 'unsupported' | 'other';

export interface MediaWish {
  audio: boolean;
  video: boolean;
  micId?: string | null;
  cameraId?: string | null;
}

export class MediaError extends Error {
  constructor(readonly problem: MediaProblem) {
    super(problem);
  }
}

export function problemOf(err: unknown): MediaProblem {
  if (err instanceof MediaError) return err.problem;
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'noDevice';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'other';
}

const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

/** Opens the microphone and/or camera; a device chosen earlier that is gone falls back to the default one. */
export async function openMedia(wish: MediaWish): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MediaError('unsupported');
  const constraints = (exact: boolean): MediaStreamConstraints => ({
    audio: wish.audio
      ? {
          echoCancellation: true,
          noiseSuppression: true,
          ...(exact && wish.micId ? { deviceId: { exact: wish.micId } } : {}),
        }
      : false,
    video: wish.video ? { ...VIDEO, ...(exact && wish.cameraId ? { deviceId: { exact: wish.cameraId } } : {}) } : false,
  });
  try {
    return await navigator.mediaDevices.getUserMedia(constraints(true));
  } catch (err) {
    if (problemOf(err) === 'noDevice' && (wish.micId || wish.cameraId)) {
      return navigator.mediaDevices.getUserMedia(constraints(false));
    }
    throw err;
  }
}

export function stopStream(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

export interface Devices {
  mics: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
}

export async function listDevices(): Promise<Devices> {
  if (!navigator.mediaDevices?.enumerateDevices) return { mics: [], cameras: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    mics: all.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
    cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId !== ''),
  };
}

/** The RMS level (0–1) of a microphone track, read from an AnalyserNode; for the speaking ring of your own tile. */
export class LocalLevel {
  private ctx: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private buf: Float32Array<ArrayBuffer> | null = null;
  private track: MediaStreamTrack | null = null;

  set(track: MediaStreamTrack | null): void {
    if (track === this.track) return;
    this.source?.disconnect();
    this.source = null;
    this.track = track;
    if (!track || typeof AudioContext === 'undefined') return;
    this.ctx ??= new AudioContext();
    this.analyser ??= this.ctx.createAnalyser();
    this.analyser.fftSize = 512;
    this.buf = new Float32Array(this.analyser.fftSize);
    this.source = this.ctx.createMediaStreamSource(new MediaStream([track]));
    this.source.connect(this.analyser);
  }

  /** Null when it cannot be measured here (no audio context, or the browser holds it until a click). */
  level(): number | null {
    if (!this.analyser || !this.buf || !this.source || !this.ctx) return null;
    if (this.ctx.state === 'suspended') {
      void this.ctx.resume().catch(() => undefined);
      return null;
    }
    this.analyser.getFloatTimeDomainData(this.buf);
    let sum = 0;
    for (const v of this.buf) sum += v * v;
    return Math.sqrt(sum / this.buf.length);
  }

  close(): void {
    this.set(null);
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.analyser = null;
  }
}
