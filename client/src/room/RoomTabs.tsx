import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { tabAfterKey, type RoomTab, type TabBadge } from './roomTabs';

/** Below this width the room is tabs, one part at a time; from it up, the columns of a desktop. */
export const PHONE_QUERY = '(max-width: 767.98px)';

/** Whether a media query matches now, following it as the window is resized or turned. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

/**
 * Keeps `--room-vh` at the height of the visible viewport: where `interactive-widget=resizes-content` is not
 * honoured (Safari), the on-screen keyboard covers the page without shrinking it, and the chat tab is sized
 * from this so that its composer stays above the keyboard.
 */
export function useVisibleHeight(on: boolean): void {
  useEffect(() => {
    const vv = window.visualViewport;
    if (!on || !vv) return;
    const root = document.documentElement;
    // The tallest the screen was at this width: much shorter than that, the keyboard is up, and the
    // chat takes all that is visible under the tabs (the header scrolled away) rather than the first screen.
    let tallest = 0;
    let width = 0;
    const set = () => {
      if (vv.width !== width) [tallest, width] = [0, vv.width];
      tallest = Math.max(tallest, vv.height);
      root.style.setProperty('--room-vh', `${Math.round(vv.height)}px`);
      if (vv.height < tallest * 0.75) root.dataset.keyboard = 'up';
      else delete root.dataset.keyboard;
    };
    set();
    vv.addEventListener('resize', set);
    return () => {
      vv.removeEventListener('resize', set);
      root.style.removeProperty('--room-vh');
      delete root.dataset.keyboard;
    };
  }, [on]);
}

/**
 * True once someone else changed the document (its text or its terms) while `away`; false again when
 * not away. The first sync is what the page opened with, not a change.
 */
export function useChangedWhileAway(doc: Y.Doc | null, provider: WebsocketProvider | null, away: boolean): boolean {
  const [changed, setChanged] = useState(false);
  // Back on the tab: seen (set while rendering, React's way to reset state on a prop's change).
  if (!away && changed) setChanged(false);
  useEffect(() => {
    if (!doc || !provider || !away) return;
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      // A remote change comes through the provider; before its first sync that is only catching up.
      if (origin === provider && provider.synced) setChanged(true);
    };
    doc.on('update', onUpdate);
    return () => doc.off('update', onUpdate);
  }, [doc, provider, away]);
  return changed;
}

/** The ARIA tab strip of the room on a phone: arrows, Home and End move between tabs (and open them). */
export function RoomTabs({
  tabs,
  active,
  badges,
  onSelect,
}: {
  tabs: readonly RoomTab[];
  active: RoomTab;
  badges: Record<RoomTab, TabBadge>;
  onSelect: (tab: RoomTab) => void;
}) {
  const { t } = useTranslation();
  const strip = useRef<HTMLDivElement>(null);
  // Where the parts start on the page, scrolled or not (the tabs themselves stick, so they cannot say): the
  // chat tab fills the first screen below, so the list and the composer are both in sight when the room
  // opens. Measured after every render, as the header and banner above may have grown or shrunk.
  useLayoutEffect(() => {
    const parts = strip.current?.parentElement?.querySelector('.room-grid');
    if (!parts) return;
    const top = `${Math.round(parts.getBoundingClientRect().top + window.scrollY)}px`;
    const root = document.documentElement;
    if (root.style.getPropertyValue('--room-parts-top') !== top) root.style.setProperty('--room-parts-top', top);
  });
  useEffect(
    () => () => {
      document.documentElement.style.removeProperty('--room-parts-top');
    },
    [],
  );
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = tabAfterKey(tabs, active, e.key);
    if (!next) return;
    e.preventDefault();
    onSelect(next);
    strip.current?.querySelector<HTMLElement>(`#room-tab-${next}`)?.focus();
  };
  return (
    <div className="room-tabs" role="tablist" aria-label={t('roomTabs.label')} ref={strip} onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const badge = badges[tab];
        return (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`room-tab-${tab}`}
            data-testid={`room-tab-${tab}`}
            aria-selected={tab === active}
            aria-controls={`room-panel-${tab}`}
            // One tab stop for the strip: the arrows move inside it.
            tabIndex={tab === active ? 0 : -1}
            className="room-tab"
            onClick={() => onSelect(tab)}
          >
            <span className="room-tab-name">{t(`roomTabs.${tab}`)}</span>
            {badge?.kind === 'count' && (
              <span className="room-tab-badge" data-testid={`room-tab-badge-${tab}`} data-count={badge.count}>
                <span aria-hidden="true">{badge.count > 99 ? '99+' : badge.count}</span>
                <span className="visually-hidden">{t(`roomTabs.count.${tab}`, { count: badge.count })}</span>
              </span>
            )}
            {badge?.kind === 'dot' && (
              <span className="room-tab-dot" data-testid={`room-tab-badge-${tab}`}>
                <span className="visually-hidden">{t('roomTabs.changed')}</span>
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

/** The props that make a room part a tab panel on a phone (and nothing on a desktop). */
export function tabPanelProps(phone: boolean, tab: RoomTab, active: RoomTab) {
  if (!phone) return {};
  return {
    role: 'tabpanel',
    id: `room-panel-${tab}`,
    'aria-labelledby': `room-tab-${tab}`,
    hidden: tab !== active,
    'data-tab': tab,
  } as const;
}
