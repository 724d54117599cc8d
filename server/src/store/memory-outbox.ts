import type { NewOutboxMessage, OutboxRecord, OutboxStore } from './types';

const now = () => new Date().toISOString();

/** The memory store's outbox (its own class: the store's file stays readable). */
export class MemoryOutbox implements OutboxStore {
  private readonly outbox = new Map<string, OutboxRecord>();

  async enqueueMail(messages: readonly NewOutboxMessage[]): Promise<void> {
    if (messages.some((m) => this.outbox.has(m.id))) throw new Error('UNIQUE constraint failed: outbox.id');
    const createdAt = now();
    for (const m of messages) {
      this.outbox.set(m.id, {
        ...m,
        attempts: 0,
        nextAttemptAt: m.notBefore,
        leaseOwner: null,
        leaseUntil: null,
        sentAt: null,
        droppedAt: null,
        dropReason: null,
        lastError: null,
        createdAt,
      });
    }
  }

  async claimMail(owner: string, at: string, leaseUntil: string, limit: number): Promise<OutboxRecord[]> {
    const due = [...this.outbox.values()]
      .filter(
        (m) =>
          m.sentAt === null &&
          m.droppedAt === null &&
          m.notBefore <= at &&
          m.nextAttemptAt <= at &&
          (m.leaseUntil === null || m.leaseUntil <= at),
      )
      .sort((a, b) => (a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : 0))
      .slice(0, limit);
    for (const m of due) Object.assign(m, { leaseOwner: owner, leaseUntil, attempts: m.attempts + 1 });
    return due.map((m) => ({ ...m }));
  }

  private heldMail(id: string, owner: string): OutboxRecord | null {
    const m = this.outbox.get(id);
    return m && m.leaseOwner === owner && m.sentAt === null ? m : null;
  }

  async markMailSent(id: string, owner: string, at: string): Promise<boolean> {
    const m = this.heldMail(id, owner);
    if (m) Object.assign(m, { sentAt: at, leaseUntil: null, lastError: null });
    return m !== null;
  }

  async markMailFailed(id: string, owner: string, nextAttemptAt: string, error: string): Promise<void> {
    const m = this.heldMail(id, owner);
    if (m) Object.assign(m, { nextAttemptAt, lastError: error, leaseOwner: null, leaseUntil: null });
  }

  async markMailDropped(id: string, owner: string, at: string, reason: string): Promise<void> {
    const m = this.heldMail(id, owner);
    if (m) Object.assign(m, { droppedAt: at, dropReason: reason, leaseOwner: null, leaseUntil: null });
  }

  async cancelMail(caseId: string, kinds: readonly string[], at: string, reason: string): Promise<number> {
    let n = 0;
    for (const m of this.outbox.values()) {
      if (m.caseId !== caseId || !kinds.includes(m.kind) || m.sentAt !== null || m.droppedAt !== null) continue;
      if (m.leaseUntil !== null && m.leaseUntil > at) continue;
      Object.assign(m, { droppedAt: at, dropReason: reason });
      n++;
    }
    return n;
  }

  async releaseMail(owner: string): Promise<void> {
    for (const m of this.outbox.values()) {
      if (m.leaseOwner === owner && m.sentAt === null) Object.assign(m, { leaseOwner: null, leaseUntil: null });
    }
  }

  async listMail(caseId: string): Promise<OutboxRecord[]> {
    return [...this.outbox.values()].filter((m) => m.caseId === caseId).map((m) => ({ ...m }));
  }
}
