import type { z } from 'zod';
import { AccordError, type ValidationIssue } from './errors';

/** Turns zod issues into short, path-qualified messages fit to show a developer. */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

// In a `u` regex a surrogate pair is one code point, so this matches only a lone half.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The first string (key or value) in decoded input that is not well-formed UTF-16, with its
 * path, or null. JSON allows a lone surrogate (`"\ud800"`), which no schema checks for; the
 * stores cannot keep one (SQLite turns it into U+FFFD), so the stored text would differ from
 * what was acknowledged, broadcast, hashed and signed.
 */
export function inputProblem(input: unknown, path: string[] = [], depth = 0): ValidationIssue | null {
  const at = (p: string[]) => (p.length > 0 ? p.join('.') : '(root)');
  if (typeof input === 'string') {
    return LONE_SURROGATE.test(input)
      ? { path: at(path), message: 'text must be valid Unicode (a lone surrogate is not)' }
      : null;
  }
  // Binary attachments carry no text; deeper nesting than any schema allows is refused by the schema.
  if (typeof input !== 'object' || input === null || ArrayBuffer.isView(input) || depth > 64) return null;
  for (const [key, value] of Object.entries(input)) {
    if (LONE_SURROGATE.test(key)) {
      return { path: at([...path, key]), message: 'text must be valid Unicode (a lone surrogate is not)' };
    }
    const found = inputProblem(value, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Validates untrusted input; throws `AccordError('VALIDATION_FAILED')` whose
 * message names the first problem and whose `issues` list them all.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const problem = inputProblem(input);
  if (problem) {
    throw new AccordError('VALIDATION_FAILED', `invalid ${what}: ${problem.path}: ${problem.message}`, [problem]);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  const first = issues[0];
  const detail = first ? `${first.path}: ${first.message}` : 'invalid';
  throw new AccordError('VALIDATION_FAILED', `invalid ${what}: ${detail}`, issues);
}
