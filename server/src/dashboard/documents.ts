import type { DocumentFigures } from '@accord/shared';
import { isOverdue } from '../documents/views';
import type { DocumentRequestRecord } from '../store/types';

/** The document-request figures of the requests of the cases counted, overdue as of `now`. */
export function documentFigures(requests: readonly DocumentRequestRecord[], now: Date): DocumentFigures {
  const answered = requests.filter((r) => r.status !== 'open');
  return {
    requested: requests.length,
    provided: requests.filter((r) => r.status === 'provided').length,
    declined: requests.filter((r) => r.status === 'declined').length,
    answeredLate: answered.filter((r) => r.answeredAt !== null && r.answeredAt > r.dueAt).length,
    open: requests.filter((r) => r.status === 'open').length,
    overdue: requests.filter((r) => isOverdue(r, now)).length,
  };
}
