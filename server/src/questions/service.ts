import {
  AccordError,
  QUESTION_STATES,
  type Actor,
  type AnswerBody,
  type OpenQuestionCount,
  type QuestionBody,
  type QuestionThread,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import { actorOf, type CaseAccess } from '../cases/access';
import { KeyedSerialQueue } from '../lib/serial-queue';
import { threadOf } from './thread';
import { QUESTION_ANSWERED, QUESTION_ASKED } from './timeline';
import type {
  CaseRecord,
  CaseStore,
  MemberStore,
  NewQuestionPost,
  QuestionAuthorRole,
  QuestionStore,
  SignoffStore,
} from '../store/types';

export interface QuestionEffects {
  /**
   * A question was asked or answered (its audit entry is written): the customer's timeline and the
   * staff who watch the case hear of it. Awaited, so that it has gone out before the post is answered.
   */
  changed(caseId: string, kind: 'question' | 'answer'): void | Promise<void>;
}

/**
 * The pre-session question thread of a case: its customer asks about the contract while the case is
 * open (from filing until the session's outcome); the lender's staff (of the case's lender only) and
 * the centre's reviewers and admins answer; the case's mediator and the lender's representative in
 * the room read. Each post is audited by kind and id; its text stays in the thread.
 */
export class QuestionService {
  private readonly queue = new KeyedSerialQueue();

  // Aggregates: cases, members, questions, sign-off (a sealed outcome ends the thread), audit (through AuditLog).
  constructor(
    private readonly store: CaseStore & MemberStore & QuestionStore & SignoffStore,
    private readonly access: CaseAccess,
    private readonly audit: AuditLog,
    private readonly effects: QuestionEffects,
  ) {}

  /** The thread, for the customer, the lender's staff, the centre, the mediator and the lender's representative. */
  async thread(identity: Identity, caseId: string): Promise<QuestionThread> {
    const { c, actor } = await this.access.caseForMember(
      identity,
      caseId,
      ['customer', 'staff', 'admin', 'mediator'],
      ['platform', 'mediator'],
    );
    return this.viewOf(c, actor);
  }

  /** The case, for its customer; anyone else is refused (before the body is read). */
  async assertMayAsk(identity: Identity, caseId: string): Promise<CaseRecord> {
    const { c, actor } = await this.readable(identity, caseId);
    if (actor !== 'customer') {
      throw AccordError.because('FORBIDDEN', 'questions.customerOnly', "only the case's customer asks questions");
    }
    return c;
  }

  /** The case, for the lender's staff and the centre; anyone else is refused (before the body is read). */
  async assertMayAnswer(identity: Identity, caseId: string): Promise<CaseRecord> {
    const { c, actor } = await this.readable(identity, caseId);
    if (actor !== 'staff' && actor !== 'admin') {
      throw AccordError.because(
        'FORBIDDEN',
        'questions.answerersOnly',
        "only the lender's staff and the mediation centre answer questions",
      );
    }
    return c;
  }

  /** The customer asks (`c` from `assertMayAsk`); the same id sent again is stored and audited once. */
  async ask(identity: Identity, c: CaseRecord, body: QuestionBody): Promise<QuestionThread> {
    await this.post(c, identity, 'customer', body.id, null, body.body);
    return this.viewOf(await this.access.getCase(c.id), 'customer');
  }

  /** Staff answer a question of the case (`c` from `assertMayAnswer`). */
  async answer(identity: Identity, c: CaseRecord, questionId: string, body: AnswerBody): Promise<QuestionThread> {
    const asked = (await this.store.listQuestionPosts(c.id)).find((p) => p.id === questionId && p.kind === 'question');
    if (!asked) {
      throw AccordError.because('NOT_FOUND', 'questions.noSuchQuestion', 'no such question on this case', {
        questionId,
      });
    }
    const role: QuestionAuthorRole = identity.user.staffRole === 'platform' ? 'lender' : 'centre';
    await this.post(c, identity, role, body.id, questionId, body.body);
    const actor = actorOf(identity, null, c);
    return this.viewOf(await this.access.getCase(c.id), actor);
  }

  /** For staff: the cases they may see that have unanswered questions (a lender's staff: their lender's only). */
  async openCounts(identity: Identity): Promise<OpenQuestionCount[]> {
    const actor = actorOf(identity, null);
    if (actor !== 'staff' && actor !== 'admin') {
      throw AccordError.because('FORBIDDEN', 'review.staffOnly', 'open questions are listed for staff');
    }
    const counts = await this.store.openQuestionCounts();
    if (identity.user.staffRole !== 'platform') return counts;
    const mine = await Promise.all(
      counts.map(async (n) => ((await this.store.getCase(n.caseId))?.lenderId === identity.user.lenderId ? n : null)),
    );
    return mine.filter((n): n is OpenQuestionCount => n !== null);
  }

  private readable(identity: Identity, caseId: string) {
    return this.access.caseForMember(
      identity,
      caseId,
      ['customer', 'staff', 'admin', 'mediator'],
      ['platform', 'mediator'],
    );
  }

  private async post(
    c: CaseRecord,
    identity: Identity,
    role: QuestionAuthorRole,
    id: string,
    replyTo: string | null,
    body: string,
  ): Promise<void> {
    // One at a time per case: whether the case still takes posts is decided in order with the posts.
    await this.queue.run(c.id, async () => {
      const now = await this.access.getCase(c.id);
      if (!(await this.open(now))) {
        throw AccordError.because(
          'INVALID_TRANSITION',
          'questions.closed',
          `the case takes no more questions or answers (${now.status})`,
          { status: now.status },
        );
      }
      const record: NewQuestionPost = {
        id,
        caseId: c.id,
        kind: replyTo === null ? 'question' : 'answer',
        replyTo,
        authorId: identity.user.id,
        authorRole: role,
        // The customer is named by their role only; staff by the name they have on the case's pages.
        authorName: role === 'customer' ? '' : identity.user.displayName,
        body,
        at: new Date().toISOString(),
      };
      const { record: stored, created } = await this.store.addQuestionPost(record);
      if (stored.caseId !== c.id || stored.authorId !== identity.user.id || stored.replyTo !== replyTo) {
        throw new AccordError('CONFLICT', 'this id is already used by another post; make a new one');
      }
      if (!created) return;
      await this.audit.append(
        c.id,
        identity.user.id,
        replyTo === null ? QUESTION_ASKED : QUESTION_ANSWERED,
        // The case's status is the timeline's; the text is not the log's.
        replyTo === null
          ? { questionId: id, status: now.status }
          : { questionId: replyTo, answerId: id, role, status: now.status },
      );
      await this.effects.changed(c.id, replyTo === null ? 'question' : 'answer');
    });
  }

  private async open(c: CaseRecord): Promise<boolean> {
    return QUESTION_STATES.includes(c.status) && (await this.store.getOutcome(c.id)) === null;
  }

  private async viewOf(c: CaseRecord, actor: Actor | null): Promise<QuestionThread> {
    const posts = await this.store.listQuestionPosts(c.id);
    const open = await this.open(c);
    return {
      caseId: c.id,
      questions: threadOf(posts),
      mayAsk: open && actor === 'customer',
      mayAnswer: open && (actor === 'staff' || actor === 'admin'),
    };
  }
}
