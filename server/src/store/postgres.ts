import pg from 'pg';
import {
  AccordError,
  type CaseLifecycle,
  type CaseRole,
  type Channel,
  type ChatMessage,
  type Phase,
} from '@accord/shared';
import { postgresMigrations } from './postgres-migrations';
import {
  defaultRoomState,
  type AppendResult,
  type AuditHead,
  type AuditRecord,
  type CasePatch,
  type CaseQuery,
  type CaseRecord,
  type EvidenceRecord,
  type FreezeRecord,
  type InviteRecord,
  type MediatorProfile,
  type MemberFlags,
  type MemberRecord,
  type MessageQuery,
  type NewCase,
  type NewMessage,
  type NewUser,
  type OutcomeRow,
  type RoomStatePatch,
  type RoomStateRecord,
  type SessionRecord,
  type SignatureRecord,
  type Store,
  type StoredDoc,
  type UserRecord,
} from './types';
import { caseUpdateParams, str, strOrNull, toFreeze, toInvite, toSession, toSignature, type Row } from './rows';

type Db = pg.Pool | pg.PoolClient;

const num = (v: unknown): number => Number(v);
const now = () => new Date().toISOString();

/** Most chat messages stored in one transaction (the arrays of one statement stay small). */
const CHAT_BATCH_MAX = 200;

type BatchOutcome = { ok: true; value: AppendResult } | { ok: false; error: unknown };

/** A chat message waiting for the group commit. */
interface PendingAppend {
  m: NewMessage;
  audit: ((stored: ChatMessage, previous: AuditHead | null) => AuditRecord) | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export interface PostgresOptions {
  connectionString: string;
  /** A schema of its own (tests); created when missing. Defaults to the connection's search path. */
  schema?: string;
  max?: number;
}

function toUser(r: Row): UserRecord {
  return {
    id: str(r.id),
    kind: r.kind as UserRecord['kind'],
    username: strOrNull(r.username),
    displayName: str(r.display_name),
    staffRole: strOrNull(r.staff_role) as UserRecord['staffRole'],
    passwordHash: strOrNull(r.password_hash),
    mustChangePassword: r.must_change_password === true,
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
    statusSince: str(r.status_since),
    amountInDisputeCents: num(r.amount_in_dispute_cents),
    createdAt: str(r.created_at),
    desiredOutcome: str(r.desired_outcome),
    customerId: strOrNull(r.customer_id),
    mediatorId: strOrNull(r.mediator_id),
    session:
      r.session_starts_at === null
        ? null
        : {
            startsAt: str(r.session_starts_at),
            timeZone: str(r.session_time_zone),
            durationMinutes: num(r.session_minutes),
          },
    question: strOrNull(r.question),
    rejectionReason: strOrNull(r.rejection_reason),
    tracking:
      r.tracking_id === null
        ? null
        : { id: str(r.tracking_id), pinHash: str(r.tracking_pin_hash), revokedAt: strOrNull(r.tracking_revoked_at) },
    purgedAt: strOrNull(r.purged_at),
  };
}

function toMember(r: Row): MemberRecord {
  return {
    caseId: str(r.case_id),
    userId: str(r.user_id),
    role: r.role as CaseRole,
    displayName: str(r.display_name),
    addedAt: str(r.added_at),
    admitted: r.admitted === true,
    muted: r.muted === true,
    handRaised: r.hand_raised === true,
    removedAt: strOrNull(r.removed_at),
  };
}

function toMessage(r: Row): ChatMessage {
  return {
    channel: r.channel as Channel,
    seq: num(r.seq),
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

function toRoomState(r: Row): RoomStateRecord {
  return {
    caseId: str(r.case_id),
    phase: r.phase as Phase,
    lobby: r.lobby === true,
    quietOpening: r.quiet_opening === true,
    agreementLocked: r.agreement_locked === true,
    caucusUserId: strOrNull(r.caucus_user_id),
    pinned: r.pinned_text === null ? null : { text: str(r.pinned_text), by: str(r.pinned_by), at: str(r.pinned_at) },
    version: num(r.version),
  };
}

function toAudit(r: Row): AuditRecord {
  return {
    caseId: str(r.case_id),
    seq: num(r.seq),
    at: str(r.at),
    actorId: strOrNull(r.actor_id),
    kind: str(r.kind),
    data: JSON.parse(str(r.data)) as Record<string, unknown>,
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
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
    size: num(r.size),
    sha256: str(r.sha256),
    uploadedAt: str(r.uploaded_at),
  };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * The durable store of a multi-node deployment: PostgreSQL through `pg`.
 * Same contract as SQLite (the shared contract suite runs on both). Per-case
 * serialisation (sequence numbers, the audit chain, room state) uses
 * transaction-scoped advisory locks, so concurrent nodes never fork a chain.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';

  private constructor(private readonly pool: pg.Pool) {}

  static async open(options: PostgresOptions): Promise<PostgresStore> {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
      throw new Error('invalid schema name');
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    const store = new PostgresStore(pool);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // One migrator at a time across nodes.
      await c.query('SELECT pg_advisory_xact_lock(4216)');
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const from = num((await this.one(c, 'SELECT coalesce(max(version), 0) AS v FROM schema_migrations'))?.v);
      if (from > postgresMigrations.length) {
        throw new Error(`database schema version ${from} is newer than this build knows; upgrade Accord`);
      }
      for (const [i, sql] of postgresMigrations.slice(from).entries()) {
        await c.query(sql);
        await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [from + i + 1, now()]);
      }
    });
  }

  /** Answers whether the database is reachable (readiness). */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  private async one(db: Db, sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await db.query(sql, params)).rows[0] as Row | undefined;
  }

  private async all(db: Db, sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await db.query(sql, params)).rows as Row[];
  }

  /** Serialises work on one case (or any key) across every node, until the transaction ends. */
  private lock(c: pg.PoolClient, key: string): Promise<unknown> {
    return c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
  }

  // ---- users --------------------------------------------------------------------

  async createUser(user: NewUser): Promise<UserRecord> {
    const createdAt = now();
    await this.pool.query(
      `INSERT INTO users (id, kind, username, display_name, staff_role, password_hash, must_change_password, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        user.id,
        user.kind,
        user.username,
        user.displayName,
        user.staffRole,
        user.passwordHash,
        user.mustChangePassword,
        createdAt,
      ],
    );
    return { ...user, createdAt };
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM users WHERE id = $1', [id]);
    return r ? toUser(r) : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM users WHERE username = $1', [username]);
    return r ? toUser(r) : null;
  }

  async setPassword(userId: string, passwordHash: string, mustChange: boolean): Promise<void> {
    await this.pool.query('UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3', [
      passwordHash,
      mustChange,
      userId,
    ]);
  }

  async countStaff(): Promise<number> {
    return num((await this.one(this.pool, "SELECT count(*) AS n FROM users WHERE kind = 'staff'"))?.n);
  }

  async listStaff(): Promise<UserRecord[]> {
    return (await this.all(this.pool, "SELECT * FROM users WHERE kind = 'staff' ORDER BY username")).map(toUser);
  }

  // ---- cases ----------------------------------------------------------------------

  async createCase(input: NewCase): Promise<CaseRecord> {
    const createdAt = now();
    const year = new Date(createdAt).getUTCFullYear();
    return this.tx(async (c) => {
      const { last } = (await this.one(
        c,
        `INSERT INTO case_numbers (year, last) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`,
        [year],
      )) as { last: number };
      const number = `AC-${year}-${String(last).padStart(6, '0')}`;
      const r = await this.one(
        c,
        `INSERT INTO cases (id, number, title, summary, category, status, status_since, amount_in_dispute_cents,
           created_at, desired_outcome, customer_id, tracking_id, tracking_pin_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
        [
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
        ],
      );
      return toCase(r as Row);
    });
  }

  async getCase(id: string): Promise<CaseRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM cases WHERE id = $1', [id]);
    return r ? toCase(r) : null;
  }

  async getCaseByTracking(trackingId: string): Promise<CaseRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM cases WHERE tracking_id = $1', [trackingId]);
    return r ? toCase(r) : null;
  }

  async countCases(): Promise<number> {
    return num((await this.one(this.pool, 'SELECT count(*) AS n FROM cases'))?.n);
  }

  async listCases(q: CaseQuery): Promise<CaseRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    const add = (sql: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    add('status = ?', q.status);
    add('category = ?', q.category);
    add("number LIKE ? ESCAPE '\\'", q.q === undefined ? undefined : `%${q.q.replace(/[%_\\]/g, '\\$&')}%`);
    const sql = `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at LIMIT 1000`;
    return (await this.all(this.pool, sql, params)).map(toCase);
  }

  async updateCase(id: string, patch: CasePatch, expectedStatus?: CaseLifecycle): Promise<CaseRecord> {
    return this.tx(async (c) => {
      const row = await this.one(c, 'SELECT * FROM cases WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw new AccordError('NOT_FOUND', 'no such case');
      const current = toCase(row);
      if (expectedStatus !== undefined && current.status !== expectedStatus) {
        throw new AccordError('CONFLICT', `the case is ${current.status} now, no longer ${expectedStatus}`);
      }
      const next: CaseRecord = { ...current, ...patch };
      if (patch.status !== undefined && patch.status !== current.status) next.statusSince = now();
      await c.query(
        `UPDATE cases SET status = $1, status_since = $2, mediator_id = $3, session_starts_at = $4,
           session_time_zone = $5, session_minutes = $6, question = $7, rejection_reason = $8, tracking_id = $9,
           tracking_pin_hash = $10, tracking_revoked_at = $11, purged_at = $12 WHERE id = $13`,
        caseUpdateParams(next, id),
      );
      return next;
    });
  }

  async putPii(caseId: string, data: Uint8Array): Promise<void> {
    await this.pool.query(
      'INSERT INTO case_pii (case_id, data) VALUES ($1, $2) ON CONFLICT (case_id) DO UPDATE SET data = excluded.data',
      [caseId, Buffer.from(data)],
    );
  }

  async getPii(caseId: string): Promise<Uint8Array | null> {
    const r = await this.one(this.pool, 'SELECT data FROM case_pii WHERE case_id = $1', [caseId]);
    return r ? new Uint8Array(r.data as Buffer) : null;
  }

  async addEvidence(e: EvidenceRecord, max: number): Promise<EvidenceRecord> {
    return this.tx(async (c) => {
      await this.lock(c, `evidence:${e.caseId}`);
      const n = num((await this.one(c, 'SELECT count(*) AS n FROM evidence WHERE case_id = $1', [e.caseId]))?.n);
      if (n >= max) throw new AccordError('CONFLICT', `a case holds at most ${max} evidence files`);
      await c.query(
        `INSERT INTO evidence (id, case_id, uploaded_by, uploader_role, name, stored_name, type, size, sha256, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [e.id, e.caseId, e.uploadedBy, e.uploaderRole, e.name, e.storedName, e.type, e.size, e.sha256, e.uploadedAt],
      );
      return e;
    });
  }

  async listEvidence(caseId: string): Promise<EvidenceRecord[]> {
    return (
      await this.all(this.pool, 'SELECT * FROM evidence WHERE case_id = $1 ORDER BY uploaded_at, id', [caseId])
    ).map(toEvidence);
  }

  async getEvidence(id: string): Promise<EvidenceRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM evidence WHERE id = $1', [id]);
    return r ? toEvidence(r) : null;
  }

  async putMediatorProfile(p: MediatorProfile): Promise<void> {
    await this.pool.query(
      `INSERT INTO mediator_profiles (user_id, organisation, languages, specialities) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET organisation = excluded.organisation, languages = excluded.languages,
         specialities = excluded.specialities`,
      [p.userId, p.organisation, JSON.stringify(p.languages), JSON.stringify(p.specialities)],
    );
  }

  async listMediatorProfiles(): Promise<MediatorProfile[]> {
    return (await this.all(this.pool, 'SELECT * FROM mediator_profiles ORDER BY user_id')).map((r) => ({
      userId: str(r.user_id),
      organisation: str(r.organisation),
      languages: JSON.parse(str(r.languages)) as string[],
      specialities: JSON.parse(str(r.specialities)) as string[],
    }));
  }

  async purgeCase(caseId: string, at: string): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM case_pii WHERE case_id = $1', [caseId]);
      await c.query('DELETE FROM evidence WHERE case_id = $1', [caseId]);
      await c.query('DELETE FROM messages WHERE case_id = $1', [caseId]);
      await c.query("DELETE FROM doc_updates WHERE doc_name = $1 OR doc_name LIKE $1 || '/%'", [caseId]);
      await c.query("DELETE FROM doc_snapshots WHERE doc_name = $1 OR doc_name LIKE $1 || '/%'", [caseId]);
      await c.query(
        "UPDATE cases SET summary = '', desired_outcome = '', question = NULL, purged_at = $1 WHERE id = $2",
        [at, caseId],
      );
    });
  }

  // ---- members ----------------------------------------------------------------------

  async putMember(member: Pick<MemberRecord, 'caseId' | 'userId' | 'role' | 'displayName'>): Promise<MemberRecord> {
    const r = await this.one(
      this.pool,
      `INSERT INTO case_members (case_id, user_id, role, display_name, added_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (case_id, user_id) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
         removed_at = NULL
       RETURNING *`,
      [member.caseId, member.userId, member.role, member.displayName, now()],
    );
    return toMember(r as Row);
  }

  async getMember(caseId: string, userId: string): Promise<MemberRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM case_members WHERE case_id = $1 AND user_id = $2', [
      caseId,
      userId,
    ]);
    return r ? toMember(r) : null;
  }

  async listMembers(caseId: string): Promise<MemberRecord[]> {
    return (
      await this.all(
        this.pool,
        'SELECT * FROM case_members WHERE case_id = $1 AND removed_at IS NULL ORDER BY added_at, user_id',
        [caseId],
      )
    ).map(toMember);
  }

  async listMemberships(userId: string): Promise<{ case: CaseRecord; role: CaseRole }[]> {
    const rows = await this.all(
      this.pool,
      `SELECT c.*, m.role AS member_role FROM case_members m JOIN cases c ON c.id = m.case_id
       WHERE m.user_id = $1 AND m.removed_at IS NULL ORDER BY c.created_at DESC`,
      [userId],
    );
    return rows.map((r) => ({ case: toCase(r), role: r.member_role as CaseRole }));
  }

  async setMemberFlags(caseId: string, userId: string, flags: MemberFlags): Promise<MemberRecord | null> {
    const columns = { admitted: 'admitted', muted: 'muted', handRaised: 'hand_raised' } as const;
    const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter((k) => flags[k] !== undefined);
    if (changed.length === 0) return this.getMember(caseId, userId);
    const sets = changed.map((k, i) => `${columns[k]} = $${i + 1}`);
    const r = await this.one(
      this.pool,
      `UPDATE case_members SET ${sets.join(', ')} WHERE case_id = $${changed.length + 1} AND user_id = $${changed.length + 2}
         AND removed_at IS NULL RETURNING *`,
      [...changed.map((k) => flags[k] === true), caseId, userId],
    );
    return r ? toMember(r) : null;
  }

  async admitAll(caseId: string): Promise<string[]> {
    const rows = await this.all(
      this.pool,
      `UPDATE case_members SET admitted = true
       WHERE case_id = $1 AND admitted = false AND removed_at IS NULL AND role <> 'mediator' RETURNING user_id`,
      [caseId],
    );
    return rows.map((r) => str(r.user_id));
  }

  async removeMember(caseId: string, userId: string, at: string): Promise<string[]> {
    return this.tx(async (c) => {
      await c.query(
        'UPDATE case_members SET removed_at = coalesce(removed_at, $1) WHERE case_id = $2 AND user_id = $3',
        [at, caseId, userId],
      );
      await c.query('UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE case_id = $2 AND user_id = $3', [
        at,
        caseId,
        userId,
      ]);
      const rows = await this.all(
        c,
        'UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = $2 AND case_id = $3 RETURNING id',
        [at, userId, caseId],
      );
      return rows.map((r) => str(r.id));
    });
  }

  // ---- room state, audit -----------------------------------------------------------

  async getRoomState(caseId: string): Promise<RoomStateRecord> {
    const r = await this.one(this.pool, 'SELECT * FROM room_state WHERE case_id = $1', [caseId]);
    return r ? toRoomState(r) : defaultRoomState(caseId);
  }

  async updateRoomState(caseId: string, patch: RoomStatePatch, expectedVersion?: number): Promise<RoomStateRecord> {
    return this.tx(async (c) => {
      await this.lock(c, `room:${caseId}`);
      const row = await this.one(c, 'SELECT * FROM room_state WHERE case_id = $1', [caseId]);
      const current = row ? toRoomState(row) : defaultRoomState(caseId);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new AccordError('CONFLICT', 'the room changed meanwhile; try again');
      }
      const next: RoomStateRecord = { ...current, ...patch, version: current.version + 1 };
      await c.query(
        `INSERT INTO room_state (case_id, phase, lobby, quiet_opening, agreement_locked, caucus_user_id,
           pinned_text, pinned_by, pinned_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, lobby = excluded.lobby,
           quiet_opening = excluded.quiet_opening, agreement_locked = excluded.agreement_locked,
           caucus_user_id = excluded.caucus_user_id, pinned_text = excluded.pinned_text,
           pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, version = excluded.version`,
        [
          caseId,
          next.phase,
          next.lobby,
          next.quietOpening,
          next.agreementLocked,
          next.caucusUserId,
          next.pinned?.text ?? null,
          next.pinned?.by ?? null,
          next.pinned?.at ?? null,
          next.version,
        ],
      );
      return next;
    });
  }

  async appendAudit(caseId: string, build: (previous: AuditHead | null) => AuditRecord): Promise<AuditRecord> {
    return this.tx((c) => this.insertAudit(c, caseId, build));
  }

  /** Inside a transaction: holds the case's audit lock, reads the last entry, appends the next. */
  private async insertAudit(
    c: pg.PoolClient,
    caseId: string,
    build: (previous: AuditHead | null) => AuditRecord,
  ): Promise<AuditRecord> {
    await this.lock(c, `audit:${caseId}`);
    const last = await this.one(c, 'SELECT * FROM audit_log WHERE case_id = $1 ORDER BY seq DESC LIMIT 1', [caseId]);
    const e = build(last ? toAudit(last) : null);
    await c.query(
      `INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.caseId, e.seq, e.at, e.actorId, e.kind, JSON.stringify(e.data), e.prevHash, e.hash],
    );
    return e;
  }

  async listAudit(caseId: string, query: { beforeSeq?: number; limit: number }): Promise<AuditRecord[]> {
    const rows = await this.all(
      this.pool,
      'SELECT * FROM audit_log WHERE case_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
      [caseId, query.beforeSeq ?? 2_147_483_647, query.limit],
    );
    return rows.reverse().map(toAudit);
  }

  // ---- invites, sessions -------------------------------------------------------------

  async createInvite(invite: Omit<InviteRecord, 'revokedAt' | 'createdAt'>): Promise<InviteRecord> {
    const record: InviteRecord = { ...invite, createdAt: now(), revokedAt: null };
    await this.pool.query(
      `INSERT INTO invites (id, case_id, user_id, role, display_name, created_by, created_at, expires_at, pin_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        record.id,
        record.caseId,
        record.userId,
        record.role,
        record.displayName,
        record.createdBy,
        record.createdAt,
        record.expiresAt,
        record.pinHash,
      ],
    );
    return record;
  }

  async getInvite(id: string): Promise<InviteRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM invites WHERE id = $1', [id]);
    return r ? toInvite(r) : null;
  }

  async listInvites(caseId: string): Promise<InviteRecord[]> {
    return (await this.all(this.pool, 'SELECT * FROM invites WHERE case_id = $1 ORDER BY created_at', [caseId])).map(
      toInvite,
    );
  }

  async claimInvitePin(id: string, pinHash: string): Promise<boolean> {
    const res = await this.pool.query('UPDATE invites SET pin_hash = $1 WHERE id = $2 AND pin_hash IS NULL', [
      pinHash,
      id,
    ]);
    return res.rowCount === 1;
  }

  async revokeInvite(id: string, at: string): Promise<string[]> {
    return this.tx(async (c) => {
      await c.query('UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2', [at, id]);
      const rows = await this.all(
        c,
        'UPDATE sessions SET revoked_at = $1 WHERE invite_id = $2 AND revoked_at IS NULL RETURNING id',
        [at, id],
      );
      return rows.map((r) => str(r.id));
    });
  }

  async createSession(session: Omit<SessionRecord, 'revokedAt' | 'createdAt'>): Promise<SessionRecord> {
    const record: SessionRecord = { ...session, createdAt: now(), revokedAt: null };
    await this.pool.query(
      'INSERT INTO sessions (id, user_id, case_id, invite_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [record.id, record.userId, record.caseId, record.inviteId, record.createdAt, record.expiresAt],
    );
    return record;
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const r = await this.one(this.pool, 'SELECT * FROM sessions WHERE id = $1', [id]);
    return r ? toSession(r) : null;
  }

  async revokeSession(id: string, at: string): Promise<void> {
    await this.pool.query('UPDATE sessions SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2', [at, id]);
  }

  async revokeUserSessions(userId: string, exceptId: string | null, at: string): Promise<string[]> {
    const rows = await this.all(
      this.pool,
      'UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id IS DISTINCT FROM $3 RETURNING id',
      [at, userId, exceptId],
    );
    return rows.map((r) => str(r.id));
  }

  // ---- chat ------------------------------------------------------------------------

  /**
   * Group commit: the chat messages that arrive while the previous batch is being stored go
   * together in one transaction with a fixed number of round trips (locks, duplicate check, heads,
   * messages, audit entries), however many there are; each is acknowledged only after the commit.
   * A batch that fails as a whole (a retry racing on another node, a deadlock) is stored again one
   * message per transaction, so one bad message cannot take the others down with it.
   */
  async appendMessage(
    m: NewMessage,
    audit?: (stored: ChatMessage, previous: AuditHead | null) => AuditRecord,
  ): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.chatQueue.push({ m, audit, resolve, reject });
      if (this.chatQueue.length === 1 && !this.chatFlushing) setImmediate(() => void this.flushChat());
    });
  }

  private chatQueue: PendingAppend[] = [];
  private chatFlushing = false;

  private async flushChat(): Promise<void> {
    if (this.chatFlushing) return;
    this.chatFlushing = true;
    try {
      while (this.chatQueue.length > 0) {
        const batch = this.chatQueue.splice(0, CHAT_BATCH_MAX);
        let outcomes: BatchOutcome[];
        try {
          outcomes = await this.tx((c) => this.appendBatch(c, batch));
        } catch {
          outcomes = [];
          for (const { m, audit } of batch) {
            outcomes.push(
              await this.appendOne(m, audit).then(
                (value): BatchOutcome => ({ ok: true, value }),
                (error: unknown): BatchOutcome => ({ ok: false, error }),
              ),
            );
          }
        }
        batch.forEach((p, i) => {
          const o = outcomes[i];
          if (o?.ok) p.resolve(o.value);
          else p.reject(o ? o.error : new Error('message not stored'));
        });
      }
    } finally {
      this.chatFlushing = false;
    }
  }

  /** Inside a transaction: stores a batch of messages and their audit entries, in batch order. */
  private async appendBatch(c: pg.PoolClient, batch: readonly PendingAppend[]): Promise<BatchOutcome[]> {
    const key = (caseId: string, senderId: string, clientId: string) => `${caseId}\u0000${senderId}\u0000${clientId}`;
    // The audit chains of the batch's cases, locked in one order on every node (no deadlock).
    const cases = [...new Set(batch.map((p) => p.m.caseId))].sort();
    await c.query(
      'SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i',
      [cases.map((id) => `audit:${id}`)],
    );
    const existing = new Map<string, Row>();
    for (const r of await this.all(
      c,
      `SELECT m.* FROM messages m
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(case_id, sender_id, client_id)
       USING (case_id, sender_id, client_id)`,
      [batch.map((p) => p.m.caseId), batch.map((p) => p.m.senderId), batch.map((p) => p.m.clientId)],
    )) {
      existing.set(key(str(r.case_id), str(r.sender_id), str(r.client_id)), r);
    }
    // Which messages are new (a clientId twice in one batch is stored once), and how many per channel.
    const outcomes: (BatchOutcome | null)[] = [];
    const fresh: { i: number; m: NewMessage }[] = [];
    const firstOf = new Map<string, number>();
    const perChannel = new Map<string, number>();
    batch.forEach(({ m }, i) => {
      const k = key(m.caseId, m.senderId, m.clientId);
      const row = existing.get(k);
      const earlier = firstOf.get(k);
      const prior = row
        ? { text: str(row.text), channel: str(row.channel) }
        : earlier !== undefined
          ? batch[earlier]!.m
          : null;
      if (prior) {
        outcomes.push(
          prior.text !== m.text || prior.channel !== m.channel
            ? {
                ok: false,
                error: new AccordError('CONFLICT', `clientId ${m.clientId} was already used for a different message`),
              }
            : null,
        );
        return;
      }
      firstOf.set(k, i);
      fresh.push({ i, m });
      const ch = `${m.caseId}\u0000${m.channel}`;
      perChannel.set(ch, (perChannel.get(ch) ?? 0) + 1);
      outcomes.push(null);
    });
    // Each channel's head moves by its count; the batch's messages take the numbers below it in order.
    const channels = [...perChannel.keys()].sort();
    const heads = new Map<string, number>();
    if (channels.length > 0) {
      for (const r of await this.all(
        c,
        `INSERT INTO room_heads (case_id, channel, seq)
         SELECT case_id, channel, seq FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS t(case_id, channel, seq, i) ORDER BY i
         ON CONFLICT (case_id, channel) DO UPDATE SET seq = room_heads.seq + excluded.seq
         RETURNING case_id, channel, seq`,
        [
          channels.map((ch) => ch.split('\u0000')[0]),
          channels.map((ch) => ch.split('\u0000')[1]),
          channels.map((ch) => perChannel.get(ch)),
        ],
      )) {
        const ch = `${str(r.case_id)}\u0000${str(r.channel)}`;
        heads.set(ch, num(r.seq) - (perChannel.get(ch) ?? 0));
      }
    }
    const stored = new Map<number, ChatMessage>();
    for (const { i, m } of fresh) {
      const ch = `${m.caseId}\u0000${m.channel}`;
      const seq = (heads.get(ch) ?? 0) + 1;
      heads.set(ch, seq);
      stored.set(i, { ...m, seq });
    }
    const rows = [...stored.values()];
    if (rows.length > 0) {
      await c.query(
        `INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::text[])`,
        [
          rows.map((r) => r.caseId),
          rows.map((r) => r.channel),
          rows.map((r) => r.seq),
          rows.map((r) => r.id),
          rows.map((r) => r.clientId),
          rows.map((r) => r.senderId),
          rows.map((r) => r.senderName),
          rows.map((r) => r.senderRole),
          rows.map((r) => r.text),
          rows.map((r) => r.createdAt),
        ],
      );
    }
    // Audit entries chained per case in batch order, after the last entry each case already has.
    const audited = fresh.filter(({ i }) => batch[i]!.audit);
    if (audited.length > 0) {
      const last = new Map<string, AuditRecord>();
      for (const r of await this.all(
        c,
        'SELECT DISTINCT ON (case_id) * FROM audit_log WHERE case_id = ANY($1::text[]) ORDER BY case_id, seq DESC',
        [[...new Set(audited.map(({ m }) => m.caseId))]],
      )) {
        last.set(str(r.case_id), toAudit(r));
      }
      const entries = audited.map(({ i, m }) => {
        const entry = batch[i]!.audit!(stored.get(i)!, last.get(m.caseId) ?? null);
        last.set(m.caseId, entry);
        return entry;
      });
      await c.query(
        `INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        [
          entries.map((e) => e.caseId),
          entries.map((e) => e.seq),
          entries.map((e) => e.at),
          entries.map((e) => e.actorId),
          entries.map((e) => e.kind),
          entries.map((e) => JSON.stringify(e.data)),
          entries.map((e) => e.prevHash),
          entries.map((e) => e.hash),
        ],
      );
    }
    return batch.map(({ m }, i): BatchOutcome => {
      const o = outcomes[i];
      if (o) return o;
      const mine = stored.get(i);
      if (mine) return { ok: true, value: { message: mine, duplicate: false } };
      // A duplicate: of a stored row, or of a message earlier in this batch.
      const k = key(m.caseId, m.senderId, m.clientId);
      const row = existing.get(k);
      const first = stored.get(firstOf.get(k) ?? -1);
      return { ok: true, value: { message: row ? toMessage(row) : first!, duplicate: true } };
    });
  }

  /** One message in a transaction of its own: the path a batch falls back to when it fails as a whole. */
  private async appendOne(
    m: NewMessage,
    audit?: (stored: ChatMessage, previous: AuditHead | null) => AuditRecord,
  ): Promise<AppendResult> {
    const existingOf = async (db: Db) => {
      const existing = await this.one(
        db,
        'SELECT * FROM messages WHERE case_id = $1 AND sender_id = $2 AND client_id = $3',
        [m.caseId, m.senderId, m.clientId],
      );
      if (!existing) return null;
      if (existing.text !== m.text || existing.channel !== m.channel) {
        throw new AccordError('CONFLICT', `clientId ${m.clientId} was already used for a different message`);
      }
      return { message: toMessage(existing), duplicate: true };
    };
    try {
      return await this.tx(async (c) => {
        // The case's audit lock before the channel head, in the order of a batch (appendBatch) on
        // another node: the other way round, each would hold what the other waits for.
        if (audit) await this.lock(c, `audit:${m.caseId}`);
        const dup = await existingOf(c);
        if (dup) return dup;
        const { seq } = (await this.one(
          c,
          `INSERT INTO room_heads (case_id, channel, seq) VALUES ($1, $2, 1)
           ON CONFLICT (case_id, channel) DO UPDATE SET seq = room_heads.seq + 1 RETURNING seq`,
          [m.caseId, m.channel],
        )) as { seq: number };
        await c.query(
          `INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [m.caseId, m.channel, seq, m.id, m.clientId, m.senderId, m.senderName, m.senderRole, m.text, m.createdAt],
        );
        const message = { ...m, seq: num(seq) };
        if (audit) await this.insertAudit(c, m.caseId, (previous) => audit(message, previous));
        return { message, duplicate: false };
      });
    } catch (err) {
      // The same retry racing on two nodes: the loser answers with the winner's row.
      if (isUniqueViolation(err)) {
        const dup = await existingOf(this.pool);
        if (dup) return dup;
      }
      throw err;
    }
  }

  async listMessages(caseId: string, channel: Channel, q: MessageQuery): Promise<ChatMessage[]> {
    if (q.afterSeq !== undefined) {
      return (
        await this.all(
          this.pool,
          'SELECT * FROM messages WHERE case_id = $1 AND channel = $2 AND seq > $3 ORDER BY seq LIMIT $4',
          [caseId, channel, q.afterSeq, q.limit],
        )
      ).map(toMessage);
    }
    const rows = await this.all(
      this.pool,
      'SELECT * FROM messages WHERE case_id = $1 AND channel = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
      [caseId, channel, q.beforeSeq ?? 2_147_483_647, q.limit],
    );
    return rows.reverse().map(toMessage);
  }

  async headSeq(caseId: string, channel: Channel): Promise<number> {
    const r = await this.one(this.pool, 'SELECT seq FROM room_heads WHERE case_id = $1 AND channel = $2', [
      caseId,
      channel,
    ]);
    return r ? num(r.seq) : 0;
  }

  // ---- sign-off ------------------------------------------------------------------------

  async currentFreeze(caseId: string): Promise<FreezeRecord | null> {
    const r = await this.one(
      this.pool,
      'SELECT * FROM freezes WHERE case_id = $1 AND voided_at IS NULL ORDER BY frozen_at DESC LIMIT 1',
      [caseId],
    );
    return r ? toFreeze(r) : null;
  }

  async createFreeze(f: Omit<FreezeRecord, 'voidedAt'>): Promise<FreezeRecord> {
    try {
      await this.pool.query(
        `INSERT INTO freezes (id, case_id, text, fingerprint, frozen_at, frozen_by, terms, signers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          f.id,
          f.caseId,
          f.text,
          f.fingerprint,
          f.frozenAt,
          f.frozenBy,
          JSON.stringify(f.terms),
          JSON.stringify(f.signers),
        ],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new AccordError('CONFLICT', 'the agreement is already frozen');
      throw err;
    }
    return { ...f, voidedAt: null };
  }

  async voidFreeze(caseId: string, at: string): Promise<FreezeRecord | null> {
    const r = await this.one(
      this.pool,
      'UPDATE freezes SET voided_at = $1 WHERE case_id = $2 AND voided_at IS NULL RETURNING *',
      [at, caseId],
    );
    return r ? toFreeze(r) : null;
  }

  async addSignature(s: SignatureRecord): Promise<SignatureRecord> {
    try {
      await this.pool.query(
        'INSERT INTO signatures (freeze_id, user_id, role, name, fingerprint, signed_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.freezeId, s.userId, s.role, s.name, s.fingerprint, s.signedAt],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new AccordError('CONFLICT', 'you have already signed this text');
      throw err;
    }
    return s;
  }

  async listSignatures(freezeId: string): Promise<SignatureRecord[]> {
    return (
      await this.all(this.pool, 'SELECT * FROM signatures WHERE freeze_id = $1 ORDER BY signed_at, user_id', [freezeId])
    ).map(toSignature);
  }

  async saveOutcome(o: OutcomeRow): Promise<void> {
    try {
      await this.pool.query('INSERT INTO outcomes (case_id, record, signature, sealed_at) VALUES ($1, $2, $3, $4)', [
        o.caseId,
        o.record,
        o.signature,
        o.sealedAt,
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AccordError('CONFLICT', 'this case already has a sealed outcome');
      throw err;
    }
  }

  async getOutcome(caseId: string): Promise<OutcomeRow | null> {
    const r = await this.one(this.pool, 'SELECT * FROM outcomes WHERE case_id = $1', [caseId]);
    return r
      ? { caseId: str(r.case_id), record: str(r.record), signature: str(r.signature), sealedAt: str(r.sealed_at) }
      : null;
  }

  // ---- documents ----------------------------------------------------------------------

  async appendDocUpdate(docName: string, update: Uint8Array): Promise<number> {
    const r = await this.one(this.pool, 'INSERT INTO doc_updates (doc_name, data) VALUES ($1, $2) RETURNING id', [
      docName,
      Buffer.from(update),
    ]);
    return num(r?.id);
  }

  async loadDoc(docName: string): Promise<StoredDoc> {
    return this.tx(async (c) => {
      // One consistent view of snapshot and log.
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const snap = await this.one(c, 'SELECT data FROM doc_snapshots WHERE doc_name = $1', [docName]);
      const updates = await this.all(c, 'SELECT id, data FROM doc_updates WHERE doc_name = $1 ORDER BY id', [docName]);
      return {
        snapshot: snap ? new Uint8Array(snap.data as Buffer) : null,
        updates: updates.map((u) => ({ id: num(u.id), data: new Uint8Array(u.data as Buffer) })),
      };
    });
  }

  async compactDoc(docName: string, snapshot: Uint8Array, coveredIds: readonly number[]): Promise<void> {
    if (coveredIds.length === 0) return;
    const throughId = Math.max(...coveredIds);
    await this.tx(async (c) => {
      // Only forward: a node compacting later with an older view must not replace a newer snapshot.
      const replaced = await c.query(
        `INSERT INTO doc_snapshots (doc_name, data, through_id) VALUES ($1, $2, $3)
         ON CONFLICT (doc_name) DO UPDATE SET data = excluded.data, through_id = excluded.through_id
         WHERE doc_snapshots.through_id < excluded.through_id`,
        [docName, Buffer.from(snapshot), throughId],
      );
      if (replaced.rowCount === 0) return;
      await c.query('DELETE FROM doc_updates WHERE doc_name = $1 AND id = ANY($2::bigint[])', [
        docName,
        [...coveredIds],
      ]);
    });
  }
}
