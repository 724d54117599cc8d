import type { CaseLifecycle, TimelineEntry } from '@accord/shared';

/** The audit kinds of document requests: that one was made or answered, never its note or reason. */
export const DOCUMENTS_REQUESTED = 'documents.requested';
export const DOCUMENTS_PROVIDED = 'documents.provided';
export const DOCUMENTS_DECLINED = 'documents.declined';

const EVENTS = {
  [DOCUMENTS_REQUESTED]: 'documents_requested',
  [DOCUMENTS_PROVIDED]: 'documents_provided',
  [DOCUMENTS_DECLINED]: 'documents_declined',
} as const;

/**
 * The customer's timeline entry of a document request's audit entry (null for any other kind): who,
 * and the case's status at the time. Apart from the service, so that the timeline reads it without
 * importing the service.
 */
export function documentTimelineEntry(e: {
  at: string;
  kind: string;
  data: Record<string, unknown>;
}): TimelineEntry | null {
  if (!Object.hasOwn(EVENTS, e.kind)) return null;
  const event = EVENTS[e.kind as keyof typeof EVENTS];
  return {
    at: e.at,
    status: e.data.status as CaseLifecycle,
    by: event === 'documents_requested' ? 'customer' : 'staff',
    note: null,
    session: null,
    event,
  };
}
