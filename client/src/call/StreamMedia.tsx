import { useEffect, useRef } from 'react';

/** A picture from a stream; always muted (the sound plays through `StreamAudio`, which may be held back on its own). */
export function StreamVideo({
  stream,
  tracks,
  mirror,
  testId,
  label,
}: {
  stream: MediaStream | null;
  /** Changes when a track is added, so the element picks it up. */
  tracks: number;
  mirror?: boolean;
  testId?: string;
  label?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream, tracks]);
  return (
    <video
      ref={ref}
      className={mirror ? 'mirror' : undefined}
      data-testid={testId}
      aria-label={label}
      autoPlay
      playsInline
      muted
    />
  );
}

/** The sound of one peer; `silent` when it must not be heard (muted by the mediator). */
export function StreamAudio({
  stream,
  tracks,
  silent,
  onBlocked,
}: {
  stream: MediaStream;
  tracks: number;
  silent: boolean;
  /** The browser refused to play sound before the person interacted with the page. */
  onBlocked: () => void;
}) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    el.muted = silent;
    el.play().catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'NotAllowedError') onBlocked();
    });
  }, [stream, tracks, silent, onBlocked]);
  return <audio ref={ref} autoPlay />;
}
