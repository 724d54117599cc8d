import { createHmac } from 'node:crypto';
import type { AuditRecord } from '../store/types';

/** How an audit entry is named in the activity feed. */
export type ActivityIdOf = (entry: Pick<AuditRecord, 'caseId' | 'hash'>) => string;

/**
 * Activity ids: an HMAC of the entry's hash under a key derived from the server secret, 128 bits,
 * hex. Not the hash itself: with an entry's hash, its shown content and the hash of the activity
 * before it, a party could search the few possible seqs and learn whether, and how many, entries it
 * was not shown (caucus messages) came between. An HMAC links to nothing without the secret;
 * it is stable (the same entry has the same id on every node and after a restart), so it pages.
 */
export function activityIds(secret: string): ActivityIdOf {
  const key = createHmac('sha256', secret).update('accord activity id').digest();
  return (entry) => createHmac('sha256', key).update(`${entry.caseId}:${entry.hash}`).digest('hex').slice(0, 32);
}
