import { performance } from 'node:perf_hooks';

/** One call waiting for a group commit: what it stores, and how it is answered. */
export interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** What one call of a batch came to: a commit answers each call with its own outcome. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions<T, R> {
  /**
   * Stores one batch and answers each of its calls, at once or later (after an fsync, say). A
   * synchronous commit (SQLite) runs inside `flush`; an asynchronous one (PostgreSQL) returns a
   * promise, and the calls that arrive meanwhile gather for the next batch, which starts as soon
   * as it settles. If it throws or rejects, every call of the batch not answered yet is refused.
   */
  commit: (batch: Pending<T, R>[]) => void | Promise<void>;
  /** The shortest time between the starts of two commits: under load the batches grow instead of the commits. */
  gapMs?: number;
  /** Most calls in one batch; the rest go in the next. */
  maxBatch?: number;
  /** While true, no commit is scheduled: its owner calls `schedule()` when it turns false. */
  held?: () => boolean;
}

/**
 * The group commit the stores share: calls that arrive in one turn of the event loop (or, under
 * load, within `gapMs` of the last commit, or while the last commit is still running) are stored
 * together by one `commit`, so one transaction and one fsync cover them all. After a quiet spell a
 * call waits for nothing but the end of the current turn. What a commit does (the SQL, savepoints,
 * lock order, when a call is acknowledged) stays with each store.
 */
export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  /** An asynchronous commit has not settled yet. */
  private running = false;
  /** When the last commit started (performance.now()). */
  private lastCommit = -Infinity;

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Commits what waits at the end of this turn of the event loop, or when `gapMs` since the last
   * commit has passed; not while held or while a commit runs (the waiting calls go when it ends).
   */
  schedule(): void {
    if (this.queue.length === 0 || this.scheduled || this.running || this.options.held?.()) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    const wait = this.lastCommit + (this.options.gapMs ?? 0) - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  /**
   * Commits what waits now (a synchronous commit before this returns), whatever the gap or the
   * hold: for reads that must see every write handed over before them, and for closing.
   */
  flush(): void {
    if (this.running) return;
    const batch = this.queue.splice(0, this.options.maxBatch ?? Infinity);
    if (batch.length === 0) return;
    this.lastCommit = performance.now();
    const refuse = (error: unknown) => {
      for (const p of batch) p.reject(error);
    };
    let done: void | Promise<void>;
    try {
      done = this.options.commit(batch);
    } catch (error) {
      refuse(error);
      done = undefined;
    }
    if (!done) {
      this.schedule();
      return;
    }
    this.running = true;
    void done.catch(refuse).finally(() => {
      this.running = false;
      // What gathered meanwhile goes at once, without waiting for another turn.
      this.flush();
    });
  }
}
