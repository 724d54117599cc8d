import { QuestionService } from '../questions/service';
import type { AccordIo } from '../room/socket-types';
import { trackBroadcasts } from '../room/track';
import type { Infrastructure } from './infrastructure';
import type { Services } from './services';

/**
 * The pre-session question thread, built beside the other services (kept out of `buildServices`, at
 * its length limit): a question asked or answered reaches the customer's timeline live (without the
 * notices of a status change: the status did not change) and the staff watching the case; the lender's
 * representative is told of a question by e-mail, the customer of an answer, if they have an address.
 */
export function buildQuestions(
  { store, log }: Infrastructure,
  { flow, audit, notices }: Pick<Services, 'flow' | 'audit' | 'notices'>,
  io: AccordIo,
): QuestionService {
  const track = trackBroadcasts(io);
  return new QuestionService(store, flow.access, audit, {
    changed: async (caseId, kind) => {
      const c = await store.getCase(caseId);
      track.progressChanged(await flow.transitions.progress(caseId), c?.lenderId ?? null);
      track.historyChanged(caseId);
      // Queued before the post is answered; a notice that cannot be queued does not undo the post.
      const queued = kind === 'question' ? notices.questionAsked(caseId) : notices.questionAnswered(caseId);
      await queued.catch((err: unknown) =>
        log.error({ event: 'mail.enqueue_failed', err }, 'a notice could not be queued'),
      );
    },
  });
}
