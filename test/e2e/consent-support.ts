import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * Each party agrees to every clause of the agreement as it reads now, through the room's consent
 * panel, and waits until `watcher` (usually the mediator's page) shows every clause agreed by both:
 * signing opens only then. The one place to adapt when the consent panel changes.
 */
export async function agreeEveryClause(parties: { customer: Page; platform: Page }, watcher: Page): Promise<void> {
  const clauses = watcher.locator('[data-testid^="clause-"][data-clause-id]');
  await expect.poll(() => clauses.count()).toBeGreaterThan(0);
  const count = await clauses.count();
  for (const [role, page] of Object.entries(parties)) {
    for (let n = 1; n <= count; n++) {
      const clause = watcher.getByTestId(`clause-${n}`);
      if ((await clause.getAttribute(`data-${role}`)) === 'agreed') continue;
      await page.getByTestId(`clause-${n}-agree`).click();
      await expect.poll(() => clause.getAttribute(`data-${role}`)).toBe('agreed');
    }
  }
  for (let n = 1; n <= count; n++) {
    await expect.poll(() => watcher.getByTestId(`clause-${n}`).getAttribute('data-agreed')).toBe('true');
  }
}
