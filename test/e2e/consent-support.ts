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
  // Only the two parties consent (the object passed may hold the mediator's page too).
  for (const role of ['customer', 'platform'] as const) {
    const page = parties[role];
    for (let n = 1; n <= count; n++) {
      const clause = watcher.getByTestId(`clause-${n}`);
      // A page whose copy of the draft is a moment behind the server's (a term just set elsewhere)
      // sends the hash it shows, is refused as "the clause changed", and the person agrees again
      // once the page has caught up: so does this, a few times.
      for (let attempt = 1; (await clause.getAttribute(`data-${role}`)) !== 'agreed'; attempt++) {
        await page.getByTestId(`clause-${n}-agree`).click();
        try {
          await expect.poll(() => clause.getAttribute(`data-${role}`), { timeout: 10_000 }).toBe('agreed');
        } catch (err) {
          if (attempt >= 5) throw err;
        }
      }
    }
  }
  for (let n = 1; n <= count; n++) {
    await expect.poll(() => watcher.getByTestId(`clause-${n}`).getAttribute('data-agreed')).toBe('true');
  }
}
