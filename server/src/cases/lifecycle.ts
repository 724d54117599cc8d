import { randomBytes, randomUUID } from 'node:crypto';
import {
  AccordError,
  OPEN_STATES,
  maskIdentifier,
  mayMoveCase,
  type Actor,
  type CaseDetail,
  type CaseLifecycle,
  type CaseProgress,
  type InviteAcceptResult,
  type IntakeBody,
  type IntakeResult,
  type MediatorProfileBody,
  type MediatorView,
  type PartyData,
  type QueueItem,
  type ReviewDecision,
  type RuleCheck,
  type TimelineEntry,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { AttemptLimiter } from '../auth/attempts';
import type { Identity } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import type { DataCipher } from '../evidence/cipher';
import type { EvidenceService, Upload } from '../evidence/service';
import type { Bus } from '../scale/bus';
import type { CaseRecord, Store } from '../store/types';

/** The customer's personal identifiers, stored encrypted as one blob per case. */
interface Pii {
  name: string;
  phone: string;
  nationalId: string;
  contractNumber: string;
}

export interface LifecycleEffects {
  /** A case changed: the customer's tracking page and the staff dashboard update live. */
  progressChanged(progress: CaseProgress): void;
}

const NEXT_STEP: Record<CaseLifecycle, string> = {
  submitted: 'platform staff will review the complaint',
  under_review: 'platform staff are checking whether the complaint can be accepted',
  info_requested: 'answer the reviewer’s question',
  accepted: 'a mediator will be assigned',
  rejected: 'the complaint was not accepted; see the reason',
  mediator_assigned: 'the mediator will schedule the session',
  scheduled: 'join the mediation session at the scheduled time',
  in_mediation: 'the mediation session is under way',
  settled: 'the settlement was signed; the case will be closed',
  not_settled: 'no settlement was reached; the case will be closed',
  withdrawn: 'the complaint was withdrawn; the case will be closed',
  closed: 'nothing: the case is closed',
};

/** What each category needs before it can be accepted. Checked and shown to the reviewer. */
function acceptanceRules(c: CaseRecord, pii: Pii | null, evidence: number): RuleCheck[] {
  const rules: RuleCheck[] = [
    {
      rule: 'identity: name, phone and ID number given',
      ok: !!pii && pii.name.length > 1 && pii.nationalId.length === 18,
    },
    { rule: 'contract or loan number given', ok: !!pii && pii.contractNumber.length >= 3 },
    { rule: 'description of at least 30 characters', ok: c.summary.length >= 30 },
  ];
  switch (c.category) {
    case 'fees_and_charges':
    case 'contract_terms':
      rules.push({ rule: 'the contract or a statement of the fees is attached', ok: evidence >= 1 });
      break;
    case 'repayment_hardship':
      rules.push({
        rule: 'proof of hardship is attached (e.g. unemployment or medical certificate)',
        ok: evidence >= 1,
      });
      break;
    case 'unauthorized_or_fraud':
      rules.push({ rule: 'transaction records are attached', ok: evidence >= 1 });
      rules.push({ rule: 'description of at least 80 characters', ok: c.summary.length >= 80 });
      break;
    default:
      break;
  }
  return rules;
}

/**
 * A case from complaint to closing: intake with evidence, review against the
 * acceptance rules, mediator assignment, scheduling, and the customer's view of
 * all of it. Every status change goes through `CASE_TRANSITIONS` with
 * compare-and-set, is written to the audit log (the timeline), and is pushed live.
 */
export class CaseLifecycleService {
  constructor(
    private readonly store: Store,
    private readonly tokens: TokenSigner,
    private readonly cipher: DataCipher,
    private readonly evidence: EvidenceService,
    private readonly audit: AuditLog,
    private readonly bus: Bus,
    private readonly attempts: AttemptLimiter,
    private readonly publicUrl: () => string,
    private readonly effects: LifecycleEffects,
  ) {}

  /** Files a complaint: a guest customer, the case, encrypted personal data, evidence. */
  async intake(body: IntakeBody, files: readonly Upload[]): Promise<IntakeResult> {
    this.evidence.check(files, 0);
    const customerId = randomUUID();
    await this.store.createUser({
      id: customerId,
      kind: 'guest',
      username: null,
      displayName: body.name,
      staffRole: null,
      passwordHash: null,
      mustChangePassword: false,
    });
    const trackingId = randomBytes(24).toString('base64url');
    const { pin, hash } = this.tokens.newPin(trackingId);
    const c = await this.store.createCase({
      id: randomUUID(),
      title: `${categoryTitle(body.category)} — ${body.contractNumber}`,
      summary: body.description,
      category: body.category,
      amountInDisputeCents: body.amountInDisputeCents,
      desiredOutcome: body.desiredOutcome,
      status: 'submitted',
      customerId,
      tracking: { id: trackingId, pinHash: hash, revokedAt: null },
    });
    await this.store.putMember({ caseId: c.id, userId: customerId, role: 'customer', displayName: body.name });
    const pii: Pii = {
      name: body.name,
      phone: body.phone,
      nationalId: body.nationalId,
      contractNumber: body.contractNumber,
    };
    await this.store.putPii(c.id, this.cipher.encrypt(Buffer.from(JSON.stringify(pii)), `pii:${c.id}`));
    if (files.length > 0) await this.evidence.add(c.id, files, { userId: customerId, role: 'customer' });
    await this.record(c.id, customerId, 'submitted', 'submitted', 'customer', null);
    return { caseId: c.id, caseNumber: c.number, trackingUrl: `${this.publicUrl()}/track/${trackingId}`, pin };
  }

  /** Signs the customer in from their tracking link and PIN: a session for this case only. */
  async trackSignIn(trackingId: string, pin: string): Promise<InviteAcceptResult> {
    const key = `track:${trackingId.slice(0, 32)}`;
    await this.attempts.check(key);
    const c = await this.store.getCaseByTracking(trackingId);
    if (
      !c?.tracking ||
      !c.customerId ||
      c.tracking.revokedAt !== null ||
      !this.tokens.checkPin(trackingId, pin, c.tracking.pinHash)
    ) {
      await this.attempts.fail(key);
      throw new AccordError('BAD_CREDENTIALS', 'this tracking link and PIN do not match');
    }
    await this.attempts.reset(key);
    const member = await this.store.getMember(c.id, c.customerId);
    const expiresAt = new Date(Date.now() + 30 * 24 * 3600_000);
    const session = await this.store.createSession({
      id: randomUUID(),
      userId: c.customerId,
      caseId: c.id,
      inviteId: `tracking:${trackingId}`,
      expiresAt: expiresAt.toISOString(),
    });
    const token = await this.tokens.signSession({ sub: c.customerId, sid: session.id }, expiresAt);
    return { token, userId: c.customerId, caseId: c.id, role: 'customer', displayName: member?.displayName ?? '' };
  }

  /** Ends a tracking link: it and every session opened with it stop working. */
  async revokeTracking(identity: Identity, caseId: string): Promise<void> {
    const { c } = await this.caseFor(identity, caseId, ['customer', 'staff', 'admin']);
    if (!c.tracking) return;
    const at = new Date().toISOString();
    await this.store.updateCase(c.id, { tracking: { ...c.tracking, revokedAt: at } });
    const sessionIds = await this.store.revokeInvite(`tracking:${c.tracking.id}`, at);
    if (sessionIds.length > 0) await this.bus.publish({ type: 'sessions.revoked', sessionIds });
  }

  async progress(caseId: string): Promise<CaseProgress> {
    const c = await this.getCase(caseId);
    const entries = (await this.audit.all(caseId)).filter((e) => e.kind === 'case.status');
    const timeline: TimelineEntry[] = entries.map((e) => {
      const d = e.data as { to: CaseLifecycle; by: Actor; note: string | null };
      return { at: e.at, status: d.to, by: d.by, note: d.note };
    });
    const mediator = c.mediatorId ? await this.store.getMember(c.id, c.mediatorId) : null;
    const handler: CaseProgress['handler'] =
      c.status === 'info_requested'
        ? { role: 'customer', name: null }
        : ['submitted', 'under_review', 'accepted'].includes(c.status)
          ? { role: 'staff', name: null }
          : mediator && OPEN_STATES.includes(c.status)
            ? { role: 'mediator', name: mediator.displayName }
            : { role: 'none', name: null };
    return {
      caseId: c.id,
      caseNumber: c.number,
      title: c.title,
      status: c.status,
      since: c.statusSince,
      timeline,
      handler,
      nextStep: NEXT_STEP[c.status],
      session: c.session,
      question: c.status === 'info_requested' ? c.question : null,
      rejectionReason: c.status === 'rejected' || c.status === 'closed' ? c.rejectionReason : null,
    };
  }

  /** The whole case for its viewer; personal identifiers masked. */
  async detail(identity: Identity, caseId: string): Promise<CaseDetail> {
    const { c } = await this.caseFor(identity, caseId, ['customer', 'staff', 'admin', 'mediator']);
    const pii = await this.readPii(c.id);
    const evidence = await this.evidence.list(c.id);
    const mediator = c.mediatorId ? await this.store.getMember(c.id, c.mediatorId) : null;
    return {
      progress: await this.progress(c.id),
      category: c.category,
      amountInDisputeCents: c.amountInDisputeCents,
      description: c.summary,
      desiredOutcome: c.desiredOutcome,
      party: maskParty(pii),
      evidence,
      rules: acceptanceRules(c, pii, evidence.length),
      mediator: mediator && { userId: mediator.userId, displayName: mediator.displayName },
    };
  }

  /** Shows one identifier in full to a reviewer or an admin, and records that it was shown. */
  async reveal(identity: Identity, caseId: string, field: 'nationalId' | 'phone'): Promise<string> {
    const { c } = await this.caseFor(identity, caseId, ['staff', 'admin']);
    const pii = await this.readPii(c.id);
    if (!pii) throw new AccordError('NOT_FOUND', 'no personal data for this case');
    await this.audit.append(c.id, identity.user.id, 'pii.revealed', { field, role: identity.user.staffRole });
    return pii[field];
  }

  async review(identity: Identity, caseId: string, decision: ReviewDecision): Promise<CaseProgress> {
    const { c, actor } = await this.caseFor(identity, caseId, ['staff', 'admin']);
    switch (decision.decision) {
      case 'start':
        await this.move(c, 'under_review', actor, identity.user.id, null);
        break;
      case 'accept': {
        const pii = await this.readPii(c.id);
        const failing = acceptanceRules(c, pii, (await this.store.listEvidence(c.id)).length).filter((r) => !r.ok);
        if (failing.length > 0 && !decision.overrideReason) {
          throw new AccordError(
            'VALIDATION_FAILED',
            `acceptance rules not met: ${failing.map((r) => r.rule).join('; ')} (give an overrideReason to accept anyway)`,
          );
        }
        await this.move(c, 'accepted', actor, identity.user.id, decision.overrideReason ?? null);
        // The reviewer who accepts represents the platform in the mediation.
        await this.store.putMember({
          caseId: c.id,
          userId: identity.user.id,
          role: 'platform',
          displayName: identity.user.displayName,
        });
        break;
      }
      case 'reject':
        await this.move(c, 'rejected', actor, identity.user.id, decision.reason, { rejectionReason: decision.reason });
        break;
      case 'request_info':
        await this.move(c, 'info_requested', actor, identity.user.id, decision.question, {
          question: decision.question,
        });
        break;
    }
    return this.progress(c.id);
  }

  /** The customer answers the reviewer's question; the case goes back to review. */
  async answer(identity: Identity, caseId: string, answer: string): Promise<CaseProgress> {
    const { c, actor } = await this.caseFor(identity, caseId, ['customer']);
    await this.move(c, 'under_review', actor, identity.user.id, answer, { question: null });
    return this.progress(c.id);
  }

  async withdraw(identity: Identity, caseId: string, reason: string | null): Promise<CaseProgress> {
    const { c, actor } = await this.caseFor(identity, caseId, ['customer']);
    await this.move(c, 'withdrawn', actor, identity.user.id, reason);
    return this.progress(c.id);
  }

  async assign(identity: Identity, caseId: string, mediatorUserId: string): Promise<CaseProgress> {
    const { c, actor } = await this.caseFor(identity, caseId, ['admin']);
    const mediator = await this.store.getUser(mediatorUserId);
    if (!mediator || mediator.staffRole !== 'mediator') throw new AccordError('NOT_FOUND', 'no such mediator');
    await this.move(c, 'mediator_assigned', actor, identity.user.id, mediator.displayName, { mediatorId: mediator.id });
    await this.store.putMember({
      caseId: c.id,
      userId: mediator.id,
      role: 'mediator',
      displayName: mediator.displayName,
    });
    return this.progress(c.id);
  }

  /**
   * Schedules (or reschedules) the session and issues the customer's room
   * invite with its one-time PIN, which is returned once to the scheduler and
   * shown once on the customer's tracking page.
   */
  async schedule(
    identity: Identity,
    caseId: string,
    session: { startsAt: string; timeZone: string; durationMinutes: number },
  ): Promise<CaseProgress> {
    const { c, actor } = await this.caseFor(identity, caseId, ['staff', 'admin', 'mediator']);
    if (!isTimeZone(session.timeZone))
      throw new AccordError('VALIDATION_FAILED', `unknown time zone ${session.timeZone}`);
    const reschedule = c.status === 'scheduled';
    await this.move(c, 'scheduled', actor, identity.user.id, `${session.startsAt} ${session.timeZone}`, { session });
    if (!reschedule) {
      // The room opens with a waiting room; nodes learn of it through the bus, like any room change.
      const state = await this.store.updateRoomState(c.id, { phase: 'scheduled', lobby: true });
      await this.bus.publish({ type: 'room.state', state });
    }
    return this.progress(c.id);
  }

  async queue(
    identity: Identity,
    query: {
      status?: CaseLifecycle | undefined;
      category?: CaseRecord['category'] | undefined;
      q?: string | undefined;
      minWaitHours?: number | undefined;
      sort: 'oldest' | 'newest' | 'waiting';
    },
  ): Promise<QueueItem[]> {
    const actor = actorOf(identity, null);
    if (actor !== 'staff' && actor !== 'admin')
      throw new AccordError('FORBIDDEN', 'the review queue is for platform staff');
    const now = Date.now();
    const items = (await this.store.listCases(query))
      .map((c) => ({
        caseId: c.id,
        caseNumber: c.number,
        title: c.title,
        category: c.category,
        status: c.status,
        createdAt: c.createdAt,
        since: c.statusSince,
        waitingHours: Math.round(((now - new Date(c.statusSince).getTime()) / 3600_000) * 10) / 10,
        amountInDisputeCents: c.amountInDisputeCents,
      }))
      .filter((i) => query.minWaitHours === undefined || i.waitingHours >= query.minWaitHours);
    const by = {
      oldest: (a: QueueItem, b: QueueItem) => a.createdAt.localeCompare(b.createdAt),
      newest: (a: QueueItem, b: QueueItem) => b.createdAt.localeCompare(a.createdAt),
      waiting: (a: QueueItem, b: QueueItem) => a.since.localeCompare(b.since),
    }[query.sort];
    return items.sort(by);
  }

  async putMediator(identity: Identity, body: MediatorProfileBody): Promise<void> {
    if (actorOf(identity, null) !== 'admin') throw new AccordError('FORBIDDEN', 'only an admin manages mediators');
    const user = await this.store.getUser(body.userId);
    if (!user || user.staffRole !== 'mediator') throw new AccordError('NOT_FOUND', 'no such mediator account');
    await this.store.putMediatorProfile(body);
  }

  async mediators(identity: Identity): Promise<MediatorView[]> {
    const actor = actorOf(identity, null);
    if (actor !== 'admin' && actor !== 'staff') throw new AccordError('FORBIDDEN', 'staff only');
    const profiles = await this.store.listMediatorProfiles();
    const cases = await this.store.listCases({});
    return Promise.all(
      profiles.map(async (p) => ({
        ...p,
        displayName: (await this.store.getUser(p.userId))?.displayName ?? '',
        activeCases: cases.filter((c) => c.mediatorId === p.userId && OPEN_STATES.includes(c.status)).length,
      })),
    );
  }

  /** Everything the customer is entitled to: their data, their documents, the joint chat, the outcome. */
  async export(identity: Identity, caseId: string): Promise<Record<string, unknown>> {
    const { c } = await this.caseFor(identity, caseId, ['customer', 'admin']);
    const pii = await this.readPii(c.id);
    const files = await Promise.all(
      (await this.store.listEvidence(c.id)).map(async (e) => {
        const { data } = await this.evidence.read(c.id, e.id, { userId: identity.user.id, role: 'export' });
        return { name: e.name, type: e.type, sha256: e.sha256, base64: data.toString('base64') };
      }),
    );
    const transcript = [];
    for (;;) {
      const page = await this.store.listMessages(c.id, 'joint', { afterSeq: transcript.at(-1)?.seq ?? 0, limit: 1000 });
      transcript.push(
        ...page.map((m) => ({ seq: m.seq, sender: m.senderName, role: m.senderRole, text: m.text, at: m.createdAt })),
      );
      if (page.length < 1000) break;
    }
    const outcome = await this.store.getOutcome(c.id);
    await this.audit.append(c.id, identity.user.id, 'case.exported', {});
    return {
      format: 'accord.export/1',
      exportedAt: new Date().toISOString(),
      case: {
        number: c.number,
        category: c.category,
        amountInDisputeCents: c.amountInDisputeCents,
        description: c.summary,
        desiredOutcome: c.desiredOutcome,
        status: c.status,
      },
      personalData: pii,
      progress: await this.progress(c.id),
      documents: files,
      transcript,
      outcome: outcome && { record: JSON.parse(outcome.record) as unknown, signature: outcome.signature },
    };
  }

  /**
   * The customer's way into the room once the session is scheduled: an invite
   * for their own account. Its PIN (which confirms their signature) is created
   * and shown the first time they ask, and never again.
   */
  async roomInvite(identity: Identity, caseId: string): Promise<{ url: string; pin: string | null }> {
    const { c } = await this.caseFor(identity, caseId, ['customer']);
    if (!['scheduled', 'in_mediation'].includes(c.status) || !c.customerId) {
      throw new AccordError('PHASE_RULES', 'the session is not scheduled yet');
    }
    const existing = (await this.store.listInvites(c.id)).find(
      (i) => i.userId === c.customerId && i.revokedAt === null && i.pinHash !== null,
    );
    if (existing) return { url: await this.inviteUrl(existing.id, c.id, existing.expiresAt), pin: null };
    const id = randomUUID();
    const { pin, hash } = this.tokens.newPin(id);
    const invite = await this.store.createInvite({
      id,
      pinHash: hash,
      caseId: c.id,
      userId: c.customerId,
      role: 'customer',
      displayName: identity.user.displayName,
      createdBy: null,
      expiresAt: new Date(Date.now() + 60 * 24 * 3600_000).toISOString(),
    });
    await this.audit.append(c.id, identity.user.id, 'invite.issued', { role: 'customer' });
    return { url: await this.inviteUrl(invite.id, c.id, invite.expiresAt), pin };
  }

  private async inviteUrl(id: string, caseId: string, expiresAt: string): Promise<string> {
    const token = await this.tokens.signInvite({ jti: id, cid: caseId, role: 'customer' }, new Date(expiresAt));
    return `${this.publicUrl()}/join/${token}`;
  }

  /** Purges closed cases past the retention period; their sealed records and audit logs stay. */
  async purgeExpired(retentionDays: number, now = new Date()): Promise<string[]> {
    const purged: string[] = [];
    for (const c of await this.store.listCases({ status: 'closed' })) {
      if (c.purgedAt !== null) continue;
      if (now.getTime() - new Date(c.statusSince).getTime() < retentionDays * 24 * 3600_000) continue;
      this.evidence.removeAll(c.id);
      await this.store.purgeCase(c.id, now.toISOString());
      await this.audit.append(c.id, null, 'case.purged', { retentionDays });
      purged.push(c.id);
    }
    return purged;
  }

  /** The room left `scheduled`: the mediation is under way. */
  async roomOpened(caseId: string): Promise<void> {
    const c = await this.store.getCase(caseId);
    if (c?.status === 'scheduled') await this.move(c, 'in_mediation', 'system', null, null);
  }

  /** An outcome was sealed: the case takes its result. */
  async outcomeSealed(caseId: string, kind: 'settled' | 'not_settled' | 'withdrawn'): Promise<void> {
    const c = await this.store.getCase(caseId);
    if (!c) return;
    if (c.status === 'scheduled') await this.move(c, 'in_mediation', 'system', null, null);
    const fresh = await this.getCase(caseId);
    if (mayMoveCase(fresh.status, kind, 'system')) await this.move(fresh, kind, 'system', null, null);
  }

  private async move(
    c: CaseRecord,
    to: CaseLifecycle,
    actor: Actor,
    actorId: string | null,
    note: string | null,
    patch: Parameters<Store['updateCase']>[1] = {},
  ): Promise<void> {
    if (!mayMoveCase(c.status, to, actor)) {
      throw new AccordError('INVALID_TRANSITION', `a ${actor} cannot move a case from ${c.status} to ${to}`);
    }
    await this.store.updateCase(c.id, { ...patch, status: to }, c.status);
    await this.record(c.id, actorId, c.status, to, actor, note);
  }

  private async record(
    caseId: string,
    actorId: string | null,
    from: CaseLifecycle,
    to: CaseLifecycle,
    by: Actor,
    note: string | null,
  ): Promise<void> {
    await this.audit.append(caseId, actorId, 'case.status', { from, to, by, note });
    this.effects.progressChanged(await this.progress(caseId));
  }

  private async getCase(caseId: string): Promise<CaseRecord> {
    const c = await this.store.getCase(caseId);
    if (!c) throw new AccordError('NOT_FOUND', 'no such case');
    return c;
  }

  /** The case and how the viewer acts on it; NOT_FOUND/FORBIDDEN unless they are one of `allowed`. */
  async caseFor(identity: Identity, caseId: string, allowed: Actor[]): Promise<{ c: CaseRecord; actor: Actor }> {
    const c = await this.getCase(caseId);
    const member = await this.store.getMember(c.id, identity.user.id);
    const actor = actorOf(identity, member && member.removedAt === null ? member.role : null, c);
    if (!actor || !allowed.includes(actor)) throw new AccordError('FORBIDDEN', 'you may not do this on this case');
    return { c, actor };
  }

  private async readPii(caseId: string): Promise<Pii | null> {
    const blob = await this.store.getPii(caseId);
    return blob ? (JSON.parse(this.cipher.decrypt(blob, `pii:${caseId}`).toString('utf8')) as Pii) : null;
  }
}

/**
 * How an identity acts on a case: the case's own customer (through their
 * case-bound session), platform staff, an admin, or the case's mediator.
 */
function actorOf(identity: Identity, memberRole: string | null, c?: CaseRecord): Actor | null {
  if (identity.session.caseId !== null) {
    return c && identity.session.caseId === c.id && memberRole === 'customer' ? 'customer' : null;
  }
  if (identity.user.mustChangePassword) return null;
  switch (identity.user.staffRole) {
    case 'admin':
      return 'admin';
    case 'platform':
      return 'staff';
    case 'mediator':
      return memberRole === 'mediator' ? 'mediator' : null;
    default:
      return null;
  }
}

function maskParty(pii: Pii | null): PartyData {
  if (!pii) return { name: '', phone: '', nationalId: '', contractNumber: '' };
  return {
    name: pii.name,
    phone: maskIdentifier(pii.phone, 3),
    nationalId: maskIdentifier(pii.nationalId, 3),
    contractNumber: pii.contractNumber,
  };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function categoryTitle(category: string): string {
  return (
    (
      {
        fees_and_charges: 'Fees and charges',
        contract_terms: 'Contract terms',
        repayment_hardship: 'Repayment hardship',
        unauthorized_or_fraud: 'Unauthorized transaction or fraud',
        collection_conduct: 'Collection conduct',
        other: 'Complaint',
      } as Record<string, string>
    )[category] ?? 'Complaint'
  );
}
