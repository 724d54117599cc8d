import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { canonicalAgreementText, type EvidenceView } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { repoRoot } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

/**
 * Issue 21: the customer (in Chinese) cites the contract in the joint chat from the composer's picker;
 * the mediator (in English) sees the citation on the message, and cites the same item in the agreement
 * from the editor's toolbar: the canonical text reads it.
 */
describe.skipIf(!chromiumOrSkip())('evidence citations in Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;
  let customer: Page;
  let mediator: Page;
  const call = httpClient(() => t.url);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    c = await t.createCase('Citations');
    const res = await call<EvidenceView[]>(
      'POST',
      `/api/cases/${c.caseId}/evidence`,
      c.tokens.customer,
      form({}, [{ name: '合同.pdf', data: pdf() }]),
    );
    expect(res.status).toBe(201);
    browser = await launchChromium();
    customer = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    mediator = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
    for (const [page, role] of [
      [customer, 'customer'],
      [mediator, 'mediator'],
    ] as const) {
      await page.goto(c.inviteUrls[role]);
      await page.waitForURL(`**/cases/${c.caseId}`);
      await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a message cites the contract from the picker, and everyone sees the citation', async () => {
    await customer.getByTestId('cite-button').first().click();
    await customer.getByTestId('cite-picker-item').filter({ hasText: '合同.pdf' }).click();
    await customer.locator('#chat-input').fill('请看合同第三条');
    await customer.locator('#chat-input').press('Enter');
    const onMediator = mediator.getByTestId('message').filter({ hasText: '请看合同第三条' });
    await expect.poll(() => onMediator.getByTestId('cite-chips').innerText()).toContain('合同.pdf');
    await screenshot(customer, 'citation-chat-customer');
  });

  it('the agreement cites it from the toolbar, and its canonical text reads it', async () => {
    const editor = mediator.getByTestId('agreement-editor');
    await editor.click();
    await editor.pressSequentially('The lender refunds the fee ');
    await mediator.getByTestId('agreement-cite-button').click();
    await mediator.getByTestId('cite-picker-item').filter({ hasText: '合同.pdf' }).click();
    await expect.poll(() => editor.getByTestId('evidence-ref').count()).toBe(1);
    await expect
      .poll(async () => {
        const s = await t.server.store.loadDoc(c.caseId);
        const doc = new Y.Doc();
        if (s.snapshot) Y.applyUpdate(doc, s.snapshot);
        s.updates.forEach((u) => Y.applyUpdate(doc, u.data));
        return canonicalAgreementText(doc, 'A-1', 'zh-CN');
      })
      .toContain('The lender refunds the fee （见证据：合同.pdf）');
    await screenshot(mediator, 'citation-agreement-mediator');
  });
});
