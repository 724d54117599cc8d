import { AccordError, type CaseLifecycle, type CaseRole, type Channel, type ChatMessage } from '@accord/shared';
import {
  defaultRoomState,
  type AppendResult,
  type AuditHead,
  type AuditRecord,
  type MessageAudit,
  type CasePatch,
  type CaseQuery,
  type MediatorProfile,
  type FreezeRecord,
  type OutcomeRow,
  type SignatureRecord,
  type MemberFlags,
  type RoomStatePatch,
  type RoomStateRecord,
  type CaseRecord,
  type InviteRecord,
  type MemberRecord,
  type MessageQuery,
  type NewCase,
  type NewMessage,
  type NewUser,
  type OutboxStore,
  type SessionRecord,
  type Store,
  type StoredDoc,
  type UserRecord,
  type UserPatch,
  type LenderRecord,
  type AccountEventRecord,
  type NegotiationStore,
} from './types';
import { MemoryNegotiation } from './memory-negotiation';
import { MemoryOutbox } from './memory-outbox';
import { MemoryAggregates } from './memory-aggregates';
import { clientIdReused, sameMessage, storedMessage } from './rows';

const now = () => new Date().toISOString();

/**
 * A volatile store for unit tests only: everything is lost with the process.
 * It keeps the same contract as SQLite (the shared contract suite runs on both).
 */
export class MemoryStore extends MemoryAggregates implements Store {
  readonly kind = 'memory';
  private readonly users = new Map<string, UserRecord>();
  private readonly cases = new Map<string, CaseRecord>();
  private readonly caseNumbers = new Map<number, number>();
  private readonly members = new Map<string, MemberRecord>();
  private readonly invites = new Map<string, InviteRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  /** Per `caseId|channel`. */
  private readonly messages = new Map<string, ChatMessage[]>();
  private readonly roomStates = new Map<string, RoomStateRecord>();
  private readonly audit = new Map<string, AuditRecord[]>();
  private readonly freezes: FreezeRecord[] = [];
  private readonly signatures: SignatureRecord[] = [];
  private readonly outcomes = new Map<string, OutcomeRow>();
  private readonly pii = new Map<string, Uint8Array>();
  private readonly mediators = new Map<string, MediatorProfile>();
  private readonly docs = new Map<
    string,
    { snapshot: Uint8Array | null; throughId: number; updates: { id: number; data: Uint8Array }[] }
  >();
  private nextUpdateId = 1;
  private readonly lenders = new Map<string, LenderRecord>();
  private readonly accountEvents: AccountEventRecord[] = [];

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  async createUser(user: NewUser): Promise<UserRecord> {
    if (user.username !== null && [...this.users.values()].some((u) => u.username === user.username)) {
      throw new Error(`UNIQUE constraint failed: users.username`);
    }
    const record: UserRecord = {
      ...user,
      lenderId: user.lenderId ?? null,
      deactivatedAt: null,
      email: user.email ?? null,
      createdAt: now(),
    };
    this.users.set(user.id, record);
    return { ...record };
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const u = this.users.get(id);
    return u ? { ...u } : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const u = [...this.users.values()].find((x) => x.username === username);
    return u ? { ...u } : null;
  }

  async setPassword(userId: string, passwordHash: string, mustChange: boolean): Promise<void> {
    const u = this.users.get(userId);
    if (u) this.users.set(userId, { ...u, passwordHash, mustChangePassword: mustChange });
  }

  async countStaff(): Promise<number> {
    return [...this.users.values()].filter((u) => u.kind === 'staff').length;
  }

  async listStaff(): Promise<UserRecord[]> {
    return [...this.users.values()].filter((u) => u.kind === 'staff').map((u) => ({ ...u }));
  }

  async updateUser(userId: string, patch: UserPatch): Promise<UserRecord | null> {
    const u = this.users.get(userId);
    if (!u) return null;
    const next = { ...u, ...patch };
    this.users.set(userId, next);
    return { ...next };
  }

  async createLender(
    lender: Omit<LenderRecord, 'createdAt' | 'planPolicy' | 'documentDueDays'>,
  ): Promise<LenderRecord> {
    if (this.lenders.has(lender.id)) throw new Error('UNIQUE constraint failed: lenders.id');
    const record = { ...lender, createdAt: now(), planPolicy: null, documentDueDays: null };
    this.lenders.set(lender.id, record);
    return { ...record };
  }

  async getLender(id: string): Promise<LenderRecord | null> {
    const l = this.lenders.get(id);
    return l ? structuredClone(l) : null;
  }

  async listLenders(): Promise<LenderRecord[]> {
    const byName = (a: LenderRecord, b: LenderRecord) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return [...this.lenders.values()].sort(byName).map((l) => structuredClone(l));
  }

  async renameLender(id: string, name: string): Promise<LenderRecord | null> {
    const l = this.lenders.get(id);
    if (!l) return null;
    this.lenders.set(id, { ...l, name });
    return { ...l, name };
  }

  async setLenderPlanPolicy(id: string, policy: LenderRecord['planPolicy']): Promise<LenderRecord | null> {
    const l = this.lenders.get(id);
    if (!l) return null;
    const next = { ...l, planPolicy: structuredClone(policy) };
    this.lenders.set(id, next);
    return structuredClone(next);
  }

  async setLenderDocumentDueDays(id: string, days: number | null): Promise<LenderRecord | null> {
    const l = this.lenders.get(id);
    if (!l) return null;
    const next = { ...l, documentDueDays: days };
    this.lenders.set(id, next);
    return structuredClone(next);
  }

  async appendAccountEvent(event: AccountEventRecord): Promise<void> {
    if (this.accountEvents.some((e) => e.id === event.id))
      throw new Error('UNIQUE constraint failed: account_events.id');
    this.accountEvents.push(structuredClone(event));
  }

  async listAccountEvents(targetId?: string): Promise<AccountEventRecord[]> {
    return this.accountEvents
      .filter((e) => targetId === undefined || e.targetId === targetId)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((e) => structuredClone(e));
  }

  // The outbox is its own class; the store passes through to it.
  private readonly mail = new MemoryOutbox();
  enqueueMail: OutboxStore['enqueueMail'] = (m) => this.mail.enqueueMail(m);
  claimMail: OutboxStore['claimMail'] = (...a) => this.mail.claimMail(...a);
  markMailSent: OutboxStore['markMailSent'] = (...a) => this.mail.markMailSent(...a);
  markMailFailed: OutboxStore['markMailFailed'] = (...a) => this.mail.markMailFailed(...a);
  markMailDropped: OutboxStore['markMailDropped'] = (...a) => this.mail.markMailDropped(...a);
  cancelMail: OutboxStore['cancelMail'] = (...a) => this.mail.cancelMail(...a);
  releaseMail: OutboxStore['releaseMail'] = (o) => this.mail.releaseMail(o);
  listMail: OutboxStore['listMail'] = (c) => this.mail.listMail(c);

  private readonly negotiation = new MemoryNegotiation();
  addConsent: NegotiationStore['addConsent'] = (e) => this.negotiation.addConsent(e);
  listConsent: NegotiationStore['listConsent'] = (c) => this.negotiation.listConsent(c);
  bindDocAuthor: NegotiationStore['bindDocAuthor'] = (c, a) => this.negotiation.bindDocAuthor(c, a);
  listDocAuthors: NegotiationStore['listDocAuthors'] = (c) => this.negotiation.listDocAuthors(c);
  addRound: NegotiationStore['addRound'] = (r) => this.negotiation.addRound(r);
  listRounds: NegotiationStore['listRounds'] = (c) => this.negotiation.listRounds(c);

  async createCase(input: NewCase): Promise<CaseRecord> {
    const createdAt = now();
    const year = new Date(createdAt).getUTCFullYear();
    const n = (this.caseNumbers.get(year) ?? 0) + 1;
    this.caseNumbers.set(year, n);
    const record: CaseRecord = {
      id: input.id,
      title: input.title,
      summary: input.summary,
      category: input.category,
      amountInDisputeCents: input.amountInDisputeCents,
      number: `AC-${year}-${String(n).padStart(6, '0')}`,
      status: input.status ?? 'scheduled',
      statusSince: createdAt,
      createdAt,
      desiredOutcome: input.desiredOutcome ?? '',
      language: input.language ?? 'zh-CN',
      customerId: input.customerId ?? null,
      mediatorId: null,
      session: null,
      question: null,
      rejectionReason: null,
      tracking: input.tracking ?? null,
      purgedAt: null,
      lenderId: input.lenderId ?? null,
    };
    this.cases.set(record.id, record);
    return structuredClone(record);
  }

  async getCaseByTracking(trackingId: string): Promise<CaseRecord | null> {
    const c = [...this.cases.values()].find((x) => x.tracking?.id === trackingId);
    return c ? structuredClone(c) : null;
  }

  async listCases(q: CaseQuery): Promise<CaseRecord[]> {
    return [...this.cases.values()]
      .filter((c) => (!q.status || c.status === q.status) && (!q.category || c.category === q.category))
      .filter((c) => !q.q || c.number.includes(q.q))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((c) => structuredClone(c));
  }

  async updateCase(id: string, patch: CasePatch, expectedStatus?: CaseLifecycle): Promise<CaseRecord> {
    const current = this.cases.get(id);
    if (!current) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    if (expectedStatus !== undefined && current.status !== expectedStatus) {
      throw AccordError.because(
        'CONFLICT',
        'case.statusChanged',
        `the case is ${current.status} now, no longer ${expectedStatus}`,
        { status: current.status },
      );
    }
    const next = { ...current, ...patch };
    if (patch.status !== undefined && patch.status !== current.status) next.statusSince = now();
    this.cases.set(id, next);
    return structuredClone(next);
  }

  async putPii(caseId: string, data: Uint8Array): Promise<void> {
    this.pii.set(caseId, data.slice());
  }

  async getPii(caseId: string): Promise<Uint8Array | null> {
    return this.pii.get(caseId)?.slice() ?? null;
  }

  async putMediatorProfile(p: MediatorProfile): Promise<void> {
    this.mediators.set(p.userId, structuredClone(p));
  }

  async listMediatorProfiles(): Promise<MediatorProfile[]> {
    return [...this.mediators.values()].map((p) => structuredClone(p));
  }

  async purgeCase(caseId: string, at: string): Promise<void> {
    this.pii.delete(caseId);
    this.purgeAggregates(caseId);
    for (const key of [...this.messages.keys()]) if (key.startsWith(`${caseId}|`)) this.messages.delete(key);
    for (const name of [...this.docs.keys()])
      if (name === caseId || name.startsWith(`${caseId}/`)) this.docs.delete(name);
    this.negotiation.purge(caseId);
    const c = this.cases.get(caseId);
    if (c) this.cases.set(caseId, { ...c, summary: '', desiredOutcome: '', question: null, purgedAt: at });
  }

  async getCase(id: string): Promise<CaseRecord | null> {
    const c = this.cases.get(id);
    return c ? structuredClone(c) : null;
  }

  async countCases(): Promise<number> {
    return this.cases.size;
  }

  async putMember(member: Pick<MemberRecord, 'caseId' | 'userId' | 'role' | 'displayName'>): Promise<MemberRecord> {
    const key = `${member.caseId}|${member.userId}`;
    const existing = this.members.get(key);
    const record: MemberRecord = {
      admitted: false,
      muted: false,
      handRaised: false,
      addedAt: now(),
      ...existing,
      ...member,
      removedAt: null,
    };
    this.members.set(key, record);
    return { ...record };
  }

  async getMember(caseId: string, userId: string): Promise<MemberRecord | null> {
    const m = this.members.get(`${caseId}|${userId}`);
    return m ? { ...m } : null;
  }

  async listMembers(caseId: string): Promise<MemberRecord[]> {
    return [...this.members.values()].filter((m) => m.caseId === caseId && m.removedAt === null).map((m) => ({ ...m }));
  }

  async listMemberships(userId: string): Promise<{ case: CaseRecord; role: CaseRole }[]> {
    return [...this.members.values()]
      .filter((m) => m.userId === userId && m.removedAt === null)
      .flatMap((m) => {
        const c = this.cases.get(m.caseId);
        return c ? [{ case: { ...c }, role: m.role }] : [];
      })
      .sort((a, b) => b.case.createdAt.localeCompare(a.case.createdAt));
  }

  async setMemberFlags(caseId: string, userId: string, flags: MemberFlags): Promise<MemberRecord | null> {
    const key = `${caseId}|${userId}`;
    const m = this.members.get(key);
    if (!m || m.removedAt !== null) return null;
    const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
    const next = { ...m, ...defined };
    this.members.set(key, next);
    return { ...next };
  }

  async admitAll(caseId: string): Promise<string[]> {
    const admitted: string[] = [];
    for (const [key, m] of this.members) {
      if (m.caseId === caseId && !m.admitted && m.removedAt === null && m.role !== 'mediator') {
        this.members.set(key, { ...m, admitted: true });
        admitted.push(m.userId);
      }
    }
    return admitted;
  }

  async removeMember(caseId: string, userId: string, at: string): Promise<string[]> {
    const key = `${caseId}|${userId}`;
    const m = this.members.get(key);
    if (m && m.removedAt === null) this.members.set(key, { ...m, removedAt: at });
    for (const i of this.invites.values()) {
      if (i.caseId === caseId && i.userId === userId && i.revokedAt === null) {
        this.invites.set(i.id, { ...i, revokedAt: at });
      }
    }
    const revoked: string[] = [];
    for (const s of this.sessions.values()) {
      if (s.userId === userId && s.caseId === caseId && s.revokedAt === null) {
        this.sessions.set(s.id, { ...s, revokedAt: at });
        revoked.push(s.id);
      }
    }
    return revoked;
  }

  async getRoomState(caseId: string): Promise<RoomStateRecord> {
    return structuredClone(this.roomStates.get(caseId) ?? defaultRoomState(caseId));
  }

  async updateRoomState(caseId: string, patch: RoomStatePatch, expectedVersion?: number): Promise<RoomStateRecord> {
    const current = this.roomStates.get(caseId) ?? defaultRoomState(caseId);
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw AccordError.because('CONFLICT', 'room.changedMeanwhile', 'the room changed meanwhile; try again');
    }
    const next = { ...current, ...patch, version: current.version + 1 };
    this.roomStates.set(caseId, next);
    return structuredClone(next);
  }

  async appendAudit(caseId: string, build: (previous: AuditHead | null) => AuditRecord): Promise<AuditRecord> {
    const log = this.audit.get(caseId) ?? [];
    const entry = build(log.at(-1) ?? null);
    log.push(structuredClone(entry));
    this.audit.set(caseId, log);
    return entry;
  }

  async listAudit(caseId: string, query: { beforeSeq?: number; limit: number }): Promise<AuditRecord[]> {
    const log = (this.audit.get(caseId) ?? []).filter((e) => e.seq < (query.beforeSeq ?? Number.MAX_SAFE_INTEGER));
    return structuredClone(log.slice(-query.limit));
  }

  async createInvite(invite: Omit<InviteRecord, 'revokedAt' | 'createdAt' | 'pinResetAt'>): Promise<InviteRecord> {
    const record: InviteRecord = { ...invite, createdAt: now(), revokedAt: null, pinResetAt: null };
    this.invites.set(record.id, record);
    return { ...record };
  }

  async getInvite(id: string): Promise<InviteRecord | null> {
    const i = this.invites.get(id);
    return i ? { ...i } : null;
  }

  async listInvites(caseId: string): Promise<InviteRecord[]> {
    return [...this.invites.values()].filter((i) => i.caseId === caseId).map((i) => ({ ...i }));
  }

  async claimInvitePin(id: string, pinHash: string): Promise<boolean> {
    const invite = this.invites.get(id);
    if (!invite || invite.pinHash !== null) return false;
    this.invites.set(id, { ...invite, pinHash });
    return true;
  }

  async resetInvitePins(caseId: string, userId: string, at: string): Promise<string[]> {
    const reset: string[] = [];
    for (const i of this.invites.values()) {
      if (i.caseId === caseId && i.userId === userId && i.revokedAt === null && i.pinHash !== null) {
        this.invites.set(i.id, { ...i, pinHash: null, pinResetAt: at });
        reset.push(i.id);
      }
    }
    return reset;
  }

  async revokeInvite(id: string, at: string): Promise<string[]> {
    const invite = this.invites.get(id);
    if (invite && invite.revokedAt === null) this.invites.set(id, { ...invite, revokedAt: at });
    const revoked: string[] = [];
    for (const s of this.sessions.values()) {
      if (s.inviteId === id && s.revokedAt === null) {
        this.sessions.set(s.id, { ...s, revokedAt: at });
        revoked.push(s.id);
      }
    }
    return revoked;
  }

  async createSession(session: Omit<SessionRecord, 'revokedAt' | 'createdAt'>): Promise<SessionRecord> {
    const record: SessionRecord = { ...session, createdAt: now(), revokedAt: null };
    this.sessions.set(record.id, record);
    return { ...record };
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const s = this.sessions.get(id);
    return s ? { ...s } : null;
  }

  async revokeSession(id: string, at: string): Promise<void> {
    const s = this.sessions.get(id);
    if (s && s.revokedAt === null) this.sessions.set(id, { ...s, revokedAt: at });
  }

  async revokeUserSessions(userId: string, exceptId: string | null, at: string): Promise<string[]> {
    const revoked: string[] = [];
    for (const s of this.sessions.values()) {
      if (s.userId === userId && s.revokedAt === null && s.id !== exceptId) {
        this.sessions.set(s.id, { ...s, revokedAt: at });
        revoked.push(s.id);
      }
    }
    return revoked;
  }

  async appendMessage(m: NewMessage, audit?: MessageAudit): Promise<AppendResult> {
    const existing = [...this.messages.values()]
      .flat()
      .find((x) => x.caseId === m.caseId && x.senderId === m.senderId && x.clientId === m.clientId);
    if (existing) {
      if (!sameMessage(existing, m)) throw clientIdReused(m.clientId);
      return { message: { ...existing }, duplicate: true };
    }
    const key = `${m.caseId}|${m.channel}`;
    const log = this.messages.get(key) ?? [];
    const message: ChatMessage = storedMessage(m, log.length + 1);
    log.push(message);
    this.messages.set(key, log);
    if (audit) await this.appendAudit(m.caseId, (previous) => audit(message, previous));
    return { message: { ...message }, duplicate: false };
  }

  async listMessages(caseId: string, channel: Channel, q: MessageQuery): Promise<ChatMessage[]> {
    const log = this.messages.get(`${caseId}|${channel}`) ?? [];
    if (q.afterSeq !== undefined) return log.slice(q.afterSeq, q.afterSeq + q.limit).map((x) => ({ ...x }));
    const end = Math.min(log.length, (q.beforeSeq ?? Number.MAX_SAFE_INTEGER) - 1);
    return log.slice(Math.max(0, end - q.limit), end).map((x) => ({ ...x }));
  }

  async headSeq(caseId: string, channel: Channel): Promise<number> {
    return this.messages.get(`${caseId}|${channel}`)?.length ?? 0;
  }

  async currentFreeze(caseId: string): Promise<FreezeRecord | null> {
    const f = this.freezes.filter((x) => x.caseId === caseId && x.voidedAt === null).at(-1);
    return f ? { ...f } : null;
  }

  async createFreeze(freeze: Omit<FreezeRecord, 'voidedAt'>): Promise<FreezeRecord> {
    if (await this.currentFreeze(freeze.caseId))
      throw AccordError.because('CONFLICT', 'signing.alreadyFrozen', 'the agreement is already frozen');
    const record = { ...freeze, clauses: freeze.clauses ?? null, voidedAt: null };
    this.freezes.push(record);
    return { ...record };
  }

  async voidFreeze(caseId: string, at: string): Promise<FreezeRecord | null> {
    const f = this.freezes.find((x) => x.caseId === caseId && x.voidedAt === null);
    if (!f) return null;
    f.voidedAt = at;
    return { ...f };
  }

  async addSignature(sig: SignatureRecord): Promise<SignatureRecord> {
    if (this.signatures.some((s) => s.freezeId === sig.freezeId && s.userId === sig.userId)) {
      throw AccordError.because('CONFLICT', 'signing.alreadySigned', 'you have already signed this text');
    }
    this.signatures.push({ ...sig });
    return sig;
  }

  async listSignatures(freezeId: string): Promise<SignatureRecord[]> {
    return this.signatures.filter((s) => s.freezeId === freezeId).map((s) => ({ ...s }));
  }

  async saveOutcome(o: OutcomeRow): Promise<void> {
    if (this.outcomes.has(o.caseId))
      throw AccordError.because('CONFLICT', 'outcome.alreadySealed', 'this case already has a sealed outcome');
    this.outcomes.set(o.caseId, { ...o });
  }

  async getOutcome(caseId: string): Promise<OutcomeRow | null> {
    const o = this.outcomes.get(caseId);
    return o ? { ...o } : null;
  }

  async appendDocUpdate(docName: string, update: Uint8Array): Promise<number> {
    const doc = this.docs.get(docName) ?? { snapshot: null, throughId: 0, updates: [] };
    const id = this.nextUpdateId++;
    doc.updates.push({ id, data: update.slice() });
    this.docs.set(docName, doc);
    return id;
  }

  async loadDoc(docName: string): Promise<StoredDoc> {
    const doc = this.docs.get(docName);
    return doc
      ? {
          snapshot: doc.snapshot?.slice() ?? null,
          updates: doc.updates.map((u) => ({ id: u.id, data: u.data.slice() })),
        }
      : { snapshot: null, updates: [] };
  }

  async compactDoc(docName: string, snapshot: Uint8Array, coveredIds: readonly number[]): Promise<void> {
    if (coveredIds.length === 0) return;
    const throughId = Math.max(...coveredIds);
    const covered = new Set(coveredIds);
    const doc = this.docs.get(docName) ?? { snapshot: null, throughId: 0, updates: [] };
    // Only forward: a compaction with an older view must not replace a newer snapshot.
    if (doc.snapshot && doc.throughId >= throughId) return;
    this.docs.set(docName, {
      snapshot: snapshot.slice(),
      throughId,
      updates: doc.updates.filter((u) => !covered.has(u.id)),
    });
  }
}
