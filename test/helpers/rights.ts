import type { Page } from 'playwright-core';

/**
 * A party entering the room for the first time in the browser: reads the rights and duties gate, ticks
 * that they have read it and continues (the gate must be there: a party not asked fails here).
 */
export async function passRightsGate(page: Page): Promise<void> {
  await page.getByTestId('rights-gate').waitFor();
  await page.getByTestId('rights-check').check();
  await page.getByTestId('rights-continue').click();
  await page.getByTestId('rights-gate').waitFor({ state: 'detached' });
}
