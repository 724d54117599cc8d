import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import ICAL from 'ical.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress, IntakeResult } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { makeTempDir, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * A real SMTP server in the test's process: what Accord sends arrives here over SMTP and is parsed
 * as a mail client would. It can be stopped and started again on the same port (an SMTP outage).
 */
class Inbox {
  readonly mails: ParsedMail[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = new SMTPServer({
      // Plain SMTP on loopback: no certificate to offer, no sign-in to ask for.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, done) => {
        simpleParser(stream)
          .then((mail) => {
            this.mails.push(mail);
            done();
          })
          .catch((err: Error) => done(err));
      },
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ParsedMail[] {
    return this.mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes(address)));
  }
}

const CUSTOMER = 'wang.xiaohong@example.cn';
const MEDIATOR = 'zhang.mediator@example.cn';
const PASSWORD = 'correct horse battery';

/** Local wall-clock time in Asia/Shanghai (UTC+8, no daylight saving) of an instant, as ScheduleBody takes it. */
const shanghaiLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);

/** Accord configured to send through `inbox`, reminders at `reminders` (ms before the session). */
function mailEnv(inbox: Inbox, reminders = '86400000,3600000'): Record<string, string> {
  return {
    ACCORD_SMTP_HOST: '127.0.0.1',
    ACCORD_SMTP_PORT: String(inbox.port),
    ACCORD_MAIL_FROM: 'Accord <noreply@accord.test>',
    ACCORD_MAIL_REMINDERS_MS: reminders,
    ACCORD_MAIL_POLL_MS: '50',
    ACCORD_MAIL_RETRY_MS: '100',
  };
}

/** Staff accounts (a reviewer, an admin, a mediator with an address) on `t`, signed in. */
async function staffOf(t: TestServer) {
  const call = httpClient(() => t.url);
  const account = async (
    username: string,
    staffRole: 'platform' | 'reviewer' | 'admin' | 'mediator',
    email?: string,
    lenderId?: string,
  ) => {
    const user = await t.server.cases.createStaff(null, {
      username,
      displayName: username,
      staffRole,
      password: PASSWORD,
      ...(email ? { email } : {}),
      ...(lenderId ? { lenderId } : {}),
    });
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, { username, password: PASSWORD });
    return { token: login.body.token, id: user.id };
  };
  const lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
  return {
    lenderId,
    // The lender's representative in the room, chosen at acceptance.
    lender: await account('lender.wang', 'platform', undefined, lenderId),
    reviewer: await account('reviewer.li', 'reviewer'),
    admin: await account('centre.admin', 'admin'),
    mediator: await account('mediator.zhang', 'mediator', MEDIATOR),
  };
}
type Staff = Awaited<ReturnType<typeof staffOf>>;

/** Files a Chinese complaint with the customer's address and takes it through review to an assigned mediator. */
async function acceptedCase(
  t: TestServer,
  staff: Staff,
  email: string | null = CUSTOMER,
  language: 'zh-CN' | 'en' = 'zh-CN',
): Promise<IntakeResult> {
  const call = httpClient(() => t.url);
  const fields = { ...complaint({ lenderId: staff.lenderId, ...(email ? { email } : {}) }), language };
  const filed = await call<IntakeResult>(
    'POST',
    '/api/intake',
    undefined,
    form(fields, [{ name: 'contract.pdf', data: pdf() }]),
  );
  expect(filed.status).toBe(201);
  const id = filed.body.caseId;
  expect((await call('POST', `/api/cases/${id}/review`, staff.reviewer.token, { decision: 'start' })).status).toBe(200);
  const accepted = await call<CaseProgress>('POST', `/api/cases/${id}/review`, staff.reviewer.token, {
    decision: 'accept',
    platformUserId: staff.lender.id,
    reason: '材料齐全，费用争议属受理范围。',
    overrideReason: '测试：审核人已核对材料。',
  });
  expect(accepted.body.status).toBe('accepted');
  const assigned = await call<CaseProgress>('POST', `/api/cases/${id}/assign`, staff.admin.token, {
    mediatorUserId: staff.mediator.id,
  });
  expect(assigned.body.status).toBe('mediator_assigned');
  return filed.body;
}

async function schedule(t: TestServer, staff: Staff, caseId: string, startsAt: string): Promise<void> {
  const call = httpClient(() => t.url);
  const res = await call<CaseProgress>('POST', `/api/cases/${caseId}/schedule`, staff.mediator.token, {
    startsAt,
    timeZone: 'Asia/Shanghai',
    durationMinutes: 90,
  });
  expect(res.body.status).toBe('scheduled');
}

/** The case's outbox once nothing in it waits any more (each message sent or dropped). */
const settled = (t: TestServer, caseId: string) =>
  waitFor(async () => {
    const list = await t.server.store.listMail(caseId);
    return list.every((m) => m.sentAt !== null || m.droppedAt !== null) ? list : null;
  }, 'the outbox of the case settled');

describe('notices by e-mail through a real SMTP server', () => {
  const inbox = new Inbox();
  let t: TestServer;
  let staff: Staff;
  let intake: IntakeResult;

  beforeAll(async () => {
    await inbox.start();
    t = await startServer({ env: mailEnv(inbox) });
    staff = await staffOf(t);
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });

  it('a Chinese complaint: the customer is invited in Chinese at acceptance, the mediator when assigned', async () => {
    intake = await acceptedCase(t, staff);
    const [invitation] = await waitFor(() => (inbox.to(CUSTOMER).length > 0 ? inbox.to(CUSTOMER) : null), 'invitation');
    expect(invitation?.subject).toBe(`【${intake.caseNumber}】您的投诉已受理`);
    expect(invitation?.from?.value).toEqual([{ name: 'Accord', address: 'noreply@accord.test' }]);
    expect(invitation?.text).toContain('王小红，您好');
    expect(invitation?.text).toContain(intake.trackingUrl);
    // Nothing the customer did not give: no phone, no ID number.
    expect(invitation?.text).not.toMatch(/13812345678|110101199003071234/);
    // The Message-ID is the outbox message's: a copy sent twice is recognisably the same message.
    const [queued] = (await t.server.store.listMail(intake.caseId)).filter((m) => m.recipient.startsWith('customer:'));
    expect(invitation?.messageId).toBe(`<${queued?.id}@localhost>`);
    // The address is kept with the encrypted personal data: not in the database file in the clear, but
    // in the customer's own export.
    for (const name of ['accord.db', 'accord.db-wal']) {
      const path = join(t.dataDir, name);
      if (existsSync(path)) expect(readFileSync(path).includes(CUSTOMER), name).toBe(false);
    }
    const call = httpClient(() => t.url);
    const trackingId = intake.trackingUrl.split('/track/')[1] ?? '';
    const signIn = await call<{ token: string }>('POST', `/api/track/${trackingId}/sign-in`, undefined, {
      pin: intake.pin,
    });
    const exported = await call<{ personalData: { email: string } }>(
      'GET',
      `/api/cases/${intake.caseId}/export`,
      signIn.body.token,
    );
    expect(exported.body.personalData.email).toBe(CUSTOMER);
    const [added] = await waitFor(() => (inbox.to(MEDIATOR).length > 0 ? inbox.to(MEDIATOR) : null), 'mediator told');
    expect(added?.subject).toBe(`【${intake.caseNumber}】您已被加入调解案件`);
    expect(added?.text).toContain(`您已作为调解员被加入案件 ${intake.caseNumber}`);
    expect(added?.text).toContain(`${t.url}/staff/cases/${intake.caseId}`);
  });

  it('an English complaint is written to in English; a complaint without an address queues nothing for its customer', async () => {
    const english = await acceptedCase(t, staff, 'ms.wang@example.com', 'en');
    const [mail] = await waitFor(() => {
      const got = inbox.to('ms.wang@example.com');
      return got.length > 0 ? got : null;
    }, 'the English invitation');
    expect(mail?.subject).toBe(`[${english.caseNumber}] Your complaint has been accepted`);
    expect(mail?.text).toContain('Dear 王小红,');
    const silent = await acceptedCase(t, staff, null);
    const queued = await t.server.store.listMail(silent.caseId);
    expect(queued.filter((m) => m.recipient.startsWith('customer:'))).toEqual([]);
    // The mediator, who has an address, is still told.
    expect(queued.map((m) => m.recipient)).toEqual([`user:${staff.mediator.id}`]);
  });

  it('scheduling: a calendar file with the start in UTC and the zone, a calendar link, reminders queued and replaced', async () => {
    const before = inbox.mails.length;
    await schedule(t, staff, intake.caseId, '2027-03-15T14:00:00');
    const mails = await waitFor(() => {
      const got = inbox.mails.slice(before).filter((m) => m.subject?.includes('调解会议已安排'));
      return got.length === 2 ? got : null;
    }, 'the schedule to the customer and the mediator');
    const toCustomer = mails.find((m) => m.to && !Array.isArray(m.to) && m.to.text.includes(CUSTOMER));
    expect(toCustomer?.subject).toContain('2027年3月15日');
    expect(toCustomer?.text).toContain('14:00');
    expect(toCustomer?.text).toContain('争议金额：人民币 1,280.00 元');
    expect(toCustomer?.text).toContain('calendar.google.com/calendar/render?action=TEMPLATE');
    expect(toCustomer?.text).toContain('dates=20270315T060000Z%2F20270315T073000Z');
    const ics = toCustomer?.attachments.find((a) => a.filename === 'session.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(ics?.content.toString('utf8') ?? '') as unknown[]);
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Asia/Shanghai');
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent') ?? undefined);
    // 14:00 in Shanghai is 06:00 UTC.
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-03-15T06:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2027-03-15T07:30:00.000Z');
    expect(event.startDate.zone?.tzid).toBe('UTC');
    expect(event.summary).toContain(intake.caseNumber);

    // Two reminders per person, 24 h and 1 h before, waiting for their time.
    const reminders = async () =>
      (await t.server.store.listMail(intake.caseId)).filter((m) => m.kind === 'reminder' && m.droppedAt === null);
    expect((await reminders()).map((m) => m.notBefore).sort()).toEqual([
      '2027-03-14T06:00:00.000Z',
      '2027-03-14T06:00:00.000Z',
      '2027-03-15T05:00:00.000Z',
      '2027-03-15T05:00:00.000Z',
    ]);
    // Rescheduling cancels them and queues the new ones.
    await schedule(t, staff, intake.caseId, '2027-03-16T09:30:00');
    expect((await reminders()).map((m) => m.notBefore).sort()).toEqual([
      '2027-03-15T01:30:00.000Z',
      '2027-03-15T01:30:00.000Z',
      '2027-03-16T00:30:00.000Z',
      '2027-03-16T00:30:00.000Z',
    ]);
    const cancelled = (await t.server.store.listMail(intake.caseId)).filter((m) => m.dropReason === 'rescheduled');
    expect(cancelled.filter((m) => m.kind === 'reminder')).toHaveLength(4);
  });

  it('an SMTP outage: the notice is retried and delivered once when the server is back', async () => {
    await inbox.stop();
    const c = await acceptedCase(t, staff, 'outage@example.cn');
    const failing = await waitFor(async () => {
      const [m] = (await t.server.store.listMail(c.caseId)).filter((x) => x.recipient.startsWith('customer:'));
      return m && m.attempts >= 2 && m.lastError !== null ? m : null;
    }, 'two failed attempts');
    expect(failing.sentAt).toBeNull();
    await inbox.start();
    await waitFor(() => inbox.to('outage@example.cn').length > 0, 'delivered after the outage');
    const [sent] = (await settled(t, c.caseId)).filter((x) => x.recipient.startsWith('customer:'));
    expect(sent?.sentAt).not.toBeNull();
    expect(inbox.to('outage@example.cn')).toHaveLength(1);
  });

  it('the sealed outcome goes to the customer and the mediator with the PDF attached', async () => {
    const room = await connectRoom(t.url, staff.mediator.token, intake.caseId);
    const res = await emit(room, 'outcome:seal', { outcome: 'not_settled', reason: '双方未能就退费金额达成一致。' });
    expect(res.error).toBeUndefined();
    room.close();
    const sealed = await waitFor(() => {
      const got = inbox.mails.filter((m) => m.subject === `【${intake.caseNumber}】调解结果已封存`);
      return got.length === 2 ? got : null;
    }, 'the outcome mails');
    for (const mail of sealed) {
      expect(mail.text).toContain('未达成调解协议');
      const [attached] = mail.attachments;
      expect(attached?.filename).toBe(`${intake.caseNumber}.pdf`);
      expect(attached?.contentType).toBe('application/pdf');
      expect(attached?.content.subarray(0, 5).toString()).toBe('%PDF-');
      // The customer's link opens their tracking page, where their anonymous survey waits; not the mediator's.
      const toCustomer = (Array.isArray(mail.to) ? mail.to : [mail.to]).some((a) => a?.text.includes(CUSTOMER));
      expect(mail.text?.includes('匿名问卷'), String(mail.to && JSON.stringify(mail.to))).toBe(toCustomer);
    }
  });
});

describe('reminders across a restart', () => {
  const inbox = new Inbox();
  beforeAll(() => inbox.start());
  afterAll(() => inbox.stop());

  it('each reminder is sent once, by the node that runs when it is due, though scheduled on another', async () => {
    const dataDir = makeTempDir();
    // Reminders 12 s and 6 s before a session 20 s ahead, instead of 24 h and 1 h.
    const env = mailEnv(inbox, '12000,6000');
    const first = await startServer({ dataDir, env });
    const staff = await staffOf(first);
    const c = await acceptedCase(first, staff, 'restart@example.cn');
    const start = Math.ceil((Date.now() + 20_000) / 1000) * 1000;
    await schedule(first, staff, c.caseId, shanghaiLocal(start));
    await first.close();

    const second = await startServer({ dataDir, env });
    try {
      const outbox = await waitFor(async () => {
        const list = await second.server.store.listMail(c.caseId);
        const reminders = list.filter((m) => m.kind === 'reminder');
        return reminders.length === 4 && reminders.every((m) => m.sentAt !== null || m.droppedAt !== null)
          ? list
          : null;
      }, 'both reminders handled for both people');
      const reminders = outbox.filter((m) => m.kind === 'reminder');
      expect(reminders.map((m) => m.dropReason)).toEqual([null, null, null, null]);
      for (const address of ['restart@example.cn', MEDIATOR]) {
        const got = inbox.to(address).filter((m) => m.subject?.includes('提醒'));
        expect(got, address).toHaveLength(2);
        expect(new Set(got.map((m) => m.messageId)).size).toBe(2);
        // Said relative to when it goes, in minutes at the least.
        expect(got.every((m) => /将于\d+分钟后开始/.test(m.subject ?? ''))).toBe(true);
        expect(inbox.to(address).filter((m) => m.subject?.includes('调解会议已安排'))).toHaveLength(1);
      }
      // Each reminder was sent no earlier than its time.
      for (const m of reminders) expect(Date.parse(m.sentAt ?? '')).toBeGreaterThanOrEqual(Date.parse(m.notBefore));
    } finally {
      await second.close();
    }
  });

  it('without SMTP notices wait in the outbox; a reminder whose session has begun is then dropped, not sent late', async () => {
    const dataDir = makeTempDir();
    const env = mailEnv(inbox, '12000,6000');
    // The first node has no SMTP server: everything it queues waits.
    const { ACCORD_SMTP_HOST: _host, ...withoutSmtp } = env;
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const first = await startServer({ dataDir, env: withoutSmtp, log: pino({ level: 'info' }, sink) });
    const staff = await staffOf(first);
    const c = await acceptedCase(first, staff, 'late@example.cn');
    const start = Math.ceil((Date.now() + 3_000) / 1000) * 1000;
    await schedule(first, staff, c.caseId, shanghaiLocal(start));
    expect((await first.server.store.listMail(c.caseId)).every((m) => m.sentAt === null)).toBe(true);
    // Said once, not at every message.
    expect(lines.filter((l) => l.includes('"event":"mail.disabled"'))).toHaveLength(1);
    await first.close();
    await waitFor(() => Date.now() > start, 'the session to begin');

    const second = await startServer({ dataDir, env });
    try {
      const outbox = await settled(second, c.caseId);
      const reminders = outbox.filter((m) => m.kind === 'reminder');
      expect(reminders.map((m) => [m.sentAt, m.dropReason])).toEqual(Array(4).fill([null, 'expired']));
      expect(inbox.to('late@example.cn').filter((m) => m.subject?.includes('提醒'))).toEqual([]);
      // What was still worth saying went once the SMTP server was there: the invitation and the schedule.
      expect(inbox.to('late@example.cn').map((m) => m.subject?.replace(/^【[^】]+】/, ''))).toEqual([
        '您的投诉已受理',
        expect.stringContaining('调解会议已安排'),
      ]);
    } finally {
      await second.close();
    }
  });
});
