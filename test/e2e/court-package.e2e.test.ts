import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { COURT_FILES, CourtPackageManifest } from '@accord/shared';
import { ARTIFACTS, chromiumOrSkip, launchChromium, screenshot } from '../helpers/browser';
import { ORGANISATION, PASSWORD, USERNAMES, courtWorld, type CourtWorld } from '../helpers/court-package';
import { repoRoot } from '../helpers/process';
import { makeTempDir, startServer, type TestServer } from '../helpers/server';

/**
 * The court-confirmation package in Chromium, in Chinese: the case's mediator signs in on a desktop,
 * opens the sealed case from "my cases", reads what the package is and the 30 days to apply in, confirms
 * and downloads it; the ZIP unzips, and its application's first page is rendered for a look. The
 * lender's staff see the window to apply in, and no download.
 */
describe.skipIf(!chromiumOrSkip())('the court-confirmation package, from the staff case page', () => {
  let t: TestServer;
  let browser: Browser;
  let world: CourtWorld;
  let caseId: string;
  let caseNumber: string;
  let tracking: { url: string; pin: string };

  async function signedIn(username: string): Promise<Page> {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${t.url}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    return page;
  }

  /** From the home page's list of the person's cases to the sealed case, by clicking. */
  async function openCase(page: Page): Promise<void> {
    await page.goto(t.url);
    await page.getByTestId(`my-case-${caseNumber}`).getByRole('button', { name: caseNumber, exact: true }).click();
    await page.getByTestId('staff-case').waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'client/dist/index.html'))) throw new Error('run `pnpm build` first');
    t = await startServer();
    world = await courtWorld(t);
    const filed = await world.fileCase();
    caseId = filed.caseId;
    tracking = { url: filed.trackingUrl, pin: filed.pin };
    const { sealed } = await world.seal(caseId);
    caseNumber = sealed.record.caseNumber;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the mediator reads what it is, confirms, downloads it; the application reads as filled from the case', async () => {
    const page = await signedIn(USERNAMES.mediator);
    await openCase(page);
    const panel = page.getByTestId('court-package');
    await panel.waitFor();
    const text = await panel.innerText();
    expect(text).toContain('司法确认材料包');
    expect(text).toContain('三十日');
    expect(text).toContain('不构成法律意见');
    expect(await page.getByTestId('court-deadline').innerText()).toMatch(/请在 2027年2月14日 前提出申请，还剩 \d+ 天/);
    // No stored values on the Chinese page: no dates as ISO, no English.
    for (const raw of ['2027-02-14', 'court.', 'ZIP file', 'deadline']) expect(text, raw).not.toContain(raw);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'court-staff-case-zh');

    // Asked first (it shows the borrower's identifiers and is recorded); cancelling downloads nothing.
    await page.getByTestId('court-download').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('身份证号码');
    await screenshot(page, 'court-confirm-zh');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await t.server.audit.all(caseId)).filter((e) => e.kind === 'court.package')).toHaveLength(0);

    await page.getByTestId('court-download').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('dialog').getByRole('button', { name: '下载材料包（ZIP）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`accord-court-${caseNumber}.zip`);
    const dir = makeTempDir('accord-court-e2e-');
    const zip = join(dir, download.suggestedFilename());
    await download.saveAs(zip);
    await page.getByTestId('court-downloaded').waitFor();
    execFileSync('unzip', ['-q', zip, '-d', join(dir, 'out')]);
    const out = join(dir, 'out');
    const manifest = CourtPackageManifest.parse(JSON.parse(readFileSync(join(out, COURT_FILES.manifest), 'utf8')));
    expect(manifest.files.map((f) => f.path)).toContain(COURT_FILES.application);
    const application = execFileSync('pdftotext', [join(out, COURT_FILES.application), '-'], { encoding: 'utf8' });
    for (const expected of [
      '王小红',
      '110101199003071234',
      '甲消费金融有限公司',
      ORGANISATION,
      '张调解',
      '2027年1月15日',
    ]) {
      expect(application.replace(/\s+/g, ''), expected).toContain(expected);
    }
    // The first page of the application, small, to look at.
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      join(out, COURT_FILES.application),
      join(ARTIFACTS, 'court-application-zh'),
    ]);
    execFileSync('pdftoppm', [
      '-r',
      '60',
      '-png',
      join(out, COURT_FILES.evidencePdf),
      join(ARTIFACTS, 'court-evidence-zh'),
    ]);
    expect(readdirSync(ARTIFACTS).filter((f) => f.startsWith('court-application-zh'))).not.toHaveLength(0);
    // The download is in the case's history, as reveals of the identifiers.
    const download1 = (await t.server.audit.all(caseId)).filter((e) => e.kind === 'court.package');
    expect(download1).toHaveLength(1);
    expect(download1[0]?.data).toMatchObject({ role: 'mediator' });
    await page.context().close();
  });

  it("the lender's staff see the window to apply in and who prepares the package, and no download", async () => {
    const page = await signedIn(USERNAMES.lender);
    await openCase(page);
    const panel = page.getByTestId('court-package');
    await panel.waitFor();
    expect(await page.getByTestId('court-ask').innerText()).toContain('由调解中心或调解员准备');
    expect(await page.getByTestId('court-download').count()).toBe(0);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'court-lender-zh');
    await page.context().close();
  });

  it('the borrower, on a 375 px phone, finds their own package on their tracking page and downloads it', async () => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 375, height: 740 },
      isMobile: true,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    // The link the borrower was given when filing, opened with its PIN.
    await page.goto(tracking.url.replace(/^https?:\/\/[^/]+/, t.url));
    await page.getByLabel('PIN 码').fill(tracking.pin);
    await page.getByRole('button', { name: '登录' }).click();
    const panel = page.getByTestId('court-package');
    await panel.waitFor();
    expect(await page.getByTestId('court-deadline').innerText()).toContain('2027年2月14日');
    // Their own identifiers: said so, in the second person.
    expect(await panel.innerText()).toContain('您的完整姓名');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'court-borrower-375-zh');
    await page.getByTestId('court-download').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('dialog').getByRole('button', { name: '下载材料包（ZIP）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`accord-court-${caseNumber}.zip`);
    await page.getByTestId('court-downloaded').waitFor();
    const last = (await t.server.audit.all(caseId)).filter((e) => e.kind === 'court.package').at(-1);
    expect(last?.data).toMatchObject({ role: 'customer' });
    await context.close();
  });
});
