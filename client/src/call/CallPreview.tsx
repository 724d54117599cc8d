import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JoinChoice } from './CallClient';
import { listDevices, openMedia, problemOf, stopStream, type Devices, type MediaProblem } from './media';
import { StreamVideo } from './StreamMedia';

/**
 * Before joining: the camera and microphone are opened only now (the person asked to join), so they can
 * pick their devices and see themselves; then three ways in. A refusal or a missing device is explained,
 * and listening stays possible. Whatever is not handed to the call is stopped.
 */
export function CallPreview({
  maySend,
  onJoin,
  onCancel,
}: {
  maySend: boolean;
  onJoin: (choice: JoinChoice, stream: MediaStream | null) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [opening, setOpening] = useState(maySend);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [devices, setDevices] = useState<Devices>({ mics: [], cameras: [] });
  const [micId, setMicId] = useState<string | null>(null);
  const [cameraId, setCameraId] = useState<string | null>(null);
  // The stream held now, for the cleanup (which must not see a stale one); null once handed to the call.
  const held = useRef<MediaStream | null>(null);

  const adopt = (next: MediaStream | null) => {
    if (held.current && held.current !== next) stopStream(held.current);
    held.current = next;
    setStream(next);
    setMicId(next?.getAudioTracks()[0]?.getSettings().deviceId ?? null);
    setCameraId(next?.getVideoTracks()[0]?.getSettings().deviceId ?? null);
  };

  const reopen = (wish: { micId?: string | null; cameraId?: string | null }) => {
    setOpening(true);
    void open(wish);
  };

  const open = async (wish: { micId?: string | null; cameraId?: string | null }) => {
    try {
      let next: MediaStream;
      try {
        next = await openMedia({ audio: true, video: true, ...wish });
      } catch (err) {
        // No camera (or it is busy) but perhaps a microphone: still a way in with sound.
        if (problemOf(err) === 'denied') throw err;
        next = await openMedia({ audio: true, video: false, ...wish });
      }
      adopt(next);
      setProblem(null);
    } catch (err) {
      adopt(null);
      setProblem(problemOf(err));
    } finally {
      setOpening(false);
    }
    // Device names are given only once permission is.
    setDevices(await listDevices().catch(() => ({ mics: [], cameras: [] })));
  };

  useEffect(() => {
    if (maySend) void open({});
    return () => {
      stopStream(held.current);
      held.current = null;
    };
    // Opened once, when the preview appears (the person's click); device changes reopen through `open`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const join = (audio: boolean, video: boolean) => {
    const s = held.current;
    let handed: MediaStream | null = null;
    if (s && (audio || video)) {
      for (const track of s.getTracks()) {
        if ((track.kind === 'audio' && !audio) || (track.kind === 'video' && !video)) {
          track.stop();
          s.removeTrack(track);
        }
      }
      handed = s;
    } else stopStream(s);
    held.current = null;
    onJoin({ audio, video, micId, cameraId }, handed);
  };

  const hasAudio = (stream?.getAudioTracks().length ?? 0) > 0;
  const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
  const label = (d: MediaDeviceInfo, i: number) => d.label || t('call.preview.device', { number: i + 1 });

  return (
    <div className="call-preview" data-testid="call-preview" role="group" aria-labelledby="call-preview-title">
      <h3 id="call-preview-title">{t('call.preview.title')}</h3>
      {maySend ? (
        <>
          <p className="muted">{t('call.preview.hint')}</p>
          <div className="call-preview-body">
            <div className="call-preview-view">
              <StreamVideo
                stream={stream}
                tracks={stream?.getTracks().length ?? 0}
                mirror
                testId="call-preview-video"
                label={t('call.preview.selfView')}
              />
              {opening && <p className="muted">{t('call.preview.opening')}</p>}
            </div>
            <div className="call-preview-devices">
              <label>
                {t('call.preview.mic')}
                <select
                  data-testid="call-mic-select"
                  value={micId ?? ''}
                  disabled={opening || devices.mics.length === 0}
                  onChange={(e) => reopen({ micId: e.target.value, cameraId })}
                >
                  {devices.mics.map((d, i) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {label(d, i)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('call.preview.camera')}
                <select
                  data-testid="call-camera-select"
                  value={cameraId ?? ''}
                  disabled={opening || devices.cameras.length === 0}
                  onChange={(e) => reopen({ micId, cameraId: e.target.value })}
                >
                  {devices.cameras.map((d, i) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {label(d, i)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </div>
          {problem && (
            <p className="error" role="alert" data-testid="call-media-problem" data-problem={problem}>
              {t(`call.problems.${problem}`)}
            </p>
          )}
          <div className="call-join-choices">
            <button
              type="button"
              data-testid="call-join-video"
              disabled={opening || !hasVideo}
              onClick={() => join(hasAudio, true)}
            >
              {t('call.preview.joinVideo')}
            </button>
            <button
              type="button"
              data-testid="call-join-audio"
              disabled={opening || !hasAudio}
              onClick={() => join(true, false)}
            >
              {t('call.preview.joinAudio')}
            </button>
            <button type="button" data-testid="call-join-listen" onClick={() => join(false, false)}>
              {t('call.preview.joinListen')}
            </button>
          </div>
          <p className="muted">{t('call.preview.weakNetwork')}</p>
        </>
      ) : (
        <>
          <p className="muted">{t('call.observerOnly')}</p>
          <div className="call-join-choices">
            <button type="button" data-testid="call-join-listen" onClick={() => join(false, false)}>
              {t('call.preview.joinListen')}
            </button>
          </div>
        </>
      )}
      <button
        type="button"
        className="secondary"
        data-testid="call-preview-cancel"
        onClick={() => {
          stopStream(held.current);
          held.current = null;
          onCancel();
        }}
      >
        {t('call.preview.cancel')}
      </button>
    </div>
  );
}
