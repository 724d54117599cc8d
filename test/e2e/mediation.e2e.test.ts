import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];

const editorText = (p: Page) =>
  p.getByTestId('agreement-editor').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
    return copy.textContent ?? '';
  });

describe.skipIf(!chromiumOrSkip())('the mediator runs the session, in Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  const pages = {} as Record<Party, Page>;
  const shootAll = (name: string) => Promise.all(PARTIES.map((p) => screenshot(pages[p], `${name}-${p}`)));

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await t.createCase('Repayment plan after job loss', { lobby: true, phase: 'scheduled' });
    browser = await launchChromium();
    for (const party of PARTIES) {
      const context = await browser.newContext({ locale: party === 'mediator' ? 'zh-CN' : 'en-US' });
      pages[party] = await context.newPage();
      pages[party].on('dialog', (d) => void d.accept());
    }
    await pages.mediator.goto(c.inviteUrls.mediator);
    await pages.mediator.getByTestId('moderation').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the parties wait in the lobby until the mediator admits them', async () => {
    for (const party of ['customer', 'platform'] as const) {
      await pages[party].goto(c.inviteUrls[party]);
      await pages[party].getByTestId('lobby').waitFor();
    }
    const mediator = pages.mediator;
    await mediator.getByTestId('admit-customer').waitFor();
    await mediator.getByTestId('admit-platform').waitFor();
    await shootAll('lobby');
    await mediator.getByTestId('admit-customer').click();
    await mediator.getByTestId('admit-platform').click();
    for (const party of ['customer', 'platform'] as const) {
      await pages[party].getByTestId('agreement-editor').waitFor();
      expect(await pages[party].getByTestId('lobby').count()).toBe(0);
    }
    await expect.poll(() => mediator.getByTestId('admit-customer').count()).toBe(0);
    expect(await mediator.getByTestId('admit-platform').count()).toBe(0);
  });

  it('a private session with the customer that the platform never sees', async () => {
    const { mediator, customer, platform } = pages;
    await mediator.getByTestId('phase-opening').click();
    await mediator.getByTestId('phase-joint').click();
    await expect.poll(() => platform.getByTestId('room-banner').getAttribute('data-phase')).toBe('joint');
    await mediator.getByTestId('caucus-customer').click();
    await customer.getByTestId('caucus-panel').waitFor();
    await expect.poll(() => platform.getByTestId('caucus-status').innerText()).toContain('private session');

    const secret = 'I could accept 12 instalments, but do not tell them yet.';
    const reply = '明白，这只在我们之间。';
    await customer.locator('#caucus-chat-input').fill(secret);
    await customer.locator('#caucus-chat-input').press('Enter');
    await expect.poll(() => mediator.getByTestId('caucus-messages').innerText()).toContain(secret);
    await mediator.locator('#caucus-chat-input').fill(reply);
    await mediator.locator('#caucus-chat-input').press('Enter');
    await expect.poll(() => customer.getByTestId('caucus-messages').innerText()).toContain(reply);
    await customer.getByTestId('caucus-notes').click();
    await customer.keyboard.type('Bottom line: 12 months');
    await expect.poll(() => mediator.getByTestId('caucus-notes').innerText()).toContain('Bottom line');
    // The mediator's own notebook: labelled apart from the shared notes, and on nobody else's screen.
    const own = '客户底线：640 元';
    expect(await mediator.getByTestId('notebook-panel').innerText()).toContain('仅您可见的调解员笔记');
    expect(await mediator.getByTestId('caucus-notes-panel').innerText()).toContain('与王女士共享的笔记');
    expect(await customer.getByTestId('caucus-notes-panel').innerText()).toContain('Notes shared with the mediator');
    await mediator.getByTestId('notebook').click();
    await mediator.keyboard.type(own);
    await expect.poll(() => mediator.getByTestId('notebook').innerText()).toContain(own);
    await shootAll('caucus');

    // The platform's page: no panel, no text, not in the DOM at all; the customer's: not the notebook.
    expect(await platform.getByTestId('caucus-panel').count()).toBe(0);
    const html = await platform.content();
    for (const text of [secret, reply, 'Bottom line', own]) expect(html).not.toContain(text);
    expect(await customer.getByTestId('notebook-panel').count()).toBe(0);
    expect(await customer.content()).not.toContain(own);

    await mediator.getByTestId('close-caucus').click();
    await expect.poll(() => customer.getByTestId('caucus-panel').count()).toBe(0);
    await expect.poll(() => customer.getByTestId('room-banner').getAttribute('data-phase')).toBe('joint');

    // Over, but not gone: the customer reads it again, read-only; the platform still has nothing of it.
    await customer.getByTestId('past-caucus').click();
    await expect.poll(() => customer.getByTestId('past-caucus-messages').innerText()).toContain(reply);
    expect(await customer.getByTestId('past-caucus-messages').innerText()).toContain(secret);
    await expect.poll(() => customer.getByTestId('past-caucus-notes').innerText()).toContain('Bottom line');
    expect(await customer.getByTestId('past-caucus-notes').getAttribute('contenteditable')).toBe('false');
    expect(await customer.locator('#past-caucus-chat-input').count()).toBe(0);
    await mediator.getByTestId('past-caucus').click();
    await expect.poll(() => mediator.getByTestId('past-caucus-messages').innerText()).toContain(secret);
    await shootAll('caucus-over');
    expect(await platform.getByTestId('past-caucuses').count()).toBe(0);
    const after = await platform.content();
    for (const text of [secret, reply, 'Bottom line', own]) expect(after).not.toContain(text);
  });

  it('with the agreement locked, the parties’ typing has no effect', async () => {
    const { mediator, customer, platform } = pages;
    await mediator.getByTestId('phase-drafting').click();
    await expect.poll(() => customer.getByTestId('agreement-editor').getAttribute('contenteditable')).toBe('true');
    await mediator.getByTestId('agreement-editor').click();
    await mediator.keyboard.type('调解员草拟：分12期还款。');
    await expect.poll(() => editorText(customer)).toContain('分12期还款');
    await mediator.getByTestId('lock').click();
    await customer.getByTestId('locked-status').waitFor();
    const before = await editorText(mediator);
    for (const party of [customer, platform]) {
      await party.getByTestId('agreement-editor').click();
      await party.keyboard.type('party text while locked');
      // The field is read-only: typing into it changes nothing (fill() would refuse to try).
      await party.getByTestId('term-amountAgreedCents').click();
      await party.keyboard.type('1');
      await party.keyboard.press('Enter');
    }
    await mediator.waitForTimeout(500);
    expect(await editorText(mediator)).toBe(before);
    expect(await editorText(customer)).not.toContain('party text while locked');
    // And on the server.
    const stored = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    stored.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    expect(JSON.stringify(doc.toJSON())).not.toContain('party text while locked');
    expect(doc.getMap('terms').get('amountAgreedCents')).not.toBe(100);
    await shootAll('locked');
  });
});
