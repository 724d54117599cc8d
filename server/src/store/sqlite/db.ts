import { closeSync, fdatasync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ChainHeads } from './heads';
import { sqliteMigrations } from './migrations';

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

/**
 * The SQLite connection every aggregate of the store shares: the file in WAL mode, migrated on open,
 * its prepared statements, and the fdatasync of the WAL that the group commits (chat.ts, docs.ts)
 * run off the event loop.
 */
export class SqliteDb {
  readonly db: Database.Database;
  /**
   * With synchronous=FULL, the WAL file whose fdatasync makes a group commit durable (see
   * commitThenSync); null with synchronous=NORMAL or an in-memory database.
   */
  private readonly walFile: string | null;
  private walFd: number | null = null;
  /** Calls waiting for an fdatasync of the WAL that starts after they asked. */
  private syncWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private syncingNow = false;
  /** Closing: the last group commits fsync in the commit itself. */
  closing = false;
  /** Called when an fdatasync of the WAL ends: the chat commit, held while it ran, goes then. */
  afterSync: () => void = () => undefined;
  /** Prepared statements by SQL text: compiling one costs more than running it. */
  private readonly statements = new Map<string, Database.Statement>();
  /** The audit chains' and chat channels' heads, kept between transactions (see ChainHeads). */
  readonly heads = new ChainHeads(() => this.stmt('PRAGMA data_version').pluck());

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
  }

  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
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

  /** An fdatasync of the WAL is running or asked for: a group commit waits for it (see chat.ts). */
  get syncing(): boolean {
    return this.syncingNow;
  }

  /**
   * Runs one group commit. With synchronous=FULL the fsync that makes it durable does not run on the
   * event loop: `commit` (its transaction) runs with synchronous=NORMAL (its WAL frames are written, so
   * a kill -9 loses nothing), then an fdatasync of the WAL file runs on libuv's thread pool, and only
   * after it is `answer` called (and so each call acknowledged). Meanwhile the event loop keeps
   * reading and writing the sockets, and the calls arriving gather for the next batch. An fdatasync
   * covers every frame written before it started, so one serves every chat and document batch
   * committed before it. Closing, the commit fsyncs in the commit itself. If the commit fails,
   * nothing of it is stored and `refuse` gets the error; if the sync fails, it is not known to be on
   * disk, and `refuse` gets that error.
   */
  commitThenSync<T>(commit: () => T, answer: (value: T) => void, refuse: (error: unknown) => void): void {
    const deferSync = this.walFile !== null && !this.closing;
    let value: T;
    try {
      if (deferSync) this.setSynchronous('NORMAL');
      try {
        value = commit();
      } finally {
        if (deferSync) this.setSynchronous('FULL');
      }
    } catch (error) {
      refuse(error);
      return;
    }
    if (!deferSync) return answer(value);
    this.walSynced().then(() => answer(value), refuse);
  }

  /** Resolves after an fdatasync of the WAL file that started after this call (see commitThenSync). */
  private walSynced(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      if (!this.syncingNow) this.startSync();
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
    this.syncingNow = true;
    fdatasync(this.walFd, (error) => {
      this.syncingNow = false;
      for (const w of waiters) {
        if (error) w.reject(error);
        else w.resolve();
      }
      this.afterSync();
      if (this.syncWaiters.length > 0 && !this.syncingNow) this.startSync();
    });
  }

  /** Reads wait until what is committed is durable too, so nothing not yet synced is served. */
  async durable(): Promise<void> {
    if (this.syncingNow || this.syncWaiters.length > 0) await this.walSynced();
  }

  /** After the last group commits: waits for a sync under way, then closes the file. */
  async close(): Promise<void> {
    if (this.syncingNow || this.syncWaiters.length > 0) await this.walSynced().catch(() => undefined);
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
    this.db.close();
  }
}
