import { useTranslation } from 'react-i18next';
import type { CaseRole, CallSeparation } from '@accord/shared';
import type { LinkStatus } from './PeerLink';
import { StreamAudio, StreamVideo } from './StreamMedia';
import { Icon } from './icons';

export interface TileModel {
  /** `self` for this tab, else the peer id. */
  key: string;
  userId: string;
  self: boolean;
  name: string;
  role: CaseRole;
  audio: boolean;
  video: boolean;
  muted: boolean;
  speaking: boolean;
  separated: CallSeparation | null;
  connection: LinkStatus | null;
  stream: MediaStream | null;
  tracks: number;
  /** Why this person cannot be seen or heard now, in the viewer's words (a private session). */
  apartText: string | null;
}

/** One person in the call: picture or initial, name and role, and what is off or wrong. */
export function CallTile({
  tile,
  large,
  live,
  onSoundBlocked,
}: {
  tile: TileModel;
  large: boolean;
  /** The viewer is in the call: pictures and sound play; otherwise the tile only says who is there. */
  live: boolean;
  onSoundBlocked: () => void;
}) {
  const { t } = useTranslation();
  const showVideo = live && tile.video && tile.stream !== null && tile.separated === null;
  const status =
    tile.separated === 'away'
      ? t('call.tile.away')
      : tile.connection === 'connecting'
        ? t('call.tile.connecting')
        : tile.connection === 'reconnecting'
          ? t('call.tile.reconnecting')
          : tile.connection === 'failed'
            ? t('call.tile.failed')
            : null;
  return (
    <li
      className="call-tile"
      data-testid={tile.self ? 'call-tile-self' : `call-tile-${tile.userId}`}
      data-user={tile.userId}
      data-large={large}
      data-speaking={tile.speaking}
      data-audio={tile.audio}
      data-video={tile.video}
      data-muted={tile.muted}
      data-separated={tile.separated ?? ''}
      data-connection={tile.connection ?? ''}
    >
      <div className="call-media">
        {showVideo ? (
          <StreamVideo stream={tile.stream} tracks={tile.tracks} mirror={tile.self} label={tile.name} />
        ) : (
          <span className={`call-avatar role-${tile.role}`} aria-hidden="true">
            {[...tile.name][0] ?? '?'}
          </span>
        )}
        {live && !tile.self && tile.stream && tile.separated === null && (
          <StreamAudio stream={tile.stream} tracks={tile.tracks} silent={tile.muted} onBlocked={onSoundBlocked} />
        )}
      </div>
      <div className="call-caption">
        <span className="call-name">
          {tile.name}
          {tile.self && <span className="you">{t('room.you')}</span>}
          <span className={`badge role-${tile.role}`}>{t(`roles.${tile.role}`)}</span>
        </span>
        <span className="call-flags">
          {tile.speaking && <span className="visually-hidden">{t('call.tile.speaking')}</span>}
          {tile.muted ? (
            <span className="call-flag bad" title={t('call.tile.muted')}>
              <Icon name="micOff" />
              <span className="visually-hidden">{t('call.tile.muted')}</span>
            </span>
          ) : (
            !tile.audio && (
              <span className="call-flag" title={t('call.tile.micOff')}>
                <Icon name="micOff" />
                <span className="visually-hidden">{t('call.tile.micOff')}</span>
              </span>
            )
          )}
          {!tile.video && (
            <span className="call-flag" title={t('call.tile.cameraOff')}>
              <Icon name="cameraOff" />
              <span className="visually-hidden">{t('call.tile.cameraOff')}</span>
            </span>
          )}
        </span>
      </div>
      {tile.muted && <p className="call-note bad">{t('call.tile.muted')}</p>}
      {tile.apartText && <p className="call-note">{tile.apartText}</p>}
      {live && status && <p className="call-note">{status}</p>}
    </li>
  );
}
