import { QuestionService } from '../questions/service';
import type { AccordIo } from '../room/socket-types';
import { trackBroadcasts } from '../room/track';
import type { Infrastructure } from './infrastructure';
import type { Services } from './services';

/**
 * The pre-session question thread, built beside the other services (kept out of `buildServices`, at
 * its length limit): a question asked or answered reaches the customer's timeline live (without a
 * notice: the case's status did not change) and the staff watching the case.
 */
export function buildQuestions(
  { store }: Infrastructure,
  { flow, audit }: Pick<Services, 'flow' | 'audit'>,
  io: AccordIo,
): QuestionService {
  const track = trackBroadcasts(io);
  return new QuestionService(store, flow.access, audit, {
    changed: async (caseId) => {
      const c = await store.getCase(caseId);
      track.progressChanged(await flow.transitions.progress(caseId), c?.lenderId ?? null);
      track.historyChanged(caseId);
    },
  });
}
