import type { AccountService } from '../../auth/accounts';
import type { RegisterRoute } from '../route';

/** The admin's staff accounts and lenders; the public list of lenders for the complaint form. */
export function accountRoutes(route: RegisterRoute, { accounts }: { accounts: AccountService }): void {
  route('GET /api/admin/accounts', ({ identity }) => accounts.list(identity));
  route('POST /api/admin/accounts', ({ identity, body }) => accounts.create(identity, body));
  route('PUT /api/admin/accounts/:userId', ({ identity, params, body }) =>
    accounts.update(identity, params.userId, body),
  );
  route('POST /api/admin/accounts/:userId/status', ({ identity, params, body }) =>
    accounts.setActive(identity, params.userId, body.active),
  );
  route('POST /api/admin/accounts/:userId/password', ({ identity, params }) =>
    accounts.resetPassword(identity, params.userId),
  );
  route('GET /api/lenders', () => accounts.lenders());
  route('POST /api/lenders', ({ identity, body }) => accounts.createLender(identity, body.name));
  route('PUT /api/lenders/:lenderId', ({ identity, params, body }) =>
    accounts.renameLender(identity, params.lenderId, body.name),
  );
  route('GET /api/admin/lenders', ({ identity }) => accounts.lendersForAdmin(identity));
  route('PUT /api/lenders/:lenderId/plan-policy', ({ identity, params, body }) =>
    accounts.setPlanPolicy(identity, params.lenderId, body.policy),
  );
  route('PUT /api/lenders/:lenderId/document-due-days', ({ identity, params, body }) =>
    accounts.setDocumentDueDays(identity, params.lenderId, body.days),
  );
}
