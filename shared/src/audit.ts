import { canonicalJson } from './canonical';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its hash covers (everything but the hash itself). */
export interface AuditEntryBody {
  caseId: string;
  seq: number;
  at: string;
  actorId: string | null;
  kind: string;
  data: Record<string, unknown>;
  prevHash: string;
}

/** What is hashed for an entry: its canonical JSON. `hash = sha256(auditPayload(entry))`, hex. */
export function auditPayload(entry: AuditEntryBody): string {
  const { caseId, seq, at, actorId, kind, data, prevHash } = entry;
  return canonicalJson({ caseId, seq, at, actorId, kind, data, prevHash });
}

export type AuditProblem = { seq: number; problem: 'seq' | 'prevHash' | 'hash' };

/**
 * Checks a case's whole audit log: consecutive seqs from 1, each entry's
 * prevHash equal to the previous hash, each hash matching its content.
 * Deleting, reordering or altering any entry shows up here.
 */
export async function verifyAuditChain(
  entries: readonly (AuditEntryBody & { hash: string })[],
  sha256Hex: (text: string) => string | Promise<string>,
): Promise<{ ok: boolean; problems: AuditProblem[]; head: string }> {
  const problems: AuditProblem[] = [];
  let prev = GENESIS_HASH;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i + 1) problems.push({ seq: e.seq, problem: 'seq' });
    if (e.prevHash !== prev) problems.push({ seq: e.seq, problem: 'prevHash' });
    if ((await sha256Hex(auditPayload(e))) !== e.hash) problems.push({ seq: e.seq, problem: 'hash' });
    prev = e.hash;
  }
  return { ok: problems.length === 0, problems, head: prev };
}
