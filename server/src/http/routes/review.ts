import type { ReviewService } from '../../cases/review';
import type { RegisterRoute } from '../route';

/** The review queue, a case in full, the reviewer's decision, and the customer's replies to it. */
export function reviewRoutes(route: RegisterRoute, { review }: { review: ReviewService }): void {
  route('GET /api/review/queue', ({ identity, query }) => review.queue(identity, query));
  route('GET /api/cases/:caseId/detail', ({ identity, params }) => review.detail(identity, params.caseId));
  route('GET /api/cases/:caseId/history', ({ identity, params }) => review.history(identity, params.caseId));
  route('POST /api/cases/:caseId/review', ({ identity, params, body }) => review.review(identity, params.caseId, body));
  route('POST /api/cases/:caseId/answer', ({ identity, params, body }) =>
    review.answer(identity, params.caseId, body.answer),
  );
  route('POST /api/cases/:caseId/withdraw', ({ identity, params, body }) =>
    review.withdraw(identity, params.caseId, body.reason ?? null),
  );
  route('GET /api/cases/:caseId/representatives', ({ identity, params }) =>
    review.representatives(identity, params.caseId),
  );
  route('POST /api/cases/:caseId/reveal', async ({ identity, params, body }) => ({
    field: body.field,
    value: await review.reveal(identity, params.caseId, body.field, body.reason ?? null),
  }));
}
