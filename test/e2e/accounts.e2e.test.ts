import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumOrSkip, launchChromium } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';

describe.skipIf(!chromiumOrSkip())('an admin creates a mediator account in the browser', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    await t.server.cases.createStaff(null, {
      username: 'centre.admin',
      displayName: 'Admin',
      staffRole: 'admin',
      password: PASSWORD,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the mediator signs in with the one-time password, must change it, and lands on their page', async () => {
    const admin = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await admin.goto(`${t.url}/login`);
    await admin.getByLabel('Username').fill('centre.admin');
    await admin.getByLabel('Password').fill(PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByTestId('go-accounts').click();
    await admin.getByTestId('accounts').waitFor();
    expect(await admin.title()).toContain('Accounts');

    await admin.getByTestId('create-username').fill('mediator.zhang');
    await admin.getByTestId('create-name').fill('张律师');
    await admin.getByTestId('create-role').selectOption('mediator');
    await admin.getByRole('button', { name: 'Create', exact: true }).click();
    const oneTime = (await admin.getByTestId('one-time-password').textContent()) ?? '';
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    const row = admin.getByTestId('account-mediator.zhang');
    await row.getByText('one-time password not yet changed').waitFor();
    expect(await row.textContent()).toContain('Mediator');

    // The mediator, on another device, opens a staff page signed out and is sent to sign in.
    const mediator = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await mediator.goto(`${t.url}/`);
    await mediator.getByRole('link', { name: 'Staff sign-in' }).click();
    await mediator.getByLabel('Username').fill('mediator.zhang');
    await mediator.getByLabel('Password').fill(oneTime);
    await mediator.getByRole('button', { name: 'Sign in' }).click();
    // Nothing else until the password is their own.
    await mediator.getByText('Choose a new password before you continue.').waitFor();
    await mediator.getByLabel('New password (at least 12 characters)').fill('my own long passphrase');
    await mediator.getByRole('button', { name: 'Change password' }).click();
    await mediator.getByRole('heading', { name: 'Your cases' }).waitFor();
    expect(new URL(mediator.url()).pathname).toBe('/');
    await mediator.getByText('You are not a member of any case yet.').waitFor();

    // The one-time password no longer works; their own does.
    const login = (password: string) =>
      fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'mediator.zhang', password }),
      });
    expect((await login(oneTime)).status).toBe(401);
    expect((await login('my own long passphrase')).status).toBe(200);
    await admin.reload();
    await admin.getByTestId('account-mediator.zhang').getByText('Active').waitFor();
    expect(await admin.getByTestId('account-mediator.zhang').textContent()).not.toContain('one-time password');
  });
});
