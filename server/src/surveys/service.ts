import { randomUUID } from 'node:crypto';
import {
  AccordError,
  OPEN_STATES,
  SurveyRole,
  type SurveyAnswers,
  type SurveyState,
  type SurveyView,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type { CaseAccess } from '../cases/access';
import type { CaseRecord, MemberStore, RoomStateStore, SignoffStore, SurveyStore } from '../store/types';

/** The party asked, as the case knows them: the answers are never linked to `userId`. */
interface Party {
  c: CaseRecord;
  userId: string;
  displayName: string;
  role: SurveyRole;
}

/**
 * The short survey each party answers after the session (satisfaction, heard, fair, would use again, a
 * comment). Who answered and what was answered are stored apart, in one transaction (`SurveyStore`): the
 * response carries a random id, the case, the role and the day, never the person. Nobody reads a single
 * response back through the API, the asker included; the dashboard shows them only in aggregate.
 */
export class SurveyService {
  // Aggregates: members, room states, sign-off (a sealed outcome), surveys; cases through CaseAccess; audit.
  constructor(
    private readonly store: MemberStore & RoomStateStore & SignoffStore & SurveyStore,
    private readonly access: CaseAccess,
    private readonly audit: AuditLog,
  ) {}

  /** For one of the case's two parties: whether the survey is open to them, or already answered. */
  async view(identity: Identity, caseId: string): Promise<SurveyView> {
    const party = await this.partyOf(identity, caseId);
    return { state: await this.stateOf(party), role: party.role };
  }

  /**
   * Records the party's answers once the session is over, once per person. A second answer is refused
   * (CONFLICT) with nothing stored; the audit says that this party answered, never what.
   */
  async answer(identity: Identity, caseId: string, answers: SurveyAnswers): Promise<SurveyView> {
    const party = await this.partyOf(identity, caseId);
    const state = await this.stateOf(party);
    if (state === 'not_yet') throw notYet();
    if (state === 'answered') throw alreadyAnswered();
    if (state === 'closed') throw closed();
    const at = new Date().toISOString();
    const stored = await this.store.submitSurvey(
      { caseId: party.c.id, userId: party.userId, at },
      {
        // Random (v4), never a time-ordered id: nothing in it dates the answer or orders it among others.
        id: randomUUID(),
        caseId: party.c.id,
        role: party.role,
        // The day only, in UTC: finer than that could be matched against the audit or a sign-in.
        day: at.slice(0, 10),
        satisfaction: answers.satisfaction,
        heard: answers.heard,
        fair: answers.fair,
        again: answers.again,
        comment: answers.comment,
      },
    );
    // Two answers racing (two tabs): the store let one in.
    if (!stored) throw alreadyAnswered();
    await this.audit.append(party.c.id, party.userId, 'survey.answered', {
      actor: { userId: party.userId, displayName: party.displayName, role: party.role },
      target: null,
      detail: {},
    });
    return { state: 'answered', role: party.role };
  }

  /** The case's customer or lender's representative, a current member, through a session that reaches the case. */
  async partyOf(identity: Identity, caseId: string): Promise<Party> {
    const c = await this.access.getCase(caseId);
    const member = await this.store.getMember(c.id, identity.user.id);
    const role = SurveyRole.safeParse(member?.role);
    const sessionReaches = identity.session.caseId === null || identity.session.caseId === c.id;
    if (!member || member.removedAt !== null || !role.success || !sessionReaches) {
      throw AccordError.because(
        'FORBIDDEN',
        'survey.partiesOnly',
        "only the case's customer and the lender's representative answer its survey",
      );
    }
    return { c, userId: member.userId, displayName: member.displayName, role: role.data };
  }

  private async stateOf(party: Party): Promise<SurveyState> {
    if (await this.store.hasAnsweredSurvey(party.c.id, party.userId)) return 'answered';
    // The purge blanked the comments it found: one written after it would outlive the retention period.
    if (party.c.purgedAt !== null) return 'closed';
    return (await this.sessionOver(party.c)) ? 'open' : 'not_yet';
  }

  /**
   * After the session: its outcome is sealed (settled, not settled or withdrawn in the room, which also
   * concludes the room), or the case has ended after its room opened (the customer withdrew mid-session,
   * or it was closed). A case that never reached a room has had no session to ask about.
   */
  private async sessionOver(c: CaseRecord): Promise<boolean> {
    if ((await this.store.getOutcome(c.id)) !== null) return true;
    if (OPEN_STATES.includes(c.status)) return false;
    return (await this.store.getRoomState(c.id)).phase !== 'scheduled';
  }
}

const notYet = () => AccordError.because('PHASE_RULES', 'survey.notYet', 'the survey opens once the session is over');
const closed = () =>
  AccordError.because('PHASE_RULES', 'survey.closed', "the case's content was purged; its survey is closed");
const alreadyAnswered = () =>
  AccordError.because('CONFLICT', 'survey.alreadyAnswered', 'you have answered this survey already');
