import type { z } from 'zod';
import { AccordError, type ValidationIssue } from './errors';

/** Turns zod issues into short, path-qualified messages fit to show a developer. */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/**
 * Validates untrusted input; throws `AccordError('VALIDATION_FAILED')` whose
 * message names the first problem and whose `issues` list them all.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  const first = issues[0];
  const detail = first ? `${first.path}: ${first.message}` : 'invalid';
  throw new AccordError('VALIDATION_FAILED', `invalid ${what}: ${detail}`, issues);
}
