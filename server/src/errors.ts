import { AccordError, type ErrorBody } from '@accord/shared';
import type { Logger } from './log';

/** How long a client refused with BUSY (the password-hash queue is full) should wait. */
export const BUSY_RETRY_AFTER_MS = 1000;

function isStoreError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * Turns anything thrown by a handler into a wire error. Unexpected errors are
 * logged with their stack and reported as INTERNAL without details, so that no
 * internal state leaks to a client.
 */
export function toErrorBody(err: unknown, log: Logger): ErrorBody {
  if (err instanceof AccordError) {
    // BUSY clears within a hash or two: the client may try again after this long.
    return err.code === 'BUSY' ? { ...err.toBody(), retryAfterMs: BUSY_RETRY_AFTER_MS } : err.toBody();
  }
  if (isStoreError(err)) {
    log.error({ err, event: 'store.error' }, 'store error');
    return { code: 'STORE_FAILED', message: 'the server could not store this; nothing was saved, please retry' };
  }
  log.error({ err, event: 'internal.error' }, 'unexpected error');
  return { code: 'INTERNAL', message: 'internal error' };
}
