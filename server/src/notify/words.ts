import { formatCents, type CaseLanguage, type CaseRole, type OutcomeKind } from '@accord/shared';

/** What each notice says, per language; the facts come in already formatted for that language. */
export interface NoticeWords {
  role: Record<CaseRole, string>;
  outcome: Record<OutcomeKind, string>;
  amount(cents: number): string;
  greeting(name: string | null): string;
  signature: string;
  acceptedSubject(caseNo: string): string;
  acceptedBody(caseNo: string, title: string, link: string): string;
  addedSubject(caseNo: string): string;
  addedBody(caseNo: string, title: string, role: string, link: string): string;
  scheduledSubject(caseNo: string, when: string): string;
  scheduledBody(f: SessionFacts): string;
  reminderSubject(caseNo: string, inHowLong: string): string;
  reminderBody(f: SessionFacts & { inHowLong: string }): string;
  sealedSubject(caseNo: string): string;
  /** `survey`: the reader is a party who can answer the anonymous survey on the page the link opens. */
  sealedBody(caseNo: string, title: string, outcome: string, link: string, pdf: boolean, survey: boolean): string;
  /** A question about the contract was asked (to the lender's representative): never its text. */
  questionSubject(caseNo: string): string;
  questionBody(caseNo: string, title: string, link: string): string;
  /** A question was answered (to the customer): never the text. */
  answerSubject(caseNo: string): string;
  answerBody(caseNo: string, title: string, link: string): string;
}

export interface SessionFacts {
  caseNo: string;
  title: string;
  when: string;
  minutes: number;
  amount: string;
  link: string;
  calendarLink: string;
}

const zh: NoticeWords = {
  role: { customer: '投诉人', platform: '金融机构代表', mediator: '调解员', observer: '观察员', admin: '管理员' },
  outcome: { settled: '达成调解协议', not_settled: '未达成调解协议', withdrawn: '投诉已撤回' },
  amount: (cents) => `人民币 ${formatCents(cents)} 元`,
  greeting: (name) => (name ? `${name}，您好：` : '您好：'),
  signature: '—— Accord 在线调解',
  acceptedSubject: (no) => `【${no}】您的投诉已受理`,
  acceptedBody: (no, title, link) =>
    `您的投诉（案件编号 ${no}，${title}）已受理，接下来将为您指派调解员并安排调解会议。\n\n` +
    `请用您提交投诉时获得的跟踪链接和 PIN 码查看进度：\n${link}`,
  addedSubject: (no) => `【${no}】您已被加入调解案件`,
  addedBody: (no, title, role, link) => `您已作为${role}被加入案件 ${no}（${title}）。\n\n打开案件：\n${link}`,
  scheduledSubject: (no, when) => `【${no}】调解会议已安排：${when}`,
  scheduledBody: (f) =>
    `案件 ${f.caseNo}（${f.title}）的调解会议已安排。\n\n` +
    `时间：${f.when}\n时长：${f.minutes} 分钟\n争议金额：${f.amount}\n\n` +
    `进入方式：\n${f.link}\n\n` +
    `附件中的日历文件（.ics）可加入您的日历；也可通过此链接加入：\n${f.calendarLink}`,
  reminderSubject: (no, inHowLong) => `【${no}】提醒：调解会议将于${inHowLong}开始`,
  reminderBody: (f) =>
    `提醒：案件 ${f.caseNo}（${f.title}）的调解会议将于${f.inHowLong}开始。\n\n` +
    `时间：${f.when}\n时长：${f.minutes} 分钟\n\n进入方式：\n${f.link}`,
  sealedSubject: (no) => `【${no}】调解结果已封存`,
  sealedBody: (no, title, outcome, link, pdf, survey) =>
    `案件 ${no}（${title}）的调解结果已签署封存：${outcome}。\n\n` +
    (pdf ? '附件为调解结果记录（PDF），其中嵌有可供核验的签名记录。\n\n' : '') +
    `查看记录：\n${link}` +
    (survey
      ? '\n\n在同一页面上，您可以花一分钟填写一份匿名问卷，告诉我们这次调解的感受；其他参与方看不到您的单独回答。'
      : ''),
  questionSubject: (no) => `【${no}】申请人就合同提出了问题`,
  questionBody: (no, title, link) =>
    `案件 ${no}（${title}）的申请人就合同提出了问题，请在调解会议前答复。\n\n打开案件：\n${link}`,
  answerSubject: (no) => `【${no}】您的问题已获答复`,
  answerBody: (no, title, link) =>
    `您就案件 ${no}（${title}）的合同提出的问题已获答复。\n\n请用跟踪链接和 PIN 码查看：\n${link}`,
};

const en: NoticeWords = {
  role: {
    customer: 'complainant',
    platform: "lender's representative",
    mediator: 'mediator',
    observer: 'observer',
    admin: 'administrator',
  },
  outcome: {
    settled: 'a settlement was signed',
    not_settled: 'no settlement was reached',
    withdrawn: 'the complaint was withdrawn',
  },
  amount: (cents) => `RMB ${formatCents(cents)}`,
  greeting: (name) => (name ? `Dear ${name},` : 'Hello,'),
  signature: '— Accord online mediation',
  acceptedSubject: (no) => `[${no}] Your complaint has been accepted`,
  acceptedBody: (no, title, link) =>
    `Your complaint (case ${no}, ${title}) has been accepted. A mediator will be assigned and a session scheduled.\n\n` +
    `Follow it with the tracking link and PIN you were given when you filed it:\n${link}`,
  addedSubject: (no) => `[${no}] You were added to a mediation case`,
  addedBody: (no, title, role, link) =>
    `You were added to case ${no} (${title}) as ${role}.\n\nOpen the case:\n${link}`,
  scheduledSubject: (no, when) => `[${no}] Mediation session scheduled: ${when}`,
  scheduledBody: (f) =>
    `The mediation session of case ${f.caseNo} (${f.title}) is scheduled.\n\n` +
    `When: ${f.when}\nLength: ${f.minutes} minutes\nAmount in dispute: ${f.amount}\n\n` +
    `How to join:\n${f.link}\n\n` +
    `The attached calendar file (.ics) adds it to your calendar, or use this link:\n${f.calendarLink}`,
  reminderSubject: (no, inHowLong) => `[${no}] Reminder: the mediation session starts ${inHowLong}`,
  reminderBody: (f) =>
    `A reminder: the mediation session of case ${f.caseNo} (${f.title}) starts ${f.inHowLong}.\n\n` +
    `When: ${f.when}\nLength: ${f.minutes} minutes\n\nHow to join:\n${f.link}`,
  sealedSubject: (no) => `[${no}] The outcome of your mediation was sealed`,
  sealedBody: (no, title, outcome, link, pdf, survey) =>
    `The outcome of case ${no} (${title}) was signed and sealed: ${outcome}.\n\n` +
    (pdf ? 'The outcome record is attached as a PDF; it carries the signed record, which anyone can verify.\n\n' : '') +
    `See the record:\n${link}` +
    (survey
      ? '\n\nOn the same page, a one-minute anonymous survey asks how the mediation went for you; the other parties never see your answers.'
      : ''),
  questionSubject: (no) => `[${no}] The complainant asked a question about the contract`,
  questionBody: (no, title, link) =>
    `The complainant of case ${no} (${title}) asked a question about the contract. Please answer it before the session.\n\nOpen the case:\n${link}`,
  answerSubject: (no) => `[${no}] Your question was answered`,
  answerBody: (no, title, link) =>
    `Your question about the contract of case ${no} (${title}) was answered.\n\nRead it with your tracking link and PIN:\n${link}`,
};

export const NOTICE_WORDS: Record<CaseLanguage, NoticeWords> = { 'zh-CN': zh, en };

/** A session's start as its reader reads it: in the case's zone, in their language, the zone named. */
export function sessionWhen(start: Date, timeZone: string, language: CaseLanguage): string {
  return new Intl.DateTimeFormat(language, {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(start);
}

/** "in 2 hours" / "2小时后", rounded to what a reminder means (hours, else minutes). */
export function inHowLong(ms: number, language: CaseLanguage): string {
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes >= 90 ? rtf.format(Math.round(minutes / 60), 'hour') : rtf.format(minutes, 'minute');
}
