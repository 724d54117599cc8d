import type { Activity, TermsLastResult } from '@accord/shared';
import type { ActivityIdOf } from '../audit/activity-id';
import type { AuditLog } from '../audit/log';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type { Logger } from '../log';
import { toActivity } from '../moderation/service';
import type { AuditRecord } from '../store/types';
import type { DocAuthor } from './live-doc';
import type { TermChange } from './term-changes';

export const TERMS_CHANGED = 'terms.changed';

interface TermsEntryData {
  actor: { userId: string; displayName: string; role: string };
  target: { userId: string; displayName: string } | null;
  detail: { term: string; from: unknown; to: unknown; conflict: TermChange['conflict'] };
}

/** The entry whose value a term holds: its latest change that did not lose a conflict. */
const holdsValue = (e: AuditRecord, term: string): boolean => {
  if (e.kind !== TERMS_CHANGED) return false;
  const d = (e.data as unknown as TermsEntryData).detail;
  return d.term === term && d.conflict !== 'lost';
};

/**
 * Who changed which settlement term, and when: each accepted change of a term value is an entry of
 * the case's audit log (`terms.changed`), written by the server for the authenticated member whose
 * update made it, so the room's feed and each term's "last changed by" are the server's word, not a
 * client's. Entries of a case are written one at a time, in the order the updates were applied, so
 * the author of the value a concurrent write replaced is always already recorded.
 */
export class TermsHistory {
  private readonly queues = new KeyedSerialQueue();

  constructor(
    private readonly audit: AuditLog,
    private readonly activityId: ActivityIdOf,
    private readonly onActivity: (a: Activity) => void,
    private readonly log: Logger,
  ) {}

  /** Records what one update changed (called once it is stored); failures are logged, not thrown. */
  record(caseId: string, author: DocAuthor, changes: TermChange[]): Promise<void> {
    return this.queues
      .run(caseId, async () => {
        const log = changes.some((c) => c.conflict !== null) ? await this.audit.all(caseId) : [];
        for (const c of changes) {
          // A conflict names the other author: whoever wrote the value that was replaced or kept.
          const other = c.conflict === null ? null : log.findLast((e) => holdsValue(e, c.key));
          const otherActor = other ? (other.data as unknown as TermsEntryData).actor : null;
          const data: TermsEntryData = {
            actor: { userId: author.userId, displayName: author.displayName, role: author.role },
            target: otherActor ? { userId: otherActor.userId, displayName: otherActor.displayName } : null,
            detail: { term: c.key, from: c.from, to: c.to, conflict: c.conflict },
          };
          const entry = await this.audit.append(caseId, author.userId, TERMS_CHANGED, { ...data });
          log.push(entry);
          const activity = toActivity(entry, this.activityId);
          if (activity) this.onActivity(activity);
        }
      })
      .catch((err: unknown) => {
        // The change itself is stored; only its record is missing. Said loudly for the operator.
        this.log.error({ err, event: 'terms.record_failed', caseId }, 'could not record a settlement term change');
      });
  }

  /** For each term, the change that gave it its current value (terms never changed: none). */
  latest(caseId: string): Promise<TermsLastResult> {
    // Queued behind the changes being recorded, so what was just relayed is in the answer.
    return this.queues.run(caseId, () => this.read(caseId));
  }

  private async read(caseId: string): Promise<TermsLastResult> {
    const log = await this.audit.all(caseId);
    const found = new Map<string, Activity>();
    for (let i = log.length - 1; i >= 0; i--) {
      const e = log[i]!;
      if (e.kind !== TERMS_CHANGED) continue;
      const term = (e.data as unknown as TermsEntryData).detail.term;
      if (found.has(term) || !holdsValue(e, term)) continue;
      const a = toActivity(e, this.activityId);
      if (a) found.set(term, a);
    }
    return { entries: [...found.values()] };
  }
}
