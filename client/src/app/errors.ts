import type { ErrorBody, ErrorCode, ErrorReason } from '@accord/shared';
import type { TFunction } from 'i18next';
import type { en } from '../i18n/en';

/** What the client knows of a failure: a server error body, or NETWORK when the server was not reached. */
export type Failure = Pick<ErrorBody, 'reason' | 'params' | 'issues'> & { code: ErrorCode | 'NETWORK' };

type Nested<R extends string> = R extends `${infer Head}.${infer Tail}`
  ? { [K in Head]: Nested<Tail> }
  : { [K in R]: string };
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

// Compile-time: the English file names every error code and every reason of shared/ (zh-CN has the
// same shape by its own type), so a reason added on the server cannot reach a screen untranslated.
// Checked on types only, so that the strings stay in their language's chunk (loaded on demand).
type Holds<T extends true> = T;
export type EveryCodeNamed = Holds<(typeof en)['errors']['codes'] extends Record<ErrorCode, string> ? true : false>;
export type EveryReasonNamed = Holds<
  (typeof en)['errors']['reasons'] extends UnionToIntersection<Nested<ErrorReason>> ? true : false
>;

/**
 * A failure in the page's language: the reason's text with its params when the server gave one,
 * else the code's. Never the server's English `message`, which is for logs. `fields` names the
 * page's fields by the body path the server reports (the label the person sees): a validation
 * failure then says which of them to correct, instead of zod's English.
 */
export function errorMessage(t: TFunction, failure: unknown, fields?: Readonly<Record<string, string>>): string {
  const f = asFailure(failure);
  if (f.code === 'NETWORK') return t('errors.network');
  if (f.code === 'VALIDATION_FAILED' && fields && f.issues) {
    // `path` is dotted (`terms.amount`, `evidence.0`): the field is its first segment.
    const labels = [...new Set(f.issues.map((i) => fields[i.path.split('.')[0] ?? '']).filter((l) => l !== undefined))];
    if (labels.length > 0) return t('errors.invalidFields', { fields: labels.join(t('app.listSeparator')) });
  }
  // The keys are checked above against shared/'s enums; i18next's key type cannot see through the template.
  const lookup = t as unknown as (key: string, options?: Record<string, unknown>) => string;
  if (f.reason) {
    const key = `errors.reasons.${f.reason}`;
    const text = lookup(key, { ...(f.params ?? {}), defaultValue: '' });
    if (text) return text;
  }
  return lookup(`errors.codes.${f.code}`);
}

function asFailure(value: unknown): Failure {
  if (typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string') {
    return value as Failure;
  }
  return { code: 'INTERNAL' };
}
