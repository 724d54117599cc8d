import {
  GENESIS_HASH,
  JOINT,
  caucusChannel,
  chatMessagePayload,
  freezePayload,
  legacyChatMessagePayload,
  sealedRecordPayload,
  signaturePayload,
  transcriptHash,
  verifyOutcome,
  type Channel,
  type ChatMessage,
} from '@accord/shared';
import type {
  AuditRecord,
  AuditStore,
  CaseStore,
  ChatStore,
  FreezeRecord,
  MemberStore,
  SignoffStore,
} from '../store/types';
import { AuditLog, sha256Hex } from './log';

/** One broken link: what it is about, in words, and the audit entry it concerns (for ordering). */
export interface AuditFinding {
  /** The audit entry's seq the finding is about; null when it concerns no entry (a row with none). */
  seq: number | null;
  message: string;
}

export interface CaseAuditReport {
  entries: number;
  head: string;
  /** Oldest first: the first is the first broken link. Empty when everything checks. */
  findings: AuditFinding[];
}

type VerifyStore = CaseStore & MemberStore & AuditStore & ChatStore & SignoffStore;

const PAGE = 1000;

/**
 * Checks a case's audit trail against itself and against what it binds (docs/PROTOCOL.md, "Audit
 * log"): the hash chain; every chat row, joint and caucus, against its `chat.message` entry (and
 * every such entry against a row); every signature against its `agreement.signed` entry; the sealed
 * record's signature, its hash against the `outcome.sealed` entry, and the head it names against the
 * chain; the case's status against its last `case.status` entry. Null for a case the store does not hold.
 * `publishedKey`: the node's public key, when known; the sealed record must then be signed by it.
 */
export async function verifyCaseAudit(
  store: VerifyStore,
  caseId: string,
  publishedKey?: string,
): Promise<CaseAuditReport | null> {
  const c = await store.getCase(caseId);
  if (!c) return null;
  const log = new AuditLog(store);
  const entries = await log.all(caseId);
  const chain = await log.verify(caseId);
  const findings: AuditFinding[] = chain.problems.map((p) => ({
    seq: p.seq,
    message: `audit entry ${p.seq}: ${CHAIN_PROBLEMS[p.problem]}`,
  }));
  const purged = c.purgedAt !== null;
  findings.push(...(await checkChat(store, caseId, entries, purged)));
  findings.push(...(await checkSignatures(store, caseId, entries)));
  findings.push(...(await checkSealed(store, caseId, entries, purged, publishedKey)));
  const lastStatus = entries.filter((e) => e.kind === 'case.status').at(-1);
  const statusTo = (lastStatus?.data as { to?: unknown } | undefined)?.to;
  if (lastStatus && statusTo !== c.status) {
    findings.push({
      seq: lastStatus.seq,
      message: `case status: the case is "${c.status}" but its last case.status entry (seq ${lastStatus.seq}) moved it to "${String(statusTo)}": entries were cut from the end, or the status was edited`,
    });
  }
  // Chain problems and cross-checks in the order of the log; rows without an entry last.
  findings.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  return { entries: entries.length, head: chain.head, findings };
}

const CHAIN_PROBLEMS = {
  seq: 'out of sequence (an entry before it was deleted or the entries reordered)',
  prevHash: 'does not follow the entry before it (prevHash)',
  hash: 'its content does not match its hash (edited)',
} as const;

async function allMessages(store: ChatStore, caseId: string, channel: Channel): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  for (;;) {
    const page = await store.listMessages(caseId, channel, { afterSeq: out.at(-1)?.seq ?? 0, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

const channelName = (channel: string) => (channel === JOINT ? 'joint' : `caucus ${channel.slice('caucus:'.length)}`);

/** Every chat row against its entry, and every chat entry against its row. */
async function checkChat(
  store: ChatStore & MemberStore,
  caseId: string,
  entries: readonly AuditRecord[],
  purged: boolean,
): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  const byMessage = new Map<string, AuditRecord>();
  for (const e of entries.filter((x) => x.kind === 'chat.message')) {
    const d = e.data as { channel: string; seq: number };
    byMessage.set(`${d.channel}|${d.seq}`, e);
  }
  const channels = new Set<string>([
    JOINT,
    ...[...byMessage.values()].map((e) => (e.data as { channel: string }).channel),
  ]);
  for (const m of await store.listMembers(caseId)) channels.add(caucusChannel(m.userId));
  for (const channel of [...channels].sort()) {
    for (const m of await allMessages(store, caseId, channel as Channel)) {
      const key = `${m.channel}|${m.seq}`;
      const e = byMessage.get(key);
      byMessage.delete(key);
      const name = `chat message #${m.seq} (${channelName(m.channel)})`;
      if (!e) {
        findings.push({ seq: null, message: `${name}: has no audit entry (added outside Accord)` });
        continue;
      }
      const d = e.data as { contentHash?: string; hash?: string };
      const bound = d.contentHash ?? d.hash;
      const payload = d.contentHash !== undefined ? chatMessagePayload(m) : legacyChatMessagePayload(m);
      if (sha256Hex(payload) !== bound) {
        findings.push({
          seq: e.seq,
          message: `${name}: its text, sender or time does not match its audit entry (seq ${e.seq})`,
        });
      }
    }
  }
  // Entries left have no row: deleted, unless the retention purge emptied the chat.
  if (!purged) {
    for (const e of byMessage.values()) {
      const d = e.data as { channel: string; seq: number };
      findings.push({
        seq: e.seq,
        message: `chat message #${d.seq} (${channelName(d.channel)}): missing, though audit entry ${e.seq} records it`,
      });
    }
  }
  return findings;
}

type SignedDetail = { freezeId?: string; signatureHash?: string; fingerprint?: string; freezeHash?: string };
const signedDetail = (e: AuditRecord) => (e.data as { detail?: SignedDetail }).detail ?? {};
const actorOf = (e: AuditRecord) => (e.data as { actor?: { userId?: string } }).actor?.userId ?? e.actorId;

/** Every signature row of a freeze the log names, and of the freeze in force, against its entry. */
async function checkSignatures(
  store: SignoffStore,
  caseId: string,
  entries: readonly AuditRecord[],
): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  const signed = entries.filter((e) => e.kind === 'agreement.signed' && signedDetail(e).freezeId !== undefined);
  const current = await store.currentFreeze(caseId);
  const freezeIds = new Set([...signed.map((e) => signedDetail(e).freezeId ?? ''), ...(current ? [current.id] : [])]);
  for (const freezeId of freezeIds) {
    const rows = await store.listSignatures(freezeId);
    const forFreeze = signed.filter((e) => signedDetail(e).freezeId === freezeId);
    for (const row of rows) {
      const e = forFreeze.find((x) => actorOf(x) === row.userId);
      const name = `signature of ${row.role} ${row.userId}`;
      // Stored before its entry is appended (not one transaction): a node stopped in between leaves this too.
      if (!e) {
        findings.push({
          seq: null,
          message: `${name}: has no audit entry (added outside Accord, or the node stopped before recording it)`,
        });
      } else if (sha256Hex(signaturePayload(row)) !== signedDetail(e).signatureHash) {
        findings.push({
          seq: e.seq,
          message: `${name}: its name, role, text or time does not match its audit entry (seq ${e.seq})`,
        });
      }
    }
    for (const e of forFreeze) {
      if (!rows.some((r) => r.userId === actorOf(e))) {
        findings.push({ seq: e.seq, message: `signature recorded by audit entry ${e.seq}: missing` });
      }
    }
  }
  if (current) findings.push(...checkFreeze(current, entries));
  return findings;
}

/** The freeze in force (the text put to signature) against the last freeze entry, which must name it. */
function checkFreeze(current: FreezeRecord, entries: readonly AuditRecord[]): AuditFinding[] {
  const last = entries.filter((e) => e.kind === 'agreement.frozen' || e.kind === 'agreement.unfrozen').at(-1);
  const d = last ? signedDetail(last) : {};
  // Entries written before `freezeId` existed name the freeze by its fingerprint only.
  const named = last?.kind === 'agreement.frozen' && (d.freezeId ?? current.id) === current.id;
  if (!last || !named || d.fingerprint !== current.fingerprint) {
    return [
      {
        seq: last?.seq ?? null,
        message:
          'agreement frozen for signing: not the freeze the audit log last recorded (restored or added outside Accord, or the node stopped before recording it)',
      },
    ];
  }
  if (d.freezeHash !== undefined && d.freezeHash !== sha256Hex(freezePayload(current))) {
    return [
      {
        seq: last.seq,
        message: `agreement frozen for signing: its text, terms or signers do not match its audit entry (seq ${last.seq})`,
      },
    ];
  }
  return [];
}

type SealDetail = { recordHash?: string; recordSignature?: string };

/** The sealed record: its seal, its binding to the seal entry, and the head it anchors. */
async function checkSealed(
  store: SignoffStore & ChatStore,
  caseId: string,
  entries: readonly AuditRecord[],
  purged: boolean,
  publishedKey: string | undefined,
): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  const sealEntries = entries.filter((e) => e.kind === 'outcome.sealed');
  const row = await store.getOutcome(caseId);
  if (!row) {
    for (const e of sealEntries) {
      findings.push({ seq: e.seq, message: `sealed record: missing, though audit entry ${e.seq} records the seal` });
    }
    return findings;
  }
  let record: unknown;
  try {
    record = JSON.parse(row.record);
  } catch {
    return [{ seq: null, message: 'sealed record: not readable JSON (edited)' }];
  }
  const checked = await verifyOutcome({ record, signature: row.signature }, publishedKey);
  for (const p of checked.problems) findings.push({ seq: null, message: `sealed record: ${p}` });
  const anchor = checked.record?.audit;
  if (!anchor) return findings;
  const atHead = anchor.headSeq === 0 ? null : entries[anchor.headSeq - 1];
  const headHash = atHead ? atHead.hash : GENESIS_HASH;
  // Normally at headSeq + 1; an entry appended while sealing (a chat message) may come between.
  const sealEntry = entries.slice(anchor.headSeq).find((e) => e.kind === 'outcome.sealed');
  if (!(anchor.headSeq === 0 || atHead?.seq === anchor.headSeq) || headHash !== anchor.headHash) {
    findings.push({
      seq: anchor.headSeq,
      message: `sealed record: names audit head seq ${anchor.headSeq} (${anchor.headHash.slice(0, 12)}…), which this log does not hold: entries were cut or rewritten`,
    });
  }
  const d = (sealEntry?.data as { detail?: SealDetail } | undefined)?.detail;
  if (!sealEntry) {
    findings.push({
      seq: anchor.headSeq + 1,
      message: `sealed record: no seal entry after the audit head it names (seq ${anchor.headSeq}): the log was cut, or the node stopped before recording the seal`,
    });
  } else {
    // Seal entries written before `recordHash` existed bind the record by its signature alone.
    const hashOk = d?.recordHash === undefined || d.recordHash === sha256Hex(sealedRecordPayload(record));
    if (d?.recordSignature !== row.signature || !hashOk) {
      findings.push({
        seq: sealEntry.seq,
        message: `sealed record: does not match its seal entry (seq ${sealEntry.seq}): edited or replaced`,
      });
    }
  }
  for (const s of checked.record?.signatures ?? []) {
    const given = entries
      .slice(0, anchor.headSeq)
      .some(
        (e) =>
          e.kind === 'agreement.signed' && actorOf(e) === s.userId && signedDetail(e).fingerprint === s.fingerprint,
      );
    if (!given) {
      findings.push({
        seq: anchor.headSeq + 1,
        message: `sealed record: the signature of ${s.role} ${s.userId} it lists has no agreement.signed entry before the seal`,
      });
    }
  }
  if (checked.record && !purged) {
    const joint = (await allMessages(store, caseId, JOINT)).slice(0, checked.record.transcript.messages);
    if ((await transcriptHash(joint)) !== checked.record.transcript.hash) {
      findings.push({
        seq: anchor.headSeq + 1,
        message: 'sealed record: its transcript hash does not match the joint chat as stored',
      });
    }
  }
  return findings;
}
