import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  AccordError,
  AddMemberBody,
  CaseId,
  ChangePasswordBody,
  CreateCaseBody,
  CreateInviteBody,
  CreateStaffBody,
  LoginBody,
  parseOrThrow,
  type CaseAction,
  type InviteAcceptResult,
  type LoginResult,
  type MeResult,
} from '@accord/shared';
import type { AuthService, Identity, Principal } from '../auth/service';
import { toUserView } from '../auth/service';
import type { CaseService } from '../cases/service';
import type { SigningKey } from '../outcome/keys';
import type { OutcomeService } from '../outcome/service';

/** The published verification key of outcome records (also at /.well-known/accord-outcome-key.json). */
export function publicKeyDocument(key: SigningKey) {
  return { alg: 'Ed25519' as const, publicKey: key.publicKey, id: key.id, format: 'raw, base64url' };
}

const InviteToken = z.string().min(16).max(4096);
const InviteId = z.uuid();

export interface ApiDeps {
  auth: AuthService;
  cases: CaseService;
  signingKey: SigningKey;
  /** Created with the Socket.IO server, after this router; looked up per request. */
  outcome: () => OutcomeService;
}

/** The REST API under /api. Every body and path parameter is validated by a schema from shared/. */
export function createApiRouter({ auth, cases, signingKey, outcome }: ApiDeps): Router {
  const r = Router();

  r.get('/outcome/public-key', (_req, res) => {
    res.json(publicKeyDocument(signingKey));
  });

  async function identify(req: Request): Promise<Identity> {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (\S+)$/i.exec(header);
    if (!match?.[1]) throw new AccordError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    return auth.authenticate(match[1]);
  }

  async function managing(req: Request, action: 'invite.create' | 'invite.revoke' | 'member.add') {
    const identity = await identify(req);
    const caseId = parseOrThrow(CaseId, req.params.caseId, 'case id');
    return auth.managerFor(identity, caseId, action);
  }

  async function inCase(req: Request, action: CaseAction): Promise<Principal> {
    const identity = await identify(req);
    return auth.principalFor(identity, parseOrThrow(CaseId, req.params.caseId, 'case id'), action);
  }

  r.post('/auth/login', async (req, res) => {
    const result: LoginResult = await auth.login(parseOrThrow(LoginBody, req.body, 'login body'), req.ip ?? 'unknown');
    res.json(result);
  });

  r.post('/auth/logout', async (req, res) => {
    await auth.logout(await identify(req));
    res.status(204).end();
  });

  r.post('/auth/password', async (req, res) => {
    const identity = await identify(req);
    await auth.changePassword(identity, parseOrThrow(ChangePasswordBody, req.body, 'password body'));
    res.status(204).end();
  });

  r.get('/me', async (req, res) => {
    const identity = await identify(req);
    const result: MeResult = { user: toUserView(identity.user), memberships: await cases.memberships(identity) };
    res.json(result);
  });

  r.post('/invites/:invite/accept', async (req, res) => {
    const token = parseOrThrow(InviteToken, req.params.invite, 'invite');
    const result: InviteAcceptResult = await auth.acceptInvite(token);
    res.json(result);
  });

  r.post('/cases', async (req, res) => {
    const identity = await identify(req);
    res.status(201).json(await cases.createCase(identity, parseOrThrow(CreateCaseBody, req.body, 'case body')));
  });

  r.get('/cases/:caseId', async (req, res) => {
    const principal = await inCase(req, 'case.read');
    res.json(await cases.getCase(principal.caseId));
  });

  r.get('/cases/:caseId/outcome', async (req, res) => {
    const principal = await inCase(req, 'case.read');
    const sealed = await outcome().record(principal.caseId);
    if (!sealed) throw new AccordError('NOT_FOUND', 'no outcome has been sealed for this case');
    res.json(sealed);
  });

  r.post('/cases/:caseId/members', async (req, res) => {
    const principal = await managing(req, 'member.add');
    await cases.addMember(principal.caseId, parseOrThrow(AddMemberBody, req.body, 'member body'), principal.role);
    res.status(204).end();
  });

  r.get('/cases/:caseId/invites', async (req, res) => {
    const principal = await managing(req, 'invite.create');
    res.json(await cases.listInvites(principal.caseId, principal.role));
  });

  r.post('/cases/:caseId/invites', async (req, res) => {
    const principal = await managing(req, 'invite.create');
    const body = parseOrThrow(CreateInviteBody, req.body, 'invite body');
    res.status(201).json(await cases.createInvite(principal.caseId, body, principal));
  });

  r.delete('/cases/:caseId/invites/:inviteId', async (req, res) => {
    const principal = await managing(req, 'invite.revoke');
    await cases.revokeInvite(
      principal.caseId,
      parseOrThrow(InviteId, req.params.inviteId, 'invite id'),
      principal.role,
    );
    res.status(204).end();
  });

  r.get('/staff', async (req, res) => {
    res.json(await cases.listStaff(await identify(req)));
  });

  r.post('/staff', async (req, res) => {
    const identity = await identify(req);
    res.status(201).json(await cases.createStaff(identity, parseOrThrow(CreateStaffBody, req.body, 'staff body')));
  });

  return r;
}
