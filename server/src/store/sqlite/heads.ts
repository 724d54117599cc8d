import type Database from 'better-sqlite3';
import type { AuditHead } from '../types';

/**
 * Most cases kept. A case not kept is read from the tables again (two index seeks), so the cap only
 * bounds memory; a node holds far fewer live rooms than this.
 */
const MAX_CASES = 20_000;

/**
 * The heads of the chains a chat message extends, kept between transactions: each case's last audit
 * entry (seq and hash) and each channel's last message seq. Reading them from the tables was two
 * statements per message (and advancing `room_heads` a third, and a page of its own in the WAL).
 *
 * Only this connection's committed writes are kept. Another connection (the CLI's `demo`, an
 * operator's tool) may commit between our transactions, so every write transaction that uses the
 * heads calls `check()` first, with the write lock held (BEGIN IMMEDIATE): SQLite's `data_version`
 * changes when another connection has committed, and then everything kept is forgotten. A
 * transaction that fails (rolled back, in part or whole) forgets everything too (`forget()`), since
 * what it advanced here was never stored. Were a change missed all the same, the tables' keys would
 * still refuse the stale seq (the chat batch is then run again from the tables, see chat.ts).
 */
export class ChainHeads {
  private version: number | null = null;
  private readonly audit = new Map<string, AuditHead>();
  /** Keyed `case|channel`. */
  private readonly chat = new Map<string, number>();

  constructor(private readonly dataVersion: () => Database.Statement) {}

  /** Inside a write transaction, before any head is read: forgets all if another connection wrote since. */
  check(): void {
    const v = this.dataVersion().get() as number;
    if (v !== this.version) {
      this.forget();
      this.version = v;
    }
  }

  forget(): void {
    this.audit.clear();
    this.chat.clear();
  }

  /** The case's last audit entry as kept; undefined when not kept (read it from the table). */
  auditHead(caseId: string): AuditHead | undefined {
    return this.audit.get(caseId);
  }

  setAuditHead(caseId: string, head: AuditHead): void {
    if (this.audit.size >= MAX_CASES && !this.audit.has(caseId)) this.audit.clear();
    this.audit.set(caseId, { seq: head.seq, hash: head.hash });
  }

  /** The channel's last seq as kept; undefined when not kept (read it from the tables). */
  chatHead(caseId: string, channel: string): number | undefined {
    return this.chat.get(`${caseId}|${channel}`);
  }

  setChatHead(caseId: string, channel: string, seq: number): void {
    const key = `${caseId}|${channel}`;
    if (this.chat.size >= MAX_CASES * 3 && !this.chat.has(key)) this.chat.clear();
    this.chat.set(key, seq);
  }
}
