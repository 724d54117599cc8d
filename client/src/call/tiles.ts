import { isParty, type CallPeer, type CaseRole } from '@accord/shared';
import type { CallView } from './CallClient';
import { SELF } from './CallClient';
import type { TileModel } from './CallTile';

/** What a tile says about a person a private session keeps apart, in the viewer's words. */
export type ApartText =
  | { key: 'mediatorInCaucus'; name: string }
  | { key: 'mediatorInCaucusOther' | 'inCaucusWithMediator' | 'outsideCaucus' };

export function apartTextFor(
  peer: Pick<CallPeer, 'role' | 'userId' | 'separated'>,
  viewerRole: CaseRole | null,
  caucus: { userId: string; displayName: string } | null,
): ApartText | null {
  if (peer.separated !== 'caucus') return null;
  if (peer.role === 'mediator') {
    // A party left out hears of "the other party"; anyone else (an observer) is told who.
    if (viewerRole !== null && isParty(viewerRole)) return { key: 'mediatorInCaucusOther' };
    return caucus ? { key: 'mediatorInCaucus', name: caucus.displayName } : { key: 'mediatorInCaucusOther' };
  }
  if (caucus && peer.userId === caucus.userId) return { key: 'inCaucusWithMediator' };
  return { key: 'outsideCaucus' };
}

export interface Me {
  userId: string;
  name: string;
  role: CaseRole;
}

/** The tiles of the call as this viewer sees it: themselves first (when in the call), then everyone else. */
export function tilesFor(
  view: Pick<CallView, 'inCall' | 'peers' | 'links' | 'speaking' | 'mic' | 'camera' | 'local' | 'state'>,
  me: Me,
  apart: (peer: CallPeer) => string | null,
): TileModel[] {
  const tiles: TileModel[] = [];
  if (view.inCall) {
    tiles.push({
      key: SELF,
      userId: me.userId,
      self: true,
      name: me.name,
      role: me.role,
      audio: view.mic,
      video: view.camera,
      muted: view.state?.you?.muted ?? false,
      speaking: view.speaking.has(SELF),
      separated: null,
      connection: null,
      stream: view.local,
      tracks: view.local?.getTracks().length ?? 0,
      apartText: null,
    });
  }
  for (const p of view.peers) {
    const link = view.links.get(p.peerId);
    tiles.push({
      key: p.peerId,
      userId: p.userId,
      self: false,
      name: p.displayName,
      role: p.role,
      audio: p.audio,
      video: p.video,
      muted: p.muted,
      speaking: view.speaking.has(p.peerId) && p.separated === null,
      separated: p.separated,
      connection: link?.status ?? null,
      stream: link?.stream ?? null,
      tracks: link?.tracks ?? 0,
      apartText: apart(p),
    });
  }
  return tiles;
}
