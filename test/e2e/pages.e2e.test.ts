import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumOrSkip, launchChromium } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';

describe('pages as a browser and a crawler meet them', () => {
  let t: TestServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a path that is no page answers 404 (with the page that says so); every page answers 200', async () => {
    for (const path of ['/nothing-here', '/complain/', '/cases/not-a-case', '/LOGIN']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      await res.text();
    }
    for (const path of ['/', '/complain', '/login', '/verify', '/staff']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      await res.text();
    }
    // The API keeps its own JSON 404.
    const api = await fetch(`${t.url}/api/nothing`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it.skipIf(!chromiumOrSkip())(
    'the tab title names the page and <html lang> follows the language, from the first render',
    async () => {
      browser = await launchChromium();
      for (const [locale, lang, complain, notFound, home] of [
        ['en-US', 'en', 'File a complaint', 'Page not found', 'Back to the home page'],
        ['zh-CN', 'zh-CN', '提交投诉', '页面不存在', '返回首页'],
      ] as const) {
        const context = await browser.newContext({ locale });
        const page = await context.newPage();
        await page.goto(`${t.url}/complain`);
        await expect.poll(() => page.title()).toContain(complain);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await page.goto(`${t.url}/no-such-page`);
        await page.getByTestId('not-found').waitFor();
        await expect.poll(() => page.title()).toContain(notFound);
        await page.getByRole('link', { name: home }).click();
        await expect.poll(() => new URL(page.url()).pathname).toBe('/');
        await context.close();
      }
    },
  );

  it.skipIf(!chromiumOrSkip())(
    'a staff page opened signed out goes to the sign-in and back; the mediators page is for admins only',
    async () => {
      const password = 'correct horse battery';
      await t.server.cases.createStaff(null, {
        username: 'reviewer.pages',
        displayName: '李审核',
        staffRole: 'reviewer',
        password,
      });
      browser ??= await launchChromium();
      const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
      const signIn = async () => {
        await page.getByLabel('Username').fill('reviewer.pages');
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };
      await page.goto(`${t.url}/admin/mediators`);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/admin/mediators');
      await signIn();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/mediators');
      // A reviewer is signed in, but this is the centre's administration.
      await page.getByTestId('admins-only').waitFor();
      await page.context().clearCookies();
      await page.evaluate(() => localStorage.clear());
      await page.goto(`${t.url}/staff`);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
      await signIn();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/staff');
      await page.context().close();
    },
  );
});
