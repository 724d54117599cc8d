import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallPeer, CaseRole } from '@accord/shared';
import { errorMessage } from '../app/errors';
import { CallPreview } from './CallPreview';
import { CallTile } from './CallTile';
import { Icon } from './icons';
import { apartTextFor, tilesFor } from './tiles';
import type { CallApi } from './useCall';

/**
 * The room's call at the top of the room: who is in it (for everyone admitted, in it or not), the
 * preview and the ways in, the tiles (one large speaker and a strip on a phone, a grid on a desktop)
 * and the controls. Nothing of the call is recorded, and the panel says so.
 */
export function CallPanel({
  call,
  me,
  myName,
  myRole,
  caucus,
}: {
  call: CallApi;
  me: string;
  myName: string;
  myRole: CaseRole;
  caucus: { userId: string; displayName: string } | null;
}) {
  const { t } = useTranslation();
  const [previewing, setPreviewing] = useState(false);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const panel = useRef<HTMLElement>(null);
  const onSoundBlocked = useCallback(() => setSoundBlocked(true), []);

  const apart = (p: CallPeer) => {
    const a = apartTextFor(p, myRole, caucus);
    if (!a) return null;
    return a.key === 'mediatorInCaucus' ? t('call.tile.mediatorInCaucus', { name: a.name }) : t(`call.tile.${a.key}`);
  };
  const tiles = tilesFor(call, { userId: me, name: myName, role: myRole }, apart);
  const largeKey = call.large ?? tiles[0]?.key ?? null;
  const names = call.peers.map((p) => p.displayName);
  const muted = call.state?.you?.muted ?? false;
  const leftOut = caucus !== null && myRole !== 'mediator' && caucus.userId !== me;
  const problem = call.problem;

  return (
    <section
      ref={panel}
      className="panel call-panel"
      data-testid="call-panel"
      data-in-call={call.inCall}
      aria-labelledby="call-title"
    >
      <div className="call-head">
        <h2 id="call-title">{t('call.title')}</h2>
        <span className="muted" data-testid="call-roster">
          {names.length + (call.inCall ? 1 : 0) === 0
            ? t('call.nobody')
            : call.inCall
              ? t('call.count', { count: names.length + 1 })
              : t('call.inCall', { names: names.join(t('app.listSeparator')) })}
        </span>
      </div>
      <p className="muted call-not-recorded" data-testid="call-not-recorded">
        {t('call.notRecorded')}
      </p>
      {problem && (
        <p className="error" role="alert" data-testid="call-problem">
          {problem.kind === 'media'
            ? t(`call.problems.${problem.problem}`)
            : t('call.failed', { message: errorMessage(t, problem.error) })}
        </p>
      )}
      {call.inCall && muted && (
        <p className="call-muted-notice" role="status" data-testid="call-muted-notice">
          {t('call.mutedNotice')}
        </p>
      )}
      {call.inCall && leftOut && <p className="muted">{t('call.apart')}</p>}
      {call.inCall && !call.mic && !call.camera && (
        <p className="muted">{call.maySend ? t('call.listenOnly') : t('call.observerOnly')}</p>
      )}
      {call.inCall && soundBlocked && (
        <p className="warning">
          {t('call.soundBlocked')}{' '}
          <button
            type="button"
            data-testid="call-enable-sound"
            onClick={() => {
              setSoundBlocked(false);
              panel.current?.querySelectorAll('audio').forEach((a) => void a.play().catch(onSoundBlocked));
            }}
          >
            {t('call.enableSound')}
          </button>
        </p>
      )}
      {tiles.length > 0 && (
        <ul className={call.inCall ? 'call-tiles live' : 'call-tiles roster'} data-count={tiles.length}>
          {tiles.map((tile) => (
            <CallTile
              key={tile.key}
              tile={tile}
              large={call.inCall && tile.key === largeKey}
              live={call.inCall}
              onSoundBlocked={onSoundBlocked}
            />
          ))}
        </ul>
      )}
      {call.inCall ? (
        <div className="call-controls" role="toolbar" aria-label={t('call.controls.label')}>
          {call.maySend && (
            <>
              <button
                type="button"
                className={call.mic ? 'call-control on' : 'call-control off'}
                data-testid="call-toggle-mic"
                aria-pressed={call.mic}
                disabled={muted}
                title={call.mic ? t('call.controls.micOn') : t('call.controls.micOff')}
                onClick={() => void call.setSending('audio', !call.mic)}
              >
                <Icon name={call.mic && !muted ? 'mic' : 'micOff'} />
                <span>{t('call.controls.mic')}</span>
              </button>
              <button
                type="button"
                className={call.camera ? 'call-control on' : 'call-control off'}
                data-testid="call-toggle-camera"
                aria-pressed={call.camera}
                title={call.camera ? t('call.controls.cameraOn') : t('call.controls.cameraOff')}
                onClick={() => void call.setSending('video', !call.camera)}
              >
                <Icon name={call.camera ? 'camera' : 'cameraOff'} />
                <span>{t('call.controls.camera')}</span>
              </button>
            </>
          )}
          <button
            type="button"
            className="call-control leave"
            data-testid="call-leave"
            onClick={() => {
              setSoundBlocked(false);
              void call.leave();
            }}
          >
            <Icon name="leave" />
            <span>{t('call.controls.leave')}</span>
          </button>
        </div>
      ) : previewing ? (
        <CallPreview
          maySend={call.maySend}
          onCancel={() => setPreviewing(false)}
          onJoin={(choice, stream) => {
            setPreviewing(false);
            void call.join(choice, stream);
          }}
        />
      ) : (
        <button
          type="button"
          className="call-join"
          data-testid="call-join"
          disabled={call.joining}
          onClick={() => setPreviewing(true)}
        >
          {call.joining ? t('call.joining') : t('call.join')}
        </button>
      )}
    </section>
  );
}
