import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { IntakeResult, LoginResult } from '@accord/shared';
import { chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { complaint as complaintFields, form, pdf } from '../helpers/files';
import { repoRoot } from '../helpers/process';
import { agreeEveryClause } from './consent-support';
import { NAMES, createTestCase, startServer, type TestCaseOf, type TestServer } from '../helpers/server';

/**
 * One language at a time: every page and every phase of a room, visited in Chinese, shows no Latin
 * word outside a short allow-list (and in English no Chinese outside what people typed). The pages are a
 * list of visits: a page added to Accord is checked by adding its visit here.
 */

type Lang = 'zh-CN' | 'en';
const PASSWORD = 'correct horse battery';
const PARTIES = ['customer', 'platform', 'mediator'] as const;
type Party = (typeof PARTIES)[number];

/** Latin words a Chinese page may show: names of things that are written so in Chinese too. */
// File formats, size units and the sealing algorithm are written so in Chinese too; "English" names the
// other language in the language switch, in that language.
const LATIN_ALLOWED = new Set([
  'Accord',
  'PIN',
  'ID',
  'PDF',
  'ZIP',
  'JPEG',
  'PNG',
  'SHA',
  'JSON',
  'UTC',
  'QR',
  'kB',
  'MB',
  'English',
]);
/** What people typed in this test, and what the case's own language wrote (a Chinese case's title). */
const USER_DATA = [
  ...PARTIES.map((p) => NAMES[p]),
  // The names of the files the person chose, shown back to them as they are.
  'record.json',
  'altered.json',
  '观察员',
  '管理员',
  '李审核',
  '王经理',
  '甲消费金融有限公司',
  '北京金融纠纷调解中心',
  '费用',
  '王小红',
  '费用争议',
  '服务费争议',
  '提前还款时平台收取了合同中未明确告知的违约金800元和服务费480元，我要求全部退还。',
  '退还1,280元',
  '借款合同.pdf',
  '说明文件',
  '改过的',
  '请问您好，我们开始吧。',
  '平台于2026年12月31日前退还服务费480元；王女士撤回投诉。',
  '简体中文',
  // Sign-in names are Latin by nature (typed on any keyboard).
  'reviewer.li',
  'centre.admin',
  'mediator.zhang',
];

/**
 * What a person can read on the page: the text, the tab title, and the words only a screen reader says.
 * Text marked as written in another language (`lang`, as the case's agreement text is) is the case's
 * own words, not the page's: left out.
 */
function readable(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lang = document.documentElement.lang;
    const other = [...document.querySelectorAll<HTMLElement>('body [lang]')].filter((el) => el.lang !== lang);
    const display = other.map((el) => el.style.display);
    for (const el of other) el.style.display = 'none';
    const parts = [document.title, document.body.innerText];
    other.forEach((el, i) => (el.style.display = display[i] ?? ''));
    for (const el of document.querySelectorAll('[aria-label],[placeholder],[title],img[alt]')) {
      for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
        const value = el.getAttribute(name);
        if (value) parts.push(value);
      }
    }
    return parts.join('\n');
  });
}

/** The words in `text` that are not in `lang`, with a little context each. */
export function foreignWords(text: string, lang: Lang): string[] {
  let s = text;
  // Longest first: a name inside a typed sentence must not break the sentence up.
  for (const d of [...USER_DATA].sort((a, b) => b.length - a.length)) s = s.split(d).join(' ');
  s = s
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, ' ')
    .replace(/\bAC-\d{4}-\d{6}\b/g, ' ')
    // Names as masked for a reader who may not see them in full (王**).
    .replace(/[\u3400-\u9fff]\*+/g, ' ')
    .replace(/SHA-256|Ed25519/g, ' ')
    // Terms Chinese itself writes in Latin letters, as the assistant's rule sources cite them (P2P网络借贷, LPR).
    .replace(/\bP2P|LPR\b/g, ' ')
    // The agreement text's format tag: part of the signed canonical text, the same in every language.
    .replace(/accord-agreement\/\d+/g, ' ')
    // Machine data (hashes, fingerprints, keys, ids): long runs of hex or base64, not words.
    .replace(/[A-Za-z0-9+/=_-]{20,}/g, ' ')
    .replace(/\b[0-9a-f]{8,}\b/g, ' ');
  const found =
    lang === 'zh-CN'
      ? [...s.matchAll(/[A-Za-z]+/g)].filter((m) => !LATIN_ALLOWED.has(m[0]))
      : [...s.matchAll(/[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+/g)];
  return found.map(
    (m) => `${m[0]}  ‹${s.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ')}›`,
  );
}

for (const lang of ['zh-CN', 'en'] as const) {
  describe.skipIf(!chromiumOrSkip())(`every page in ${lang === 'zh-CN' ? 'Chinese' : 'English'} only`, () => {
    let t: TestServer;
    let browser: Browser;
    let room: TestCaseOf<Party>;
    let complaint: IntakeResult;
    const contexts: BrowserContext[] = [];
    const found: string[] = [];

    /** A fresh browser in `lang` (remembered as if switched), signed in as staff `session` if given. */
    async function browse(session?: LoginResult): Promise<Page> {
      const context = await browser.newContext({ locale: lang === 'zh-CN' ? 'zh-CN' : 'en-US' });
      contexts.push(context);
      await context.addInitScript(
        ([l, s]) => {
          localStorage.setItem('accord.lang', l);
          if (s) localStorage.setItem('accord.staff', s);
        },
        [lang, session ? JSON.stringify({ token: session.token, user: session.user }) : ''] as const,
      );
      const page = await context.newPage();
      page.on('dialog', (d) => void d.accept());
      return page;
    }

    /** Records what on `page` is not in the page's language, named by `name`. */
    async function check(page: Page, name: string): Promise<void> {
      // The page has rendered in its language: the document says so.
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      for (const word of foreignWords(await readable(page), lang)) found.push(`${name}: ${word}`);
      await screenshot(page, `language-${lang}-${name}`);
    }

    async function signIn(username: string): Promise<LoginResult> {
      const res = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as LoginResult;
    }

    beforeAll(async () => {
      if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
      t = await startServer();
      const lender = await t.server.accounts.createLender(null, '甲消费金融有限公司');
      await t.server.cases.createStaff(null, {
        username: 'lender.wang',
        displayName: '王经理',
        staffRole: 'platform',
        password: PASSWORD,
        lenderId: lender.id,
      });
      for (const [username, displayName, staffRole] of [
        ['reviewer.li', '李审核', 'reviewer'],
        ['centre.admin', '管理员', 'admin'],
        ['mediator.zhang', NAMES.mediator, 'mediator'],
      ] as const) {
        const user = await t.server.cases.createStaff(null, { username, displayName, staffRole, password: PASSWORD });
        if (staffRole === 'mediator') {
          await t.server.store.putMediatorProfile({
            userId: user.id,
            organisation: '北京金融纠纷调解中心',
            languages: ['zh-CN'],
            specialities: ['费用'],
          });
        }
      }
      const body = form(
        complaintFields({
          lenderId: lender.id,
          contractNumber: '2025004217',
          description: '提前还款时平台收取了合同中未明确告知的违约金800元和服务费480元，我要求全部退还。',
        }),
        [{ name: '借款合同.pdf', data: pdf() }],
      );
      const res = await fetch(`${t.url}/api/intake`, { method: 'POST', body });
      expect(res.status).toBe(201);
      complaint = (await res.json()) as IntakeResult;
      room = await createTestCase(t.server, t.url, {
        title: '服务费争议',
        roles: PARTIES,
        room: { lobby: true, phase: 'scheduled' },
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      for (const c of contexts) await c.close();
      await browser?.close();
      await t?.close();
    });

    it('the public pages, the tracking link and the staff pages', async () => {
      found.length = 0;
      const visitor = await browse();
      const staff = await browse(await signIn('reviewer.li'));
      const admin = await browse(await signIn('centre.admin'));
      const trackingPath = new URL(complaint.trackingUrl).pathname;
      /** Each visit: who, where, and what shows the page is there. Add a page by adding its visit. */
      const visits: { name: string; page: Page; path: string; ready: (p: Page) => Promise<unknown> }[] = [
        { name: 'home', page: visitor, path: '/', ready: (p) => p.getByTestId('go-complain').waitFor() },
        { name: 'login', page: visitor, path: '/login', ready: (p) => p.locator('input[type="password"]').waitFor() },
        { name: 'complain', page: visitor, path: '/complain', ready: (p) => p.getByTestId('privacy-notice').waitFor() },
        { name: 'verify', page: visitor, path: '/verify', ready: (p) => p.locator('input[type="file"]').waitFor() },
        { name: 'not-found', page: visitor, path: '/no-such-page', ready: (p) => p.getByTestId('not-found').waitFor() },
        {
          name: 'join-invalid',
          page: visitor,
          path: '/join/not-a-real-invite',
          ready: (p) => p.locator('.error, [role="alert"]').first().waitFor(),
        },
        {
          name: 'join-pin',
          page: await browse(),
          path: new URL(await observerInvite()).pathname,
          ready: (p) => p.getByTestId('pin-notice').waitFor(),
        },
        {
          name: 'track-sign-in',
          page: visitor,
          path: trackingPath,
          ready: (p) => p.locator('input[autocomplete="one-time-code"]').waitFor(),
        },
        {
          name: 'queue',
          page: staff,
          path: '/staff',
          ready: (p) => p.getByTestId(`queue-${complaint.caseNumber}`).waitFor(),
        },
        {
          name: 'staff-case',
          page: staff,
          path: `/staff/cases/${complaint.caseId}`,
          ready: (p) => p.getByTestId('rules').waitFor(),
        },
        { name: 'admin-home', page: admin, path: '/', ready: (p) => p.getByTestId('go-mediators').waitFor() },
        {
          name: 'mediators',
          page: admin,
          path: '/admin/mediators',
          ready: (p) => p.getByTestId('mediators').waitFor(),
        },
        {
          name: 'admin-case',
          page: admin,
          path: `/staff/cases/${complaint.caseId}`,
          ready: (p) => p.getByTestId('rules').waitFor(),
        },
        {
          name: 'staff-not-admin',
          page: staff,
          path: '/admin/mediators',
          ready: (p) => p.getByTestId('admins-only').waitFor(),
        },
      ];
      for (const v of visits) {
        await v.page.goto(`${t.url}${v.path}`);
        await v.ready(v.page);
        await check(v.page, v.name);
      }

      // Refusals in the page's words: a wrong tracking PIN.
      const pinInput = visitor.locator('input[autocomplete="one-time-code"]');
      await visitor.goto(`${t.url}${trackingPath}`);
      await pinInput.fill(complaint.pin === '000000' ? '111111' : '000000');
      await pinInput.press('Enter');
      await visitor.locator('.error, [role="alert"]').first().waitFor();
      await check(visitor, 'track-wrong-pin');
      await pinInput.fill(complaint.pin);
      await pinInput.press('Enter');
      await visitor.getByTestId('timeline').waitFor();
      await check(visitor, 'track');
      // An upload refused (not a PDF, JPEG or PNG) is said in the page's words, naming the file.
      await visitor
        .locator('input[name="evidence"]')
        .setInputFiles({ name: '说明文件', mimeType: 'application/pdf', buffer: Buffer.from('只是文字，不是 PDF') });
      await visitor.locator('input[name="evidence"]').evaluate((el) => (el as HTMLInputElement).form?.requestSubmit());
      const refusal = visitor.getByRole('alert');
      await refusal.waitFor();
      expect(await refusal.innerText()).toBe(
        lang === 'zh-CN' ? '“说明文件”不是 PDF、JPEG 或 PNG 文件。' : '“说明文件” is not a PDF, JPEG or PNG file.',
      );
      await check(visitor, 'track-upload-refused');

      // The case moves through review: the tracking page and the staff page each time.
      await staff.goto(`${t.url}/staff/cases/${complaint.caseId}`);
      await staff.getByTestId('start-review').click();
      await expect.poll(() => visitor.getByTestId('progress').getAttribute('data-status')).toBe('under_review');
      await check(staff, 'staff-case-under-review');
      await staff.getByTestId('representative-select').selectOption({ index: 1 });
      await staff.getByTestId('accept').click();
      await expect.poll(() => visitor.getByTestId('progress').getAttribute('data-status')).toBe('accepted');
      await admin.goto(`${t.url}/staff/cases/${complaint.caseId}`);
      const option = admin.getByTestId('mediator-select').locator('option', { hasText: NAMES.mediator });
      await admin.getByTestId('mediator-select').selectOption((await option.getAttribute('value')) ?? '');
      await admin.getByTestId('assign').click();
      await expect.poll(() => visitor.getByTestId('progress').getAttribute('data-status')).toBe('mediator_assigned');
      await admin.getByTestId('starts-at').fill('2026-12-15T14:00');
      await admin.getByTestId('schedule').click();
      await expect.poll(() => visitor.getByTestId('progress').getAttribute('data-status')).toBe('scheduled');
      await check(admin, 'admin-case-scheduled');
      await check(visitor, 'track-scheduled');
      await staff.goto(`${t.url}/staff`);
      await staff.getByTestId(`queue-${complaint.caseNumber}`).waitFor();
      await check(staff, 'queue-scheduled');

      expect(found, found.join('\n')).toEqual([]);
    });

    async function observerInvite(): Promise<string> {
      const invite = await t.server.cases.createInviteAsSystem(room.caseId, {
        role: 'observer',
        displayName: '观察员',
      });
      return invite.url;
    }

    it('a room in every phase, for each party, and the sealed record', async () => {
      found.length = 0;
      const pages = {} as Record<Party, Page>;
      for (const party of PARTIES) pages[party] = await browse();
      const m = pages.mediator;
      const checkAll = async (phase: string) => {
        for (const party of PARTIES) await check(pages[party], `room-${phase}-${party}`);
      };
      await m.goto(room.inviteUrls.mediator);
      await m.getByTestId('moderation').waitFor();
      for (const party of ['customer', 'platform'] as const) {
        await pages[party].goto(room.inviteUrls[party]);
        await pages[party].getByTestId('lobby').waitFor();
      }
      await m.getByTestId('admit-customer').waitFor();
      await m.getByTestId('admit-platform').waitFor();
      await checkAll('lobby');

      await m.getByTestId('admit-all').click();
      for (const party of ['customer', 'platform'] as const)
        await pages[party].getByTestId('agreement-editor').waitFor();
      await m.getByTestId('phase-opening').click();
      await expect.poll(() => m.getByTestId('activity').innerText()).toMatch(/./);
      await checkAll('opening');

      await m.getByTestId('phase-joint').click();
      const input = pages.customer.locator('form.composer textarea').first();
      await input.fill('请问您好，我们开始吧。');
      await input.press('Enter');
      for (const party of PARTIES) {
        await expect.poll(() => pages[party].locator('.message').first().innerText()).toContain('我们开始吧');
      }
      await checkAll('joint');

      await m.getByTestId('caucus-customer').click();
      await pages.customer.getByTestId('caucus-panel').waitFor();
      await checkAll('caucus');
      await m.getByTestId('close-caucus').click();

      await m.getByTestId('phase-drafting').click();
      await m.getByTestId('agreement-editor').click();
      await m.keyboard.type('平台于2026年12月31日前退还服务费480元；王女士撤回投诉。');
      await m.getByTestId('term-amountAgreedCents').fill('480');
      await m.getByTestId('term-amountAgreedCents').press('Enter');
      await expect.poll(() => pages.customer.getByTestId('term-amountAgreedCents').inputValue()).toBe('480.00');
      await agreeEveryClause(pages, m);
      await checkAll('drafting');

      await expect.poll(() => m.getByTestId('phase-signing').isEnabled()).toBe(true);
      await m.getByTestId('phase-signing').click();
      for (const party of PARTIES) await pages[party].getByTestId('frozen-text').waitFor();
      await checkAll('signing');

      // A wrong PIN is refused in the page's words; then everyone signs.
      const wrong = pages.customer.locator('.sign-form');
      await wrong.locator('input[autocomplete="name"]').fill(NAMES.customer);
      await wrong.locator('input[type="password"]').fill(room.pins.customer === '000000' ? '111111' : '000000');
      await wrong.locator('input[type="checkbox"]').check();
      await pages.customer.getByTestId('sign').click();
      await pages.customer.getByTestId('signing').getByRole('alert').waitFor();
      await check(pages.customer, 'room-signing-wrong-pin');
      for (const party of PARTIES) {
        const form = pages[party].locator('.sign-form');
        await form.locator('input[autocomplete="name"]').fill(NAMES[party]);
        await form.locator('input[type="password"]').fill(room.pins[party]);
        if (!(await form.locator('input[type="checkbox"]').isChecked()))
          await form.locator('input[type="checkbox"]').check();
        await pages[party].getByTestId('sign').click();
        await expect.poll(() => m.getByTestId(`signer-${party}`).getAttribute('data-signed')).toBe('true');
      }
      for (const party of PARTIES) await pages[party].getByTestId('sealed').waitFor();
      await checkAll('sealed');

      await pages.customer.goto(`${t.url}/cases/${room.caseId}/record`);
      await expect
        .poll(() => pages.customer.getByTestId('record-verification').getAttribute('data-valid'))
        .toBe('true');
      await check(pages.customer, 'record');

      // The verify page, with the record file and with an altered copy: the problems in the page's words.
      const res = await fetch(`${t.url}/api/cases/${room.caseId}/outcome`, {
        headers: { authorization: `Bearer ${room.tokens.customer}` },
      });
      const sealed = (await res.json()) as { record: { outcome: { reason: string | null } } };
      const verify = pages.platform;
      await verify.goto(`${t.url}/verify`);
      const file = verify.locator('input[type="file"]');
      await file.setInputFiles({
        name: 'record.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(sealed)),
      });
      await expect.poll(() => verify.getByTestId('record-verification').getAttribute('data-valid')).toBe('true');
      await check(verify, 'verify-valid');
      sealed.record.outcome.reason = '改过的';
      await file.setInputFiles({
        name: 'altered.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(sealed)),
      });
      await expect.poll(() => verify.getByTestId('record-verification').getAttribute('data-valid')).toBe('false');
      await check(verify, 'verify-altered');

      expect(found, found.join('\n')).toEqual([]);
    });
  });
}
