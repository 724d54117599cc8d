import type { CaseRole, SurveyAnswers } from '@accord/shared';

/** One anonymous survey response: the case and the answering party's role, never who they are. */
export interface SurveyResponseRecord extends SurveyAnswers {
  /** A random id, unrelated to the person. */
  id: string;
  caseId: string;
  role: CaseRole;
  /** The calendar day it was given (YYYY-MM-DD, UTC): no finer time that could be matched to a login. */
  day: string;
}

export interface SurveyStore {
  /**
   * In one transaction: records that `userId` answered the case's survey and stores the response,
   * with nothing linking the two. False, and nothing stored, when they had already answered.
   */
  submitSurvey(
    answered: { caseId: string; userId: string; at: string },
    response: SurveyResponseRecord,
  ): Promise<boolean>;
  hasAnsweredSurvey(caseId: string, userId: string): Promise<boolean>;
  /** The responses of these cases (of every case when null), in no meaningful order. */
  listSurveyResponses(caseIds: readonly string[] | null): Promise<SurveyResponseRecord[]>;
}
