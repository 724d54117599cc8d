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
  // Keys in canonical order, so canonicalJson can take JSON.stringify (the order does not change the bytes).
  return canonicalJson({ actorId, at, caseId, data, kind, prevHash, seq });
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

/*
 * Bindings: what of a stored row its audit entry carries, so that editing the row shows against the
 * chain. Each is the canonical JSON (RFC 8785) of exactly the fields named, hashed with SHA-256 (hex)
 * by the caller (the server and the CLI hash synchronously with Node's crypto). docs/PROTOCOL.md,
 * "Audit log", lists the fields; changing them changes every hash, so they are fixed here, once.
 */

/** The fields of a chat message its `chat.message` entry binds (`data.contentHash`); everything but the client's retry key. */
export interface ChatBindingFields {
  id: string;
  caseId: string;
  channel: string;
  seq: number;
  senderId: string;
  senderName: string;
  senderRole: string;
  text: string;
  createdAt: string;
  /** The cited evidence items; bound (their ids, in order) only when there are any, so older entries verify. */
  cites?: readonly { id: string }[];
}

export function chatMessagePayload(m: ChatBindingFields): string {
  const { id, caseId, channel, seq, senderId, senderName, senderRole, text, createdAt } = m;
  // Keys in canonical order, so canonicalJson can take JSON.stringify (the order does not change the bytes).
  return m.cites?.length
    ? canonicalJson({
        caseId,
        channel,
        cites: m.cites.map((c) => c.id),
        createdAt,
        id,
        senderId,
        senderName,
        senderRole,
        seq,
        text,
      })
    : canonicalJson({ caseId, channel, createdAt, id, senderId, senderName, senderRole, seq, text });
}

/** What entries written before `contentHash` existed bound (`data.hash`): kept so old logs still verify. */
export function legacyChatMessagePayload(m: ChatBindingFields): string {
  const { channel, seq, senderId, text, createdAt } = m;
  return canonicalJson({ channel, seq, senderId, text, createdAt });
}

/** A signature row as stored; its `agreement.signed` entry binds it (`data.detail.signatureHash`). */
export interface SignatureBindingFields {
  freezeId: string;
  userId: string;
  role: string;
  name: string;
  fingerprint: string;
  signedAt: string;
}

export function signaturePayload(s: SignatureBindingFields): string {
  const { freezeId, userId, role, name, fingerprint, signedAt } = s;
  return canonicalJson({ freezeId, userId, role, name, fingerprint, signedAt });
}

/** A freeze as stored (the text put to signature); its `agreement.frozen` entry binds it (`data.detail.freezeHash`). */
export interface FreezeBindingFields {
  id: string;
  caseId: string;
  text: string;
  fingerprint: string;
  frozenAt: string;
  frozenBy: string;
  terms: unknown;
  signers: readonly string[];
}

export function freezePayload(f: FreezeBindingFields): string {
  const { id, caseId, text, fingerprint, frozenAt, frozenBy, terms, signers } = f;
  return canonicalJson({ id, caseId, text, fingerprint, frozenAt, frozenBy, terms, signers });
}

/**
 * The sealed record's binding: its `outcome.sealed` entry carries `recordHash`, the SHA-256 of the
 * record's canonical JSON (the exact bytes its Ed25519 signature covers), and `recordSignature`.
 */
export function sealedRecordPayload(record: unknown): string {
  return canonicalJson(record);
}
