import { Router, type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  AccordError,
  AssignBody,
  CaseId,
  InfoAnswerBody,
  WithdrawBody,
  IntakeBody,
  MediatorProfileBody,
  QueueQuery,
  RevealBody,
  ReviewDecision,
  ScheduleBody,
  TrackSignInBody,
  parseOrThrow,
} from '@accord/shared';
import type { AuthService, Identity } from '../auth/service';
import type { CaseLifecycleService } from '../cases/lifecycle';
import type { EvidenceService, Upload } from '../evidence/service';

const TrackingId = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'not a tracking link');

export interface IntakeDeps {
  auth: AuthService;
  lifecycle: CaseLifecycleService;
  evidence: EvidenceService;
}

/**
 * The routes around a case: the public complaint form, the customer's
 * tracking sign-in, review, assignment, scheduling, evidence, personal data.
 */
export function createIntakeRouter({ auth, lifecycle, evidence }: IntakeDeps): Router {
  const r = Router();
  // Files are held in memory only until they are checked, encrypted and written.
  const upload: RequestHandler = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: evidence.limits.maxBytes,
      files: evidence.limits.maxFiles,
      fields: 20,
      fieldSize: 16 * 1024,
    },
  }).array('evidence', evidence.limits.maxFiles);

  const files = (req: Request): Upload[] =>
    ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({
      // busboy decodes names as latin1; clients send UTF-8.
      originalname: Buffer.from(f.originalname, 'latin1').toString('utf8'),
      buffer: f.buffer,
    }));

  async function identify(req: Request): Promise<Identity> {
    const match = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) throw new AccordError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    return auth.authenticate(match[1]);
  }
  const caseIdOf = (req: Request) => parseOrThrow(CaseId, req.params.caseId, 'case id');

  r.post('/intake', upload, async (req, res) => {
    const raw = req.body as Record<string, unknown>;
    // Multipart fields are strings: the amount arrives as digits.
    const body = parseOrThrow(
      IntakeBody,
      {
        ...raw,
        amountInDisputeCents: /^\d+$/.test(String(raw.amountInDisputeCents))
          ? Number(raw.amountInDisputeCents)
          : raw.amountInDisputeCents,
      },
      'complaint',
    );
    res.status(201).json(await lifecycle.intake(body, files(req)));
  });

  r.post('/track/:trackingId/sign-in', async (req, res) => {
    const trackingId = parseOrThrow(TrackingId, req.params.trackingId, 'tracking link');
    const { pin } = parseOrThrow(TrackSignInBody, req.body, 'sign-in');
    res.json(await lifecycle.trackSignIn(trackingId, pin));
  });

  r.get('/cases/:caseId/progress', async (req, res) => {
    const identity = await identify(req);
    await lifecycle.caseFor(identity, caseIdOf(req), ['customer', 'staff', 'admin', 'mediator']);
    res.json(await lifecycle.progress(caseIdOf(req)));
  });

  r.get('/cases/:caseId/detail', async (req, res) => {
    res.json(await lifecycle.detail(await identify(req), caseIdOf(req)));
  });

  r.post('/cases/:caseId/review', async (req, res) => {
    res.json(
      await lifecycle.review(await identify(req), caseIdOf(req), parseOrThrow(ReviewDecision, req.body, 'decision')),
    );
  });

  r.post('/cases/:caseId/answer', async (req, res) => {
    const { answer } = parseOrThrow(InfoAnswerBody, req.body, 'answer');
    res.json(await lifecycle.answer(await identify(req), caseIdOf(req), answer));
  });

  r.post('/cases/:caseId/withdraw', async (req, res) => {
    const body = parseOrThrow(WithdrawBody, req.body ?? {}, 'withdrawal');
    res.json(await lifecycle.withdraw(await identify(req), caseIdOf(req), body.reason ?? null));
  });

  r.post('/cases/:caseId/assign', async (req, res) => {
    const { mediatorUserId } = parseOrThrow(AssignBody, req.body, 'assignment');
    res.json(await lifecycle.assign(await identify(req), caseIdOf(req), mediatorUserId));
  });

  r.post('/cases/:caseId/schedule', async (req, res) => {
    const body = parseOrThrow(ScheduleBody, req.body, 'schedule');
    res.json(await lifecycle.schedule(await identify(req), caseIdOf(req), body));
  });

  r.get('/cases/:caseId/room-invite', async (req, res) => {
    res.json(await lifecycle.roomInvite(await identify(req), caseIdOf(req)));
  });

  r.post('/cases/:caseId/tracking/revoke', async (req, res) => {
    await lifecycle.revokeTracking(await identify(req), caseIdOf(req));
    res.status(204).end();
  });

  r.post('/cases/:caseId/reveal', async (req, res) => {
    const { field } = parseOrThrow(RevealBody, req.body, 'reveal');
    res.json({ field, value: await lifecycle.reveal(await identify(req), caseIdOf(req), field) });
  });

  r.get('/cases/:caseId/export', async (req, res) => {
    const bundle = await lifecycle.export(await identify(req), caseIdOf(req));
    res.setHeader('Content-Disposition', 'attachment; filename="accord-export.json"');
    res.json(bundle);
  });

  r.get('/cases/:caseId/evidence', async (req, res) => {
    const identity = await identify(req);
    await lifecycle.caseFor(identity, caseIdOf(req), ['customer', 'staff', 'admin', 'mediator']);
    res.json(await evidence.list(caseIdOf(req)));
  });

  r.post('/cases/:caseId/evidence', upload, async (req, res) => {
    const identity = await identify(req);
    const { actor } = await lifecycle.caseFor(identity, caseIdOf(req), ['customer', 'staff', 'admin']);
    const uploads = files(req);
    if (uploads.length === 0) throw new AccordError('VALIDATION_FAILED', 'attach at least one file as "evidence"');
    res.status(201).json(await evidence.add(caseIdOf(req), uploads, { userId: identity.user.id, role: actor }));
  });

  r.get('/cases/:caseId/evidence/:evidenceId', async (req, res) => {
    const identity = await identify(req);
    const { actor } = await lifecycle.caseFor(identity, caseIdOf(req), ['customer', 'staff', 'admin', 'mediator']);
    const id = parseOrThrow(z.uuid(), req.params.evidenceId, 'evidence id');
    const { record, data } = await evidence.read(caseIdOf(req), id, { userId: identity.user.id, role: actor });
    res.setHeader('Content-Type', record.type);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(record.name)}`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(data);
  });

  r.get('/review/queue', async (req, res) => {
    res.json(await lifecycle.queue(await identify(req), parseOrThrow(QueueQuery, req.query, 'queue query')));
  });

  r.get('/mediators', async (req, res) => {
    res.json(await lifecycle.mediators(await identify(req)));
  });

  r.put('/mediators', async (req, res) => {
    await lifecycle.putMediator(await identify(req), parseOrThrow(MediatorProfileBody, req.body, 'mediator'));
    res.status(204).end();
  });

  return r;
}
