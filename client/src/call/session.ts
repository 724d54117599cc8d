/** What a tab remembers of its place in the call, so a reload or reconnection rejoins as the same peer. */
export interface StoredCall {
  peerId: string;
  audio: boolean;
  video: boolean;
  micId: string | null;
  cameraId: string | null;
}

const key = (caseId: string) => `accord.call.${caseId}`;
/**
 * A place older than this is not taken back by itself: the camera and microphone open only when the
 * person chooses, and coming back to the room much later is a new choice (a reload takes seconds).
 */
export const STORED_FOR_MS = 120_000;

/** 16 random bytes as base64url: 22 characters, as the contract's peer id wants (16–64 of [A-Za-z0-9_-]). */
export function newPeerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function loadCall(caseId: string, now = Date.now()): StoredCall | null {
  try {
    const raw = sessionStorage.getItem(key(caseId));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<StoredCall> & { at?: unknown };
    if (typeof v.peerId !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(v.peerId)) return null;
    if (typeof v.at !== 'number' || now - v.at > STORED_FOR_MS) return null;
    return {
      peerId: v.peerId,
      audio: v.audio === true,
      video: v.video === true,
      micId: typeof v.micId === 'string' ? v.micId : null,
      cameraId: typeof v.cameraId === 'string' ? v.cameraId : null,
    };
  } catch {
    return null;
  }
}

export function saveCall(caseId: string, call: StoredCall | null): void {
  try {
    if (call) sessionStorage.setItem(key(caseId), JSON.stringify({ ...call, at: Date.now() }));
    else sessionStorage.removeItem(key(caseId));
  } catch {
    // Storage refused (private mode, full): a reload then simply does not rejoin by itself.
  }
}
