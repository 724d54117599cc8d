import type { Page } from 'playwright-core';

export type RoomTabName = 'chat' | 'agreement' | 'people' | 'evidence' | 'call';

/**
 * On a phone (below 768 px) the room shows one part at a time, in tabs: opens the one holding what a
 * test is about to use (client/src/room/RoomTabs.tsx). On a desktop there are no tabs and nothing happens.
 */
export async function openRoomTab(page: Page, tab: RoomTabName): Promise<void> {
  const width = page.viewportSize()?.width ?? 1280;
  if (width >= 768) return;
  const button = page.getByTestId(`room-tab-${tab}`);
  await button.click();
  await page.locator(`#room-panel-${tab}:not([hidden])`).waitFor({ state: 'attached' });
}
