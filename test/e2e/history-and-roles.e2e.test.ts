import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { connectRoom } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

const messageSeqs = (p: Page) =>
  p.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));

describe.skipIf(!chromiumOrSkip())('history, unread, typing, read-only roles and staff sign-in in Chromium', () => {
  let t: TestServer;
  let c: TestCase;
  let browser: Browser;

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('History and roles');
    // 120 earlier messages in the room, as if the session had been going on for a while.
    const members = await t.server.store.listMembers(c.caseId);
    const mediator = members.find((m) => m.role === 'mediator');
    if (!mediator) throw new Error('no mediator');
    for (let i = 1; i <= 120; i++) {
      await t.server.store.appendMessage({
        id: randomUUID(),
        caseId: c.caseId,
        channel: 'joint',
        clientId: `seed-${String(i).padStart(4, '0')}`,
        senderId: mediator.userId,
        senderName: mediator.displayName,
        senderRole: 'mediator',
        text: `历史消息 ${i}`,
        createdAt: new Date().toISOString(),
      });
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function enter(role: 'customer' | 'observer' | 'platform', locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(c.inviteUrls[role]);
    await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    return page;
  }

  it('loads the latest history on entry and pages back as the user scrolls up', async () => {
    const page = await enter('customer');
    // The newest page first (older pages may follow as the view settles at the top), with no gap.
    await expect
      .poll(async () => (await messageSeqs(page)).slice(-50))
      .toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    const first = await messageSeqs(page);
    expect(first).toEqual(Array.from({ length: first.length }, (_, i) => 121 - first.length + i));
    // A first visit has nothing "new": no unread divider.
    expect(await page.getByTestId('unread-divider').count()).toBe(0);
    for (let round = 0; round < 3; round++) {
      await page.getByTestId('messages').evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForTimeout(150);
    }
    await expect.poll(() => messageSeqs(page)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await expect.poll(() => page.getByTestId('messages').innerText()).toContain('Beginning of the conversation');
    await screenshot(page, 'history-customer');

    // Back later: what came meanwhile is replayed and the divider marks where it starts.
    await page.getByTestId('messages').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForTimeout(150);
    const context = page.context();
    await page.close();
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    for (const text of ['您离开后的第一条', '第二条']) expect((await mediator.send(text)).ok).toBe(true);
    mediator.close();
    const again = await context.newPage();
    await again.goto(`${t.url}/cases/${c.caseId}`);
    // The seqs first: should one be missing (seen once under a full suite's load, 122 absent with 121
    // shown; not reproduced since), the failure prints what the page holds.
    await expect.poll(() => messageSeqs(again).then((seqs) => seqs.slice(-3))).toEqual([120, 121, 122]);
    await expect.poll(() => again.locator('[data-testid="message"]').last().innerText()).toContain('第二条');
    const divider = again.getByTestId('unread-divider');
    await expect.poll(() => divider.count()).toBe(1);
    const nextSeq = await divider.evaluate((el) => el.nextElementSibling?.getAttribute('data-seq'));
    expect(nextSeq).toBe('121');
    await screenshot(again, 'unread-divider-customer');
    await context.close();
  });

  it('shows a typing hint to the others while someone writes', async () => {
    const customer = await enter('customer', 'zh-CN');
    const platform = await enter('platform');
    await customer.locator('#chat-input').pressSequentially('我想问一下', { delay: 20 });
    await expect.poll(() => platform.getByTestId('participant-customer').innerText()).toContain('typing…');
    await screenshot(platform, 'typing-platform');
    await customer.context().close();
    await platform.context().close();
  });

  it('an observer sees chat, agreement and terms but can change none of them', async () => {
    const page = await enter('observer', 'zh-CN');
    await expect.poll(() => page.locator('#chat-input').count()).toBe(0);
    await expect.poll(() => page.getByText('您可以旁听，但不能发言或修改协议。').count()).toBe(1);
    const editor = page.getByTestId('agreement-editor');
    await editor.waitFor();
    expect(await editor.getAttribute('contenteditable')).toBe('false');
    expect(await page.getByTestId('term-amountInDisputeCents').inputValue()).toBe('480.00');
    expect(await page.getByTestId('term-amountAgreedCents').getAttribute('readonly')).not.toBeNull();
    await screenshot(page, 'observer');
    await page.context().close();
  });

  it('staff sign in with a password, see their cases and open the room', async () => {
    await t.server.cases.createStaff(null, {
      username: 'zhang.lawyer',
      displayName: '张律师',
      staffRole: 'mediator',
      password: 'correct horse battery',
    });
    const staff = await t.server.store.getUserByUsername('zhang.lawyer');
    if (!staff) throw new Error('no staff');
    await t.server.cases.addMember(c.caseId, { userId: staff.id, role: 'mediator' }, 'admin');

    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${t.url}/`);
    await page.getByRole('link', { name: '工作人员登录' }).click();
    await page.getByLabel('用户名').fill('zhang.lawyer');
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    const open = page.getByRole('button', { name: /History and roles/ });
    await open.click();
    await page.waitForURL(`**/cases/${c.caseId}`);
    await page.locator('[data-testid="connection"] [data-state="connected"]').waitFor();
    await expect.poll(() => page.getByTestId('participant-mediator').first().innerText()).toContain('调解员');
    await screenshot(page, 'staff-room');
    await context.close();
  });
});
