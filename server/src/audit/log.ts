import { hash } from 'node:crypto';
import { GENESIS_HASH, auditPayload, verifyAuditChain, type AuditEntryBody } from '@accord/shared';
import type { AuditHead, AuditRecord, AuditStore } from '../store/types';

/** One-shot (`crypto.hash`, Node 20.12+): no Hash object per call, and a chat message costs two. */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** Builds the next entry from the previous one; the store calls it inside its transaction. */
export function entryBuilder(
  caseId: string,
  actorId: string | null,
  kind: string,
  data: Record<string, unknown>,
): (previous: AuditHead | null) => AuditRecord {
  const at = new Date().toISOString();
  return (previous) => {
    const body: AuditEntryBody = {
      caseId,
      seq: (previous?.seq ?? 0) + 1,
      at,
      actorId,
      kind,
      data,
      prevHash: previous?.hash ?? GENESIS_HASH,
    };
    return { ...body, hash: sha256Hex(auditPayload(body)) };
  };
}

/**
 * The append-only, hash-chained audit log of each case. Every entry carries
 * the hash of the one before, so the log's head hash commits to all of it.
 */
export class AuditLog {
  constructor(private readonly store: AuditStore) {}

  append(caseId: string, actorId: string | null, kind: string, data: Record<string, unknown>): Promise<AuditRecord> {
    return this.store.appendAudit(caseId, entryBuilder(caseId, actorId, kind, data));
  }

  /** Reads the whole log of a case, oldest first. */
  async all(caseId: string): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.store.listAudit(caseId, { ...(before ? { beforeSeq: before } : {}), limit: 1000 });
      out.unshift(...page);
      const first = page[0];
      if (!first || page.length < 1000) return out;
      before = first.seq;
    }
  }

  async verify(caseId: string): ReturnType<typeof verifyAuditChain> {
    return verifyAuditChain(await this.all(caseId), sha256Hex);
  }
}
