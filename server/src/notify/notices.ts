import { z } from 'zod';
import { CaseRole, type CaseLanguage, type CaseProgress, type SealedOutcome, type SessionTime } from '@accord/shared';
import type { PiiVault } from '../cases/pii';
import { newId } from '../lib/ids';
import type {
  CaseRecord,
  CaseStore,
  MemberStore,
  NewOutboxMessage,
  OutboxRecord,
  OutboxStore,
  UserStore,
} from '../store/types';
import { addToCalendarUrl, icsOf, type IcsEvent } from './ics';
import { zonedToUtc } from './time';
import { inHowLong, NOTICE_WORDS, sessionWhen } from './words';

const Session = z.object({ startsAt: z.string(), timeZone: z.string(), durationMinutes: z.int() });
/** What an outbox message is about; its words are written when it is sent. */
const Payload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accepted') }),
  z.object({ kind: z.literal('added'), role: CaseRole }),
  z.object({ kind: z.literal('scheduled'), session: Session, sequence: z.int() }),
  z.object({ kind: z.literal('reminder'), session: Session, offsetMs: z.int() }),
  z.object({ kind: z.literal('outcome') }),
  z.object({ kind: z.literal('question') }),
  z.object({ kind: z.literal('answer') }),
]);
type Payload = z.infer<typeof Payload>;

/** The outbox kinds: an invitation (accepted, added), the schedule, a reminder, the sealed outcome. */
const KIND: Record<Payload['kind'], string> = {
  accepted: 'invitation',
  added: 'invitation',
  scheduled: 'scheduled',
  reminder: 'reminder',
  outcome: 'outcome',
  question: 'question',
  answer: 'answer',
};

/** A message ready for SMTP. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  attachments: { filename: string; content: Buffer | string; contentType: string }[];
}

interface Recipient {
  ref: string;
  address: string;
  name: string | null;
  language: CaseLanguage;
  role: CaseRole;
  /** Staff open the case's pages; the customer their tracking page. */
  staff: boolean;
}

export interface NoticeDeps {
  store: CaseStore & MemberStore & UserStore & OutboxStore;
  pii: PiiVault;
  publicUrl: () => string;
  reminderOffsetsMs: readonly number[];
  sealedRecord: (caseId: string) => Promise<SealedOutcome | null>;
  renderPdf: (sealed: SealedOutcome) => Promise<Buffer>;
  /** Something was queued: the sender may look sooner than its next poll. */
  queued: () => void;
}

/**
 * What Accord tells people by e-mail, and when: queued in the outbox as events happen (an invitation
 * when a complaint is accepted or a staff member is added to a case, the schedule and its reminders,
 * the sealed outcome), written in the recipient's language only when sent. A message names its
 * recipient, not their address, which is looked up when it goes (the customer's is with the
 * encrypted personal data; staff have theirs on their account). Nobody without an address gets one.
 */
export class NoticeService {
  constructor(private readonly d: NoticeDeps) {}

  /** A case moved: what its new status tells people. */
  async progressChanged(p: CaseProgress): Promise<void> {
    if (p.status === 'accepted') await this.caseAccepted(p.caseId);
    else if (p.status === 'scheduled' && p.session) await this.sessionScheduled(p.caseId, p.session);
    else if (p.status === 'mediator_assigned') {
      const c = await this.d.store.getCase(p.caseId);
      if (c?.mediatorId) await this.memberAdded(c.id, c.mediatorId, 'mediator');
    }
  }

  /** The complaint was accepted: the customer is told how to follow it. */
  async caseAccepted(caseId: string): Promise<void> {
    const c = await this.d.store.getCase(caseId);
    if (!c) return;
    const to = await this.recipient(`customer:${caseId}`, c);
    if (to) await this.enqueue(c, [to], { kind: 'accepted' });
  }

  /** A staff member was added to a case (or assigned as its mediator). */
  async memberAdded(caseId: string, userId: string, role: CaseRole): Promise<void> {
    const c = await this.d.store.getCase(caseId);
    if (!c || role === 'customer') return;
    const to = await this.recipient(`user:${userId}`, c, role);
    if (to) await this.enqueue(c, [to], { kind: 'added', role });
  }

  /**
   * The session was (re)scheduled: what was queued for the old time and not yet on its way is
   * cancelled; the schedule goes now and each reminder at its time before the session.
   */
  async sessionScheduled(caseId: string, session: SessionTime): Promise<void> {
    const c = await this.d.store.getCase(caseId);
    if (!c) return;
    await this.d.store.cancelMail(caseId, ['scheduled', 'reminder'], new Date().toISOString(), 'rescheduled');
    const to = await this.recipients(c);
    if (to.length === 0) return;
    const start = zonedToUtc(session.startsAt, session.timeZone).getTime();
    const offsets = [...this.d.reminderOffsetsMs].sort((a, b) => b - a);
    const messages = this.messages(c, to, { kind: 'scheduled', session, sequence: Math.floor(Date.now() / 1000) });
    offsets.forEach((offsetMs, i) => {
      // A reminder missed while no node ran still goes, late, while the session is ahead, unless the
      // next reminder's time has come too: then that one says it.
      const next = offsets[i + 1];
      const expiresAt = new Date(next === undefined ? start : start - next).toISOString();
      messages.push(
        ...this.messages(
          c,
          to,
          { kind: 'reminder', session, offsetMs },
          new Date(start - offsetMs).toISOString(),
          expiresAt,
        ),
      );
    });
    await this.d.store.enqueueMail(messages);
    this.d.queued();
  }

  async outcomeSealed(caseId: string): Promise<void> {
    const c = await this.d.store.getCase(caseId);
    if (!c) return;
    const to = await this.recipients(c);
    if (to.length > 0) await this.enqueue(c, to, { kind: 'outcome' });
  }

  /** A question about the contract was asked: the lender's representatives on the case are told (not what). */
  async questionAsked(caseId: string): Promise<void> {
    const c = await this.d.store.getCase(caseId);
    if (!c) return;
    const members = (await this.d.store.listMembers(c.id)).filter((m) => m.removedAt === null && m.role === 'platform');
    const found = await Promise.all(members.map((m) => this.recipient(`user:${m.userId}`, c)));
    const to = found.filter((r): r is Recipient => r !== null);
    if (to.length > 0) await this.enqueue(c, to, { kind: 'question' });
  }

  /** A question was answered: the customer is told (not what), if they gave an address. */
  async questionAnswered(caseId: string): Promise<void> {
    const c = await this.d.store.getCase(caseId);
    if (!c) return;
    const to = await this.recipient(`customer:${caseId}`, c);
    if (to) await this.enqueue(c, [to], { kind: 'answer' });
  }

  /**
   * Writes a queued message, or says why it is not to be sent: its recipient has no address any
   * more (or the case was purged), the session it speaks of was moved, the outcome is missing.
   */
  async render(m: OutboxRecord, host: string): Promise<{ mail: Mail } | { drop: string }> {
    const payload = Payload.safeParse(JSON.parse(m.payload));
    if (!payload.success || !m.caseId) return { drop: 'unreadable' };
    const c = await this.d.store.getCase(m.caseId);
    if (!c || c.purgedAt) return { drop: 'no_case' };
    const p = payload.data;
    const to = await this.recipient(m.recipient, c, p.kind === 'added' ? p.role : null);
    if (!to) return { drop: 'no_address' };
    const w = NOTICE_WORDS[to.language];
    const base = this.d.publicUrl();
    const caseLink = to.staff ? `${base}/staff/cases/${c.id}` : this.trackingLink(c);
    const roomLink = to.staff ? `${base}/cases/${c.id}` : this.trackingLink(c);
    const mail = (subject: string, body: string, attachments: Mail['attachments'] = []) => ({
      mail: {
        to: to.address,
        subject,
        text: `${w.greeting(to.name)}\n\n${body}\n\n${w.signature}\n`,
        messageId: `<${m.id}@${host}>`,
        attachments,
      },
    });
    switch (p.kind) {
      case 'accepted':
        return mail(w.acceptedSubject(c.number), w.acceptedBody(c.number, c.title, caseLink));
      case 'added':
        return mail(w.addedSubject(c.number), w.addedBody(c.number, c.title, w.role[p.role], caseLink));
      case 'scheduled':
      case 'reminder': {
        const s = c.session;
        if (!s || s.startsAt !== p.session.startsAt || s.timeZone !== p.session.timeZone)
          return { drop: 'rescheduled' };
        if (c.status !== 'scheduled') return { drop: 'not_scheduled' };
        const start = zonedToUtc(s.startsAt, s.timeZone);
        const when = sessionWhen(start, s.timeZone, to.language);
        const event: IcsEvent = {
          uid: `${c.id}-session@${host}`,
          sequence: p.kind === 'scheduled' ? p.sequence : 0,
          start,
          end: new Date(start.getTime() + s.durationMinutes * 60_000),
          timeZone: s.timeZone,
          summary: `${c.number} ${c.title}`,
          description: `${when}, ${s.durationMinutes} min`,
          url: roomLink,
          stamp: new Date(),
        };
        const facts = {
          caseNo: c.number,
          title: c.title,
          when,
          minutes: s.durationMinutes,
          amount: w.amount(c.amountInDisputeCents),
          link: roomLink,
          calendarLink: addToCalendarUrl(event),
        };
        if (p.kind === 'reminder') {
          const left = inHowLong(start.getTime() - Date.now(), to.language);
          return mail(w.reminderSubject(c.number, left), w.reminderBody({ ...facts, inHowLong: left }));
        }
        return mail(w.scheduledSubject(c.number, when), w.scheduledBody(facts), [
          {
            filename: 'session.ics',
            content: icsOf(event),
            contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
          },
        ]);
      }
      case 'question':
        return mail(w.questionSubject(c.number), w.questionBody(c.number, c.title, caseLink));
      case 'answer':
        return mail(w.answerSubject(c.number), w.answerBody(c.number, c.title, caseLink));
      case 'outcome': {
        const sealed = await this.d.sealedRecord(c.id);
        if (!sealed) return { drop: 'no_record' };
        const pdf = await this.d.renderPdf(sealed);
        const link = to.staff ? `${base}/cases/${c.id}/record` : this.trackingLink(c);
        return mail(
          w.sealedSubject(c.number),
          // The customer's link is their tracking page, where their survey waits (staff answer theirs in the room).
          w.sealedBody(c.number, c.title, w.outcome[sealed.record.outcome.kind], link, true, !to.staff),
          [{ filename: `${c.number}.pdf`, content: pdf, contentType: 'application/pdf' }],
        );
      }
    }
  }

  private trackingLink(c: CaseRecord): string {
    return c.tracking ? `${this.d.publicUrl()}/track/${c.tracking.id}` : this.d.publicUrl();
  }

  private async enqueue(c: CaseRecord, to: Recipient[], payload: Payload): Promise<void> {
    await this.d.store.enqueueMail(this.messages(c, to, payload));
    this.d.queued();
  }

  private messages(
    c: CaseRecord,
    to: Recipient[],
    payload: Payload,
    notBefore = new Date().toISOString(),
    expiresAt: string | null = null,
  ): NewOutboxMessage[] {
    return to.map((r) => ({
      id: newId(),
      caseId: c.id,
      kind: KIND[payload.kind],
      recipient: r.ref,
      payload: JSON.stringify(payload),
      notBefore,
      expiresAt,
    }));
  }

  /** The customer and the case's staff members who have an address. */
  private async recipients(c: CaseRecord): Promise<Recipient[]> {
    const members = (await this.d.store.listMembers(c.id)).filter((m) => m.removedAt === null && m.role !== 'customer');
    const refs = [`customer:${c.id}`, ...members.map((m) => `user:${m.userId}`)];
    const found = await Promise.all(refs.map((ref) => this.recipient(ref, c)));
    return found.filter((r): r is Recipient => r !== null);
  }

  /**
   * Who `ref` is and where their notices go, or null if nowhere. Staff must be members of the case
   * (a removed member is told nothing more), except when `joining` is the role they are being given:
   * the invitation is queued as they are added.
   */
  private async recipient(ref: string, c: CaseRecord, joining: CaseRole | null = null): Promise<Recipient | null> {
    const [type, id] = ref.split(':') as [string, string];
    if (type === 'customer') {
      if (id !== c.id || !c.customerId) return null;
      const pii = await this.d.pii.read(c.id);
      if (!pii?.email) return null;
      return { ref, address: pii.email, name: pii.name, language: c.language, role: 'customer', staff: false };
    }
    const user = await this.d.store.getUser(id);
    if (!user || user.kind !== 'staff' || !user.email) return null;
    const member = await this.d.store.getMember(c.id, user.id);
    // Not a member yet: being added now (assignment queues first, then adds); removed: nothing more.
    const role = member ? (member.removedAt === null ? member.role : null) : joining;
    if (!role) return null;
    // Staff read Chinese unless a better source of their language exists (accounts carry none yet).
    return { ref, address: user.email, name: user.displayName, language: 'zh-CN', role, staff: true };
  }
}
