import { z } from 'zod';

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
  comment: z.string().trim().max(1000),
});
export type SurveyAnswers = z.infer<typeof SurveyAnswers>;
