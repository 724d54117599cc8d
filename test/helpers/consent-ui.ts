import type { Page } from 'playwright-core';
import type { PartyRole } from '@accord/shared';
import { waitFor } from './wait';

/**
 * In a party's room page: agrees to every clause of the draft it shows that this party has not
 * agreed to yet, through the consent panel (the UI contract's `clause-<n>` items and
 * `clause-<n>-agree` buttons), waiting for each to show as agreed. For browser tests that go on to
 * signing: the mediator's "signing" button opens only once both parties agreed every clause.
 */
export async function agreeEveryClause(page: Page, role: PartyRole): Promise<void> {
  const items = page.locator('[data-testid="consent"] [data-clause-id]');
  await items.first().waitFor();
  const count = await items.count();
  for (let i = 0; i < count; i++) {
    const item = items.nth(i);
    if ((await item.getAttribute(`data-${role}`)) === 'agreed') continue;
    const testId = await item.getAttribute('data-testid');
    await page.getByTestId(`${testId}-agree`).click();
    await waitFor(
      async () => (await item.getAttribute(`data-${role}`)) === 'agreed',
      `${testId} agreed by the ${role}`,
    );
  }
}
