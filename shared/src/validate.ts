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
// PostgreSQL text cannot hold U+0000 (the write fails), SQLite can: the same input would be stored
// on one and an internal error on the other.
const NUL = '\u0000';
const textProblem = (s: string): string | null =>
  LONE_SURROGATE.test(s)
    ? 'text must be valid Unicode (a lone surrogate is not)'
    : s.includes(NUL)
      ? 'text must not contain NUL (U+0000)'
      : null;

/**
 * The first string (key or value) in decoded input that is not well-formed UTF-16 or holds a
 * NUL, with its path, or null. JSON allows a lone surrogate (`"\ud800"`), which no schema checks for; the
 * stores cannot keep one (SQLite turns it into U+FFFD), so the stored text would differ from
 * what was acknowledged, broadcast, hashed and signed.
 */
export function inputProblem(input: unknown, path: string[] = [], depth = 0): ValidationIssue | null {
  const at = (p: string[]) => (p.length > 0 ? p.join('.') : '(root)');
  if (typeof input === 'string') {
    const problem = textProblem(input);
    return problem ? { path: at(path), message: problem } : null;
  }
  // Binary attachments carry no text; deeper nesting than any schema allows is refused by the schema.
  if (typeof input !== 'object' || input === null || ArrayBuffer.isView(input) || depth > 64) return null;
  for (const [key, value] of Object.entries(input)) {
    const keyProblem = textProblem(key);
    if (keyProblem) return { path: at([...path, key]), message: keyProblem };
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
