import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onCleanup } from './cleanup';
import { repoRoot } from './process';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(repoRoot, 'test/artifacts/e2e');

/**
 * Whether browser tests can run. Missing Chromium skips them with a loud
 * warning on a developer machine and fails them under CI=true.
 */
export function chromiumOrSkip(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\``;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI)`);
  console.warn(`\n!!! SKIPPING BROWSER TESTS — ${message}\n`);
  return false;
}

/** Every headless launch's switches (root needs no sandbox; nothing reaches out to Google's services). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Chromium's fake camera and microphone, granted without a prompt. */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

export interface LaunchOptions {
  /**
   * Chromium's fake camera and microphone (a test pattern and a beep), granted without asking: the
   * call tests need media that flows with nobody to click the permission prompt.
   */
  fakeMedia?: boolean;
}

/**
 * A headless Chromium, closed when the test file ends if the test has not closed it. (Playwright also
 * kills it when this process exits, and Chromium exits when its control pipe closes.)
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile (--user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.fakeMedia ? FAKE_MEDIA_ARGS : [])],
  });
  onCleanup('Chromium', () => browser.close());
  return browser;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
