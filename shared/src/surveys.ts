import { z } from 'zod';
import { SURVEY_COMMENT_MAX } from './constants';

export { SURVEY_COMMENT_MAX };

/**
 * One party's answers to the short survey after a session. Anonymous: the server keeps who answered
 * (so nobody answers twice) apart from what was answered, and shows answers only in aggregate.
 */
export const SurveyAnswers = z.strictObject({
  /** 1 (very dissatisfied) to 5 (very satisfied). */
  satisfaction: z.number().int().min(1).max(5),
  heard: z.boolean(),
  fair: z.boolean(),
  again: z.boolean(),
  comment: z.string().trim().max(SURVEY_COMMENT_MAX),
});
export type SurveyAnswers = z.infer<typeof SurveyAnswers>;

/**
 * Where the survey stands for the party asking: `not_yet` until the session is over (an outcome sealed,
 * or the case ended after its room opened), then `open` until they answer, then `answered`; `closed`
 * once the case's content is purged after the retention period, unanswered. It never carries anyone's
 * answers, the asker's own included: once given they are no longer linked to them.
 */
export const SurveyState = z.enum(['not_yet', 'open', 'answered', 'closed']);
export type SurveyState = z.infer<typeof SurveyState>;

/** Who is asked: the case's two parties (the mediator, not a party, is not). */
export const SurveyRole = z.enum(['customer', 'platform']);
export type SurveyRole = z.infer<typeof SurveyRole>;

export const SurveyView = z.strictObject({ state: SurveyState, role: SurveyRole });
export type SurveyView = z.infer<typeof SurveyView>;
