import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  AccordError,
  type CaseLifecycle,
  type CaseRole,
  type Channel,
  type ChatMessage,
  type Phase,
} from '@accord/shared';
import { sqliteMigrations } from './migrations';
import { closeSync, fdatasync, openSync } from 'node:fs';
import {
  defaultRoomState,
  type AppendResult,
  type AuditHead,
  type AuditRecord,
  type CasePatch,
  type CaseQuery,
  type EvidenceRecord,
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
  type SessionRecord,
  type Store,
  type StoredDoc,
  type UserRecord,
} from './types';
import { caseUpdateParams, str, strOrNull, toFreeze, toInvite, toSession, toSignature, type Row } from './rows';

export interface SqliteOptions {
  /** File path, or ':memory:' for a throw-away database. */
  filename: string;
  /**
   * `full` fsyncs the WAL on every commit, so an acknowledged write survives a
   * power loss; `normal` survives a process crash (kill -9) but not a power loss,
   * and is several times faster on slow disks.
   */
  synchronous?: 'full' | 'normal';
}

function toUser(r: Row): UserRecord {
  return {
    id: str(r.id),
    kind: r.kind as UserRecord['kind'],
    username: strOrNull(r.username),
    displayName: str(r.display_name),
    staffRole: strOrNull(r.staff_role) as UserRecord['staffRole'],
    passwordHash: strOrNull(r.password_hash),
    mustChangePassword: r.must_change_password === 1,
    createdAt: str(r.created_at),
  };
}

function toCase(r: Row): CaseRecord {
  return {
    id: str(r.id),
    number: str(r.number),
    title: str(r.title),
    summary: str(r.summary),
    category: r.category as CaseRecord['category'],
    status: r.status as CaseRecord['status'],
    statusSince: str(r.status_since ?? r.created_at),
    amountInDisputeCents: r.amount_in_dispute_cents as number,
    createdAt: str(r.created_at),
    desiredOutcome: str(r.desired_outcome ?? ''),
    customerId: strOrNull(r.customer_id ?? null),
    mediatorId: strOrNull(r.mediator_id ?? null),
    session:
      r.session_starts_at === null || r.session_starts_at === undefined
        ? null
        : {
            startsAt: str(r.session_starts_at),
            timeZone: str(r.session_time_zone),
            durationMinutes: r.session_minutes as number,
          },
    question: strOrNull(r.question ?? null),
    rejectionReason: strOrNull(r.rejection_reason ?? null),
    tracking:
      r.tracking_id === null || r.tracking_id === undefined
        ? null
        : { id: str(r.tracking_id), pinHash: str(r.tracking_pin_hash), revokedAt: strOrNull(r.tracking_revoked_at) },
    purgedAt: strOrNull(r.purged_at ?? null),
  };
}

function toEvidence(r: Row): EvidenceRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    uploadedBy: str(r.uploaded_by),
    uploaderRole: str(r.uploader_role),
    name: str(r.name),
    storedName: str(r.stored_name),
    type: r.type as EvidenceRecord['type'],
    size: r.size as number,
    sha256: str(r.sha256),
    uploadedAt: str(r.uploaded_at),
  };
}

function toMember(r: Row): MemberRecord {
  return {
    caseId: str(r.case_id),
    userId: str(r.user_id),
    role: r.role as CaseRole,
    displayName: str(r.display_name),
    addedAt: str(r.added_at),
    admitted: r.admitted === 1,
    muted: r.muted === 1,
    handRaised: r.hand_raised === 1,
    removedAt: strOrNull(r.removed_at),
  };
}

function toRoomState(r: Row): RoomStateRecord {
  return {
    caseId: str(r.case_id),
    phase: r.phase as Phase,
    lobby: r.lobby === 1,
    quietOpening: r.quiet_opening === 1,
    agreementLocked: r.agreement_locked === 1,
    caucusUserId: strOrNull(r.caucus_user_id),
    pinned: r.pinned_text === null ? null : { text: str(r.pinned_text), by: str(r.pinned_by), at: str(r.pinned_at) },
    version: r.version as number,
  };
}

function toAudit(r: Row): AuditRecord {
  return {
    caseId: str(r.case_id),
    seq: r.seq as number,
    at: str(r.at),
    actorId: strOrNull(r.actor_id),
    kind: str(r.kind),
    data: JSON.parse(str(r.data)) as Record<string, unknown>,
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
  };
}

function toMessage(r: Row): ChatMessage {
  return {
    channel: r.channel as Channel,
    seq: r.seq as number,
    id: str(r.id),
    clientId: str(r.client_id),
    caseId: str(r.case_id),
    senderId: str(r.sender_id),
    senderName: str(r.sender_name),
    senderRole: r.sender_role as CaseRole,
    text: str(r.text),
    createdAt: str(r.created_at),
  };
}

const now = () => new Date().toISOString();

type Outcome = { ok: true; value: AppendResult } | { ok: false; error: unknown };

/** A chat message waiting for the group commit. */
interface PendingAppend {
  m: NewMessage;
  audit: ((stored: ChatMessage, previous: AuditHead | null) => AuditRecord) | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The shortest time between two commits of Yjs updates. A commit costs about 100 µs of CPU (most of
 * it the fsync's, in the kernel, with synchronous=FULL) whether it carries one update or twenty; at
 * a thousand updates a second, one commit per update would spend a tenth of a core on fsyncs. At
 * most one commit every 3 ms bounds that at ~330 commits a second, for at most 3 ms of extra wait
 * and only while updates keep coming.
 */
const DOC_COMMIT_GAP_MS = 3;

/**
 * The shortest time between two chat commits. A commit costs its BEGIN/COMMIT, the WAL frames of the
 * pages its messages share and an fdatasync, whatever it carries; at 4,500 messages a second, commits
 * as fast as the disk allowed cost about a tenth of the server's CPU more than one every 2 ms
 * (measured: CPU per 1,000 deliveries 101–105 → 91–92 ms, p99 unchanged). At most 2 ms of extra wait,
 * and only while messages keep coming.
 */
const CHAT_COMMIT_GAP_MS = 2;

/** A Yjs update waiting for the group commit of document updates. */
interface PendingDocUpdate {
  docName: string;
  update: Uint8Array;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

/** The embedded store: one SQLite file in WAL mode, migrated on open. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  /** Chat messages waiting for the next group commit (see appendMessage). */
  private chatBatch: PendingAppend[] | null = null;
  /**
   * With synchronous=FULL, the WAL file whose fdatasync makes a chat batch durable (see flushChat);
   * null with synchronous=NORMAL or an in-memory database.
   */
  private readonly walFile: string | null;
  private walFd: number | null = null;
  /** A chat flush is scheduled (see scheduleChatFlush), and when the last chat commit started. */
  private chatFlushPending = false;
  private lastChatCommit = -Infinity;
  /** Calls waiting for an fdatasync of the WAL that starts after they asked. */
  private syncWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private syncing = false;
  private readonly chatCommit: Database.Transaction<(batch: readonly PendingAppend[]) => Outcome[]>;
  private readonly chatCommitCareful: Database.Transaction<(batch: readonly PendingAppend[]) => Outcome[]>;
  /** Yjs updates waiting for the next group commit (see appendDocUpdate). */
  private docBatch: PendingDocUpdate[] | null = null;
  /** When the last commit of Yjs updates started (performance.now()). */
  private lastDocCommit = -Infinity;
  /** Prepared statements by SQL text: compiling one costs more than running it. */
  private readonly statements = new Map<string, Database.Statement>();

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  constructor(options: SqliteOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    // Another process (the CLI's `demo` while the server runs) may hold the write lock briefly.
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL into the database every ~40 MB instead of every ~4 MB: a page written many
    // times between checkpoints (a room's newest messages, its audit tail) is copied and fsynced
    // once per checkpoint, not once per 1,000 pages. Durability is the WAL's, at every commit.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.migrate();
    const file = (this.db.pragma('database_list') as { name: string; file: string }[]).find(
      (d) => d.name === 'main',
    )?.file;
    this.walFile = options.synchronous !== 'normal' && file ? `${file}-wal` : null;
    // The group commit: one transaction per batch. A message refused (a clientId reused for other
    // text) is refused before it writes anything, so it needs no savepoint; any other failure rolls
    // the whole batch back, and it is run again with each message in a savepoint of its own (a
    // nested transaction), so that message undoes only itself.
    const inBatch = (each: (m: NewMessage, audit: PendingAppend['audit']) => AppendResult, rethrow: boolean) =>
      this.db.transaction((batch: readonly PendingAppend[]): Outcome[] =>
        batch.map(({ m, audit }): Outcome => {
          try {
            return { ok: true, value: each(m, audit) };
          } catch (error) {
            if (rethrow && !(error instanceof AccordError)) throw error;
            return { ok: false, error };
          }
        }),
      );
    const inSavepoint = this.db.transaction((m: NewMessage, audit: PendingAppend['audit']) =>
      this.insertMessage(m, audit),
    );
    this.chatCommit = inBatch((m, audit) => this.insertMessage(m, audit), true);
    this.chatCommitCareful = inBatch(inSavepoint, false);
  }

  /** For a group commit with a deferred sync: a cached statement, since `db.pragma` compiles one each time. */
  private setSynchronous(level: 'NORMAL' | 'FULL'): void {
    this.stmt(`PRAGMA synchronous = ${level}`).run();
  }

  /** The schema version this database is at. */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const from = this.schemaVersion;
    if (from > sqliteMigrations.length) {
      throw new Error(
        `database schema version ${from} is newer than this build knows (${sqliteMigrations.length}); upgrade Accord`,
      );
    }
    sqliteMigrations.slice(from).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${from + i + 1}`);
      })();
    });
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
  }

  async close(): Promise<void> {
    // Messages waiting for their group commit are stored (and answered) before the file closes.
    this.flushChat(true);
    this.flushDocUpdates(true);
    if (this.syncing || this.syncWaiters.length > 0) await this.walSynced().catch(() => undefined);
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
    this.db.close();
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    const createdAt = now();
    this.stmt(
      `INSERT INTO users (id, kind, username, display_name, staff_role, password_hash, must_change_password, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      user.id,
      user.kind,
      user.username,
      user.displayName,
      user.staffRole,
      user.passwordHash,
      user.mustChangePassword ? 1 : 0,
      createdAt,
    );
    return { ...user, createdAt };
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const r = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r ? toUser(r) : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const r = this.stmt('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return r ? toUser(r) : null;
  }

  async setPassword(userId: string, passwordHash: string, mustChange: boolean): Promise<void> {
    this.stmt('UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?').run(
      passwordHash,
      mustChange ? 1 : 0,
      userId,
    );
  }

  async countStaff(): Promise<number> {
    return (this.stmt("SELECT count(*) AS n FROM users WHERE kind = 'staff'").get() as { n: number }).n;
  }

  async listStaff(): Promise<UserRecord[]> {
    return (this.stmt("SELECT * FROM users WHERE kind = 'staff' ORDER BY username").all() as Row[]).map(toUser);
  }

  async createCase(input: NewCase): Promise<CaseRecord> {
    const createdAt = now();
    const year = new Date(createdAt).getUTCFullYear();
    return this.db.transaction(() => {
      const row = this.stmt(
        `INSERT INTO case_numbers (year, last) VALUES (?, 1)
           ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
      ).get(year) as { last: number };
      const number = `AC-${year}-${String(row.last).padStart(6, '0')}`;
      this.stmt(
        `INSERT INTO cases (id, number, title, summary, category, status, status_since, amount_in_dispute_cents,
             created_at, desired_outcome, customer_id, tracking_id, tracking_pin_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        input.id,
        number,
        input.title,
        input.summary,
        input.category,
        input.status ?? 'scheduled',
        createdAt,
        input.amountInDisputeCents,
        createdAt,
        input.desiredOutcome ?? '',
        input.customerId ?? null,
        input.tracking?.id ?? null,
        input.tracking?.pinHash ?? null,
      );
      return toCase(this.stmt('SELECT * FROM cases WHERE id = ?').get(input.id) as Row);
    })();
  }

  async getCaseByTracking(trackingId: string): Promise<CaseRecord | null> {
    const r = this.stmt('SELECT * FROM cases WHERE tracking_id = ?').get(trackingId) as Row | undefined;
    return r ? toCase(r) : null;
  }

  async listCases(q: CaseQuery): Promise<CaseRecord[]> {
    const conditions: [string, string | undefined][] = [
      ['status = ?', q.status],
      ['category = ?', q.category],
      ["number LIKE ? ESCAPE '\\'", q.q === undefined ? undefined : `%${q.q.replace(/[%_\\]/g, '\\$&')}%`],
    ];
    const used = conditions.filter((c): c is [string, string] => c[1] !== undefined);
    const where = used.map((c) => c[0]);
    const args = used.map((c) => c[1]);
    const sql = `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at LIMIT 1000`;
    return (this.stmt(sql).all(...args) as Row[]).map(toCase);
  }

  async updateCase(id: string, patch: CasePatch, expectedStatus?: CaseLifecycle): Promise<CaseRecord> {
    return this.db
      .transaction(() => {
        const row = this.stmt('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
        if (!row) throw new AccordError('NOT_FOUND', 'no such case');
        const current = toCase(row);
        if (expectedStatus !== undefined && current.status !== expectedStatus) {
          throw new AccordError('CONFLICT', `the case is ${current.status} now, no longer ${expectedStatus}`);
        }
        const next: CaseRecord = { ...current, ...patch };
        if (patch.status !== undefined && patch.status !== current.status) next.statusSince = now();
        this.stmt(
          `UPDATE cases SET status = ?, status_since = ?, mediator_id = ?, session_starts_at = ?,
               session_time_zone = ?, session_minutes = ?, question = ?, rejection_reason = ?, tracking_id = ?,
               tracking_pin_hash = ?, tracking_revoked_at = ?, purged_at = ?
             WHERE id = ?`,
        ).run(...caseUpdateParams(next, id));
        return next;
      })
      .immediate();
  }

  async putPii(caseId: string, data: Uint8Array): Promise<void> {
    this.stmt(
      'INSERT INTO case_pii (case_id, data) VALUES (?, ?) ON CONFLICT (case_id) DO UPDATE SET data = excluded.data',
    ).run(caseId, data);
  }

  async getPii(caseId: string): Promise<Uint8Array | null> {
    const r = this.stmt('SELECT data FROM case_pii WHERE case_id = ?').get(caseId) as { data: Buffer } | undefined;
    return r ? new Uint8Array(r.data) : null;
  }

  async addEvidence(e: EvidenceRecord, max: number): Promise<EvidenceRecord> {
    return this.db
      .transaction(() => {
        const { n } = this.stmt('SELECT count(*) AS n FROM evidence WHERE case_id = ?').get(e.caseId) as {
          n: number;
        };
        if (n >= max) throw new AccordError('CONFLICT', `a case holds at most ${max} evidence files`);
        this.stmt(
          `INSERT INTO evidence (id, case_id, uploaded_by, uploader_role, name, stored_name, type, size, sha256, uploaded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          e.id,
          e.caseId,
          e.uploadedBy,
          e.uploaderRole,
          e.name,
          e.storedName,
          e.type,
          e.size,
          e.sha256,
          e.uploadedAt,
        );
        return e;
      })
      .immediate();
  }

  async listEvidence(caseId: string): Promise<EvidenceRecord[]> {
    return (this.stmt('SELECT * FROM evidence WHERE case_id = ? ORDER BY uploaded_at, id').all(caseId) as Row[]).map(
      toEvidence,
    );
  }

  async getEvidence(id: string): Promise<EvidenceRecord | null> {
    const r = this.stmt('SELECT * FROM evidence WHERE id = ?').get(id) as Row | undefined;
    return r ? toEvidence(r) : null;
  }

  async putMediatorProfile(p: MediatorProfile): Promise<void> {
    this.stmt(
      `INSERT INTO mediator_profiles (user_id, organisation, languages, specialities) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET organisation = excluded.organisation, languages = excluded.languages,
           specialities = excluded.specialities`,
    ).run(p.userId, p.organisation, JSON.stringify(p.languages), JSON.stringify(p.specialities));
  }

  async listMediatorProfiles(): Promise<MediatorProfile[]> {
    return (this.stmt('SELECT * FROM mediator_profiles ORDER BY user_id').all() as Row[]).map((r) => ({
      userId: str(r.user_id),
      organisation: str(r.organisation),
      languages: JSON.parse(str(r.languages)) as string[],
      specialities: JSON.parse(str(r.specialities)) as string[],
    }));
  }

  async purgeCase(caseId: string, at: string): Promise<void> {
    // Updates still waiting for their group commit are purged with the rest.
    this.flushDocUpdates();
    this.db.transaction(() => {
      this.stmt('DELETE FROM case_pii WHERE case_id = ?').run(caseId);
      this.stmt('DELETE FROM evidence WHERE case_id = ?').run(caseId);
      this.stmt('DELETE FROM messages WHERE case_id = ?').run(caseId);
      this.stmt("DELETE FROM doc_updates WHERE doc_name = ? OR doc_name LIKE ? || '/%'").run(caseId, caseId);
      this.stmt("DELETE FROM doc_snapshots WHERE doc_name = ? OR doc_name LIKE ? || '/%'").run(caseId, caseId);
      this.stmt("UPDATE cases SET summary = '', desired_outcome = '', question = NULL, purged_at = ? WHERE id = ?").run(
        at,
        caseId,
      );
    })();
  }

  async getCase(id: string): Promise<CaseRecord | null> {
    const r = this.stmt('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
    return r ? toCase(r) : null;
  }

  async countCases(): Promise<number> {
    return (this.stmt('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
  }

  async putMember(member: Pick<MemberRecord, 'caseId' | 'userId' | 'role' | 'displayName'>): Promise<MemberRecord> {
    const r = this.stmt(
      `INSERT INTO case_members (case_id, user_id, role, display_name, added_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id, user_id) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
           removed_at = NULL
         RETURNING *`,
    ).get(member.caseId, member.userId, member.role, member.displayName, now()) as Row;
    return toMember(r);
  }

  async getMember(caseId: string, userId: string): Promise<MemberRecord | null> {
    const r = this.stmt('SELECT * FROM case_members WHERE case_id = ? AND user_id = ?').get(caseId, userId) as
      Row | undefined;
    return r ? toMember(r) : null;
  }

  async listMembers(caseId: string): Promise<MemberRecord[]> {
    return (
      this.stmt('SELECT * FROM case_members WHERE case_id = ? AND removed_at IS NULL ORDER BY added_at, user_id').all(
        caseId,
      ) as Row[]
    ).map(toMember);
  }

  async listMemberships(userId: string): Promise<{ case: CaseRecord; role: CaseRole }[]> {
    const rows = this.stmt(
      `SELECT c.*, m.role AS member_role FROM case_members m JOIN cases c ON c.id = m.case_id
         WHERE m.user_id = ? AND m.removed_at IS NULL ORDER BY c.created_at DESC`,
    ).all(userId) as Row[];
    return rows.map((r) => ({ case: toCase(r), role: r.member_role as CaseRole }));
  }

  async setMemberFlags(caseId: string, userId: string, flags: MemberFlags): Promise<MemberRecord | null> {
    const columns = { admitted: 'admitted', muted: 'muted', handRaised: 'hand_raised' } as const;
    const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter((k) => flags[k] !== undefined);
    const sets = changed.map((k) => `${columns[k]} = ?`);
    const values = changed.map((k) => (flags[k] ? 1 : 0));
    if (sets.length === 0) return this.getMember(caseId, userId);
    const r = this.stmt(
      `UPDATE case_members SET ${sets.join(', ')} WHERE case_id = ? AND user_id = ? AND removed_at IS NULL RETURNING *`,
    ).get(...values, caseId, userId) as Row | undefined;
    return r ? toMember(r) : null;
  }

  async admitAll(caseId: string): Promise<string[]> {
    const rows = this.stmt(
      `UPDATE case_members SET admitted = 1
         WHERE case_id = ? AND admitted = 0 AND removed_at IS NULL AND role != 'mediator' RETURNING user_id`,
    ).all(caseId) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  async removeMember(caseId: string, userId: string, at: string): Promise<string[]> {
    return this.db.transaction(() => {
      this.stmt('UPDATE case_members SET removed_at = coalesce(removed_at, ?) WHERE case_id = ? AND user_id = ?').run(
        at,
        caseId,
        userId,
      );
      this.stmt('UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE case_id = ? AND user_id = ?').run(
        at,
        caseId,
        userId,
      );
      const rows = this.stmt(
        `UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id = ? AND case_id = ? RETURNING id`,
      ).all(at, userId, caseId) as { id: string }[];
      return rows.map((r) => r.id);
    })();
  }

  async getRoomState(caseId: string): Promise<RoomStateRecord> {
    const r = this.stmt('SELECT * FROM room_state WHERE case_id = ?').get(caseId) as Row | undefined;
    return r ? toRoomState(r) : defaultRoomState(caseId);
  }

  async updateRoomState(caseId: string, patch: RoomStatePatch, expectedVersion?: number): Promise<RoomStateRecord> {
    return this.db
      .transaction(() => {
        const row = this.stmt('SELECT * FROM room_state WHERE case_id = ?').get(caseId) as Row | undefined;
        const current = row ? toRoomState(row) : defaultRoomState(caseId);
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          throw new AccordError('CONFLICT', 'the room changed meanwhile; try again');
        }
        const next: RoomStateRecord = { ...current, ...patch };
        next.version += 1;
        this.stmt(
          `INSERT INTO room_state (case_id, phase, lobby, quiet_opening, agreement_locked, caucus_user_id,
             pinned_text, pinned_by, pinned_at, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, lobby = excluded.lobby,
             quiet_opening = excluded.quiet_opening, agreement_locked = excluded.agreement_locked,
             caucus_user_id = excluded.caucus_user_id, pinned_text = excluded.pinned_text,
             pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, version = excluded.version`,
        ).run(
          caseId,
          next.phase,
          next.lobby ? 1 : 0,
          next.quietOpening ? 1 : 0,
          next.agreementLocked ? 1 : 0,
          next.caucusUserId,
          next.pinned?.text ?? null,
          next.pinned?.by ?? null,
          next.pinned?.at ?? null,
          next.version,
        );
        return next;
      })
      .immediate();
  }

  async appendAudit(caseId: string, build: (previous: AuditHead | null) => AuditRecord): Promise<AuditRecord> {
    return this.db.transaction(() => this.insertAudit(caseId, build)).immediate();
  }

  /** Inside a transaction: reads the chain's last entry and appends the next. */
  private insertAudit(caseId: string, build: (previous: AuditHead | null) => AuditRecord): AuditRecord {
    // Only what chains the next entry: decoding the whole row (its JSON data) for every chat message
    // showed in the profile.
    const last = this.stmt('SELECT seq, hash FROM audit_log WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(
      caseId,
    ) as AuditHead | undefined;
    const entry = build(last ?? null);
    this.stmt(
      `INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entry.caseId,
      entry.seq,
      entry.at,
      entry.actorId,
      entry.kind,
      JSON.stringify(entry.data),
      entry.prevHash,
      entry.hash,
    );
    return entry;
  }

  async listAudit(caseId: string, query: { beforeSeq?: number; limit: number }): Promise<AuditRecord[]> {
    await this.chatDurable();
    const rows = this.stmt('SELECT * FROM audit_log WHERE case_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(
      caseId,
      query.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      query.limit,
    ) as Row[];
    return rows.reverse().map(toAudit);
  }

  async createInvite(invite: Omit<InviteRecord, 'revokedAt' | 'createdAt'>): Promise<InviteRecord> {
    const record: InviteRecord = { ...invite, createdAt: now(), revokedAt: null };
    this.stmt(
      `INSERT INTO invites (id, case_id, user_id, role, display_name, created_by, created_at, expires_at, pin_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.id,
      record.caseId,
      record.userId,
      record.role,
      record.displayName,
      record.createdBy,
      record.createdAt,
      record.expiresAt,
      record.pinHash,
    );
    return record;
  }

  async getInvite(id: string): Promise<InviteRecord | null> {
    const r = this.stmt('SELECT * FROM invites WHERE id = ?').get(id) as Row | undefined;
    return r ? toInvite(r) : null;
  }

  async listInvites(caseId: string): Promise<InviteRecord[]> {
    return (this.stmt('SELECT * FROM invites WHERE case_id = ? ORDER BY created_at').all(caseId) as Row[]).map(
      toInvite,
    );
  }

  async claimInvitePin(id: string, pinHash: string): Promise<boolean> {
    return (
      this.stmt('UPDATE invites SET pin_hash = ? WHERE id = ? AND pin_hash IS NULL').run(pinHash, id).changes === 1
    );
  }

  async revokeInvite(id: string, at: string): Promise<string[]> {
    return this.db.transaction(() => {
      this.stmt('UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
      const rows = this.stmt(
        'UPDATE sessions SET revoked_at = ? WHERE invite_id = ? AND revoked_at IS NULL RETURNING id',
      ).all(at, id) as { id: string }[];
      return rows.map((r) => r.id);
    })();
  }

  async createSession(session: Omit<SessionRecord, 'revokedAt' | 'createdAt'>): Promise<SessionRecord> {
    const record: SessionRecord = { ...session, createdAt: now(), revokedAt: null };
    this.stmt(
      `INSERT INTO sessions (id, user_id, case_id, invite_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(record.id, record.userId, record.caseId, record.inviteId, record.createdAt, record.expiresAt);
    return record;
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const r = this.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r ? toSession(r) : null;
  }

  async revokeSession(id: string, at: string): Promise<void> {
    this.stmt('UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
  }

  async revokeUserSessions(userId: string, exceptId: string | null, at: string): Promise<string[]> {
    const rows = this.stmt(
      `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ? RETURNING id`,
    ).all(at, userId, exceptId) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * Group commit: the chat messages that arrive in one turn of the event loop are stored in one
   * transaction, so one fsync (synchronous=FULL) covers them all; each is acknowledged only after
   * that commit. Each message runs in a savepoint of its own, so one refused (a clientId reused for
   * other text) leaves the others stored.
   */
  async appendMessage(
    m: NewMessage,
    audit?: (stored: ChatMessage, previous: AuditHead | null) => AuditRecord,
  ): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      (this.chatBatch ??= []).push({ m, audit, resolve, reject });
      this.scheduleChatFlush();
    });
  }

  /**
   * Commits a batch. With synchronous=FULL the fsync that makes it durable does not run on the event
   * loop: the batch's transaction commits with synchronous=NORMAL (its WAL frames are written, so a
   * kill -9 loses nothing), then an fdatasync of the WAL file runs on libuv's thread pool, and only
   * after it each message is answered (and so acknowledged and broadcast). Meanwhile the event loop
   * keeps reading and writing the sockets, and the messages arriving gather for the next batch, which
   * commits when the sync ends: one commit and one fdatasync per disk round, however many messages.
   * An fdatasync covers every frame written before it started, so one serves all batches before it.
   * `durableNow` (closing) commits with the fsync in the commit itself.
   */
  /**
   * Commits the waiting batch at the end of this turn of the event loop, but not while the WAL is being
   * synced (the batch gathers and goes when the sync ends) and not within CHAT_COMMIT_GAP_MS of the
   * last chat commit: under load the batches grow instead of the commits; after a quiet spell there is
   * no delay.
   */
  private scheduleChatFlush(): void {
    if (this.chatBatch === null || this.syncing || this.chatFlushPending) return;
    this.chatFlushPending = true;
    const run = () => {
      this.chatFlushPending = false;
      this.flushChat();
    };
    const wait = this.lastChatCommit + CHAT_COMMIT_GAP_MS - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  private flushChat(durableNow = false): void {
    this.lastChatCommit = performance.now();
    const batch = this.chatBatch;
    this.chatBatch = null;
    if (!batch || batch.length === 0) return;
    const deferSync = this.walFile !== null && !durableNow;
    let outcomes: Outcome[] = [];
    try {
      if (deferSync) this.setSynchronous('NORMAL');
      try {
        try {
          outcomes = this.chatCommit.immediate(batch);
        } catch {
          outcomes = this.chatCommitCareful.immediate(batch);
        }
      } finally {
        if (deferSync) this.setSynchronous('FULL');
      }
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored.
      for (const p of batch) p.reject(error);
      return;
    }
    const answer = () =>
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o?.ok) p.resolve(o.value);
        else p.reject(o ? o.error : new Error('message not stored'));
      });
    if (!deferSync) return answer();
    // Not known to be on disk: an error, so the client retries (and its clientId finds the row).
    this.walSynced().then(answer, (error: unknown) => batch.forEach((p) => p.reject(error)));
  }

  /** Resolves after an fdatasync of the WAL file that started after this call (see flushChat). */
  private walSynced(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      if (!this.syncing) this.startSync();
    });
  }

  private startSync(): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    try {
      this.walFd ??= openSync(this.walFile ?? '', 'r+');
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    this.syncing = true;
    fdatasync(this.walFd, (error) => {
      this.syncing = false;
      for (const w of waiters) {
        if (error) w.reject(error);
        else w.resolve();
      }
      this.scheduleChatFlush();
      if (this.syncWaiters.length > 0 && !this.syncing) this.startSync();
    });
  }

  /** Reads of chat wait until what is committed is durable too, so nothing not yet synced is served. */
  private async chatDurable(): Promise<void> {
    if (this.syncing || this.syncWaiters.length > 0) await this.walSynced();
  }

  /** Inside a transaction: the existing row for a known clientId, or the message stored with the next seq. */
  private insertMessage(
    m: NewMessage,
    audit?: (stored: ChatMessage, previous: AuditHead | null) => AuditRecord,
  ): AppendResult {
    const existing = this.stmt('SELECT * FROM messages WHERE case_id = ? AND sender_id = ? AND client_id = ?').get(
      m.caseId,
      m.senderId,
      m.clientId,
    ) as Row | undefined;
    if (existing) {
      if (existing.text !== m.text || existing.channel !== m.channel) {
        throw new AccordError('CONFLICT', `clientId ${m.clientId} was already used for a different message`);
      }
      return { message: toMessage(existing), duplicate: true };
    }
    const { seq } = this.stmt(
      `INSERT INTO room_heads (case_id, channel, seq) VALUES (?, ?, 1)
         ON CONFLICT (case_id, channel) DO UPDATE SET seq = seq + 1 RETURNING seq`,
    ).get(m.caseId, m.channel) as { seq: number };
    this.stmt(
      `INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text,
           created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(m.caseId, m.channel, seq, m.id, m.clientId, m.senderId, m.senderName, m.senderRole, m.text, m.createdAt);
    const message = { ...m, seq };
    if (audit) this.insertAudit(m.caseId, (previous) => audit(message, previous));
    return { message, duplicate: false };
  }

  async listMessages(caseId: string, channel: Channel, q: MessageQuery): Promise<ChatMessage[]> {
    await this.chatDurable();
    if (q.afterSeq !== undefined) {
      return (
        this.stmt('SELECT * FROM messages WHERE case_id = ? AND channel = ? AND seq > ? ORDER BY seq LIMIT ?').all(
          caseId,
          channel,
          q.afterSeq,
          q.limit,
        ) as Row[]
      ).map(toMessage);
    }
    const rows = this.stmt(
      'SELECT * FROM messages WHERE case_id = ? AND channel = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ).all(caseId, channel, q.beforeSeq ?? Number.MAX_SAFE_INTEGER, q.limit) as Row[];
    return rows.reverse().map(toMessage);
  }

  async headSeq(caseId: string, channel: Channel): Promise<number> {
    await this.chatDurable();
    const r = this.stmt('SELECT seq FROM room_heads WHERE case_id = ? AND channel = ?').get(caseId, channel) as
      { seq: number } | undefined;
    return r?.seq ?? 0;
  }

  async currentFreeze(caseId: string): Promise<FreezeRecord | null> {
    const r = this.stmt(
      'SELECT * FROM freezes WHERE case_id = ? AND voided_at IS NULL ORDER BY frozen_at DESC LIMIT 1',
    ).get(caseId) as Row | undefined;
    return r ? toFreeze(r) : null;
  }

  async createFreeze(freeze: Omit<FreezeRecord, 'voidedAt'>): Promise<FreezeRecord> {
    return this.db
      .transaction(() => {
        const open = this.stmt('SELECT 1 FROM freezes WHERE case_id = ? AND voided_at IS NULL').get(freeze.caseId);
        if (open) throw new AccordError('CONFLICT', 'the agreement is already frozen');
        this.stmt(
          `INSERT INTO freezes (id, case_id, text, fingerprint, frozen_at, frozen_by, terms, signers)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          freeze.id,
          freeze.caseId,
          freeze.text,
          freeze.fingerprint,
          freeze.frozenAt,
          freeze.frozenBy,
          JSON.stringify(freeze.terms),
          JSON.stringify(freeze.signers),
        );
        return { ...freeze, voidedAt: null };
      })
      .immediate();
  }

  async voidFreeze(caseId: string, at: string): Promise<FreezeRecord | null> {
    const r = this.stmt('UPDATE freezes SET voided_at = ? WHERE case_id = ? AND voided_at IS NULL RETURNING *').get(
      at,
      caseId,
    ) as Row | undefined;
    return r ? toFreeze(r) : null;
  }

  async addSignature(sig: SignatureRecord): Promise<SignatureRecord> {
    try {
      this.stmt(
        `INSERT INTO signatures (freeze_id, user_id, role, name, fingerprint, signed_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(sig.freezeId, sig.userId, sig.role, sig.name, sig.fingerprint, sig.signedAt);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AccordError('CONFLICT', 'you have already signed this text');
      }
      throw err;
    }
    return sig;
  }

  async listSignatures(freezeId: string): Promise<SignatureRecord[]> {
    return (
      this.stmt('SELECT * FROM signatures WHERE freeze_id = ? ORDER BY signed_at, user_id').all(freezeId) as Row[]
    ).map(toSignature);
  }

  async saveOutcome(o: OutcomeRow): Promise<void> {
    try {
      this.stmt('INSERT INTO outcomes (case_id, record, signature, sealed_at) VALUES (?, ?, ?, ?)').run(
        o.caseId,
        o.record,
        o.signature,
        o.sealedAt,
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AccordError('CONFLICT', 'this case already has a sealed outcome');
      }
      throw err;
    }
  }

  async getOutcome(caseId: string): Promise<OutcomeRow | null> {
    const r = this.stmt('SELECT * FROM outcomes WHERE case_id = ?').get(caseId) as Row | undefined;
    return r
      ? { caseId: str(r.case_id), record: str(r.record), signature: str(r.signature), sealedAt: str(r.sealed_at) }
      : null;
  }

  /**
   * Group commit, as for chat: the Yjs updates of all documents that arrive in one turn of the event
   * loop are inserted in one transaction, so one fsync (synchronous=FULL) covers them all; each call
   * resolves only after that commit, so the caller relays an update only once it is durable. Commits
   * are at least DOC_COMMIT_GAP_MS apart, so under load the batches grow instead of the fsyncs.
   */
  async appendDocUpdate(docName: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.docBatch === null) {
        this.docBatch = [];
        // At most one commit per DOC_COMMIT_GAP_MS: under load the batch gathers until then; after a
        // quiet spell it goes at the end of this turn, adding no delay.
        const wait = this.lastDocCommit + DOC_COMMIT_GAP_MS - performance.now();
        if (wait > 0) setTimeout(() => this.flushDocUpdates(), wait);
        else setImmediate(() => this.flushDocUpdates());
      }
      this.docBatch.push({ docName, update, resolve, reject });
    });
  }

  /**
   * Commits a batch of Yjs updates. As for chat (see flushChat), with synchronous=FULL the fsync is
   * not on the event loop: the transaction commits with synchronous=NORMAL, then each update resolves
   * (and is relayed) only after an fdatasync of the WAL that started after the commit, on libuv's
   * thread pool; one fdatasync serves every chat and document batch committed before it.
   * `durableNow` (closing) commits with the fsync in the commit itself.
   */
  private flushDocUpdates(durableNow = false): void {
    const batch = this.docBatch;
    this.docBatch = null;
    if (!batch || batch.length === 0) return;
    this.lastDocCommit = performance.now();
    const deferSync = this.walFile !== null && !durableNow;
    let ids: number[];
    try {
      if (deferSync) this.setSynchronous('NORMAL');
      try {
        ids = this.db.transaction(() => {
          const insert = this.stmt('INSERT INTO doc_updates (doc_name, data) VALUES (?, ?)');
          return batch.map((p) => Number(insert.run(p.docName, p.update).lastInsertRowid));
        })();
      } finally {
        if (deferSync) this.setSynchronous('FULL');
      }
    } catch (error) {
      // The commit failed: none of the batch is stored.
      for (const p of batch) p.reject(error);
      return;
    }
    const answer = () => batch.forEach((p, i) => p.resolve(ids[i]!));
    if (!deferSync) return answer();
    // Not known to be on disk: refused, so the document is reloaded and the clients resync.
    this.walSynced().then(answer, (error: unknown) => batch.forEach((p) => p.reject(error)));
  }

  /** Reads of documents wait until what is committed is durable too, so nothing not yet synced is served. */
  private async docsDurable(): Promise<void> {
    this.flushDocUpdates();
    if (this.syncing || this.syncWaiters.length > 0) await this.walSynced();
  }

  async loadDoc(docName: string): Promise<StoredDoc> {
    // A read sees every update handed to the store before it, durable.
    await this.docsDurable();
    return this.db.transaction((): StoredDoc => {
      const snap = this.stmt('SELECT data FROM doc_snapshots WHERE doc_name = ?').get(docName) as
        { data: Buffer } | undefined;
      const updates = this.stmt('SELECT id, data FROM doc_updates WHERE doc_name = ? ORDER BY id').all(docName) as {
        id: number;
        data: Buffer;
      }[];
      return {
        snapshot: snap ? new Uint8Array(snap.data) : null,
        updates: updates.map((u) => ({ id: u.id, data: new Uint8Array(u.data) })),
      };
    })();
  }

  async compactDoc(docName: string, snapshot: Uint8Array, coveredIds: readonly number[]): Promise<void> {
    this.flushDocUpdates();
    if (coveredIds.length === 0) return;
    const throughId = Math.max(...coveredIds);
    this.db.transaction(() => {
      // Only forward: a compaction with an older view must not replace a newer snapshot.
      const replaced = this.stmt(
        `INSERT INTO doc_snapshots (doc_name, data, through_id) VALUES (?, ?, ?)
           ON CONFLICT (doc_name) DO UPDATE SET data = excluded.data, through_id = excluded.through_id
           WHERE doc_snapshots.through_id < excluded.through_id`,
      ).run(docName, snapshot, throughId);
      if (replaced.changes === 0) return;
      const del = this.stmt('DELETE FROM doc_updates WHERE doc_name = ? AND id = ?');
      for (const id of coveredIds) del.run(docName, id);
    })();
  }
}
