import { z } from 'zod';
import { canonicalJson } from './canonical';
import { SettlementTerms } from './documents';
import { CaseId, CaseLanguage, IsoDateTime, UserId } from './ids';
import { CaseRole } from './roles';
import { RightsAcknowledgement } from './rights';
import { sha256Hex } from './hash';

/**
 * The sealed outcome record: a canonical JSON document (RFC 8785) signed with
 * the server's Ed25519 key. Anyone holding the record and the published public
 * key can check it with standard tools: canonicalize `record`, verify
 * `signature` (base64url) over its UTF-8 bytes. `verifyOutcome` does exactly that.
 */
export const OUTCOME_FORMAT = 'accord.outcome/3';
/** Records sealed before clause consent, rounds and hardship existed: they still verify. */
export const OUTCOME_FORMATS = ['accord.outcome/2', OUTCOME_FORMAT] as const;

export const OutcomeKind = z.enum(['settled', 'not_settled', 'withdrawn']);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const OutcomeRecord = z.strictObject({
  format: z.enum(OUTCOME_FORMATS),
  caseId: CaseId,
  caseNumber: z.string(),
  title: z.string(),
  /** The language the case was conducted in: the agreement text is written in it. */
  language: CaseLanguage,
  /** Each party and the mediator; names masked (first character kept). */
  parties: z.array(z.strictObject({ userId: UserId, role: CaseRole, name: z.string() })),
  outcome: z.strictObject({ kind: OutcomeKind, reason: z.string().nullable() }),
  /** The frozen agreement, if one was frozen; its text is the canonical text. */
  agreement: z.strictObject({ text: z.string(), fingerprint: Hex64, frozenAt: IsoDateTime }).nullable(),
  terms: SettlementTerms.strict().nullable(),
  signatures: z.array(
    z.strictObject({
      userId: UserId,
      role: CaseRole,
      /** The signer's name from their identity (member record), masked; never typed text. */
      name: z.string(),
      signedAt: IsoDateTime,
      fingerprint: Hex64,
    }),
  ),
  /** SHA-256 of the canonical JSON of the joint chat (seq, sender role, sender name, text, time). */
  transcript: z.strictObject({ hash: Hex64, messages: z.int().min(0) }),
  /**
   * The case's audit log head when sealing (the seal entry itself follows it, at `headSeq + 1`):
   * a log cut back past it, or rewritten up to it, no longer matches the sealed record.
   */
  audit: z.strictObject({ headSeq: z.int().min(0), headHash: Hex64 }),
  /**
   * (format 3) Each clause of the frozen agreement: its text's hash, who proposed it, and every
   * consent either party gave to any text of it, in order (a consent whose hash is not the clause's
   * was given to an earlier text, and was reset by the edit).
   */
  clauses: z
    .array(
      z.strictObject({
        number: z.int().min(1),
        id: z.string(),
        hash: Hex64,
        proposedBy: z.strictObject({ role: z.string(), name: z.string() }).nullable(),
        history: z.array(
          z.strictObject({
            role: z.string(),
            name: z.string(),
            state: z.enum(['agreed', 'objected']),
            reason: z.string(),
            at: IsoDateTime,
            hash: Hex64,
          }),
        ),
      }),
    )
    .optional(),
  /** (format 3) The negotiation rounds the mediator closed: their canonical text's fingerprint. */
  rounds: z.array(z.strictObject({ n: z.int().min(1), closedAt: IsoDateTime, fingerprint: Hex64 })).optional(),
  /** (format 3) The hardship the customer declared, if any: its kind, and the proof files' hashes. */
  hardship: z
    .strictObject({
      kind: z.string(),
      declaredAt: IsoDateTime,
      proofs: z.array(z.strictObject({ name: z.string(), sha256: Hex64 })),
    })
    .nullable()
    .optional(),
  /**
   * Each party's acknowledgement of the rights and duties before the session (names masked), in the
   * order given; a party who never acknowledged is not listed. Absent from records sealed before it existed.
   */
  acknowledgements: z.array(RightsAcknowledgement).optional(),
  sealedAt: IsoDateTime,
  sealedBy: z.strictObject({ userId: UserId, role: CaseRole }),
  key: z.strictObject({
    alg: z.literal('Ed25519'),
    /** Raw 32-byte public key, base64url. */
    publicKey: z.string(),
    /** SHA-256 (hex) of the raw public key. */
    id: Hex64,
  }),
});
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;

export const SealedOutcome = z.strictObject({
  record: OutcomeRecord,
  /** Ed25519 signature of canonicalJson(record), base64url. */
  signature: z.string(),
});
export type SealedOutcome = z.infer<typeof SealedOutcome>;

/** `GET /api/outcome/public-key` (and `/.well-known/accord-outcome-key.json`): the key that verifies records. */
export const PublicKeyDocument = z.object({
  alg: z.literal('Ed25519'),
  /** Raw 32-byte public key, base64url. */
  publicKey: z.string(),
  /** SHA-256 (hex) of the raw public key. */
  id: z.string(),
  format: z.string(),
});
export type PublicKeyDocument = z.infer<typeof PublicKeyDocument>;

/** Keeps the first character of a name, masks the rest (personal data in an exportable record). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/**
 * The transcript hash of the joint chat, as sealed. A message that cites evidence adds the cited
 * items' ids and names; one that cites none hashes as before, so records sealed earlier verify.
 */
export function transcriptHash(
  messages: readonly {
    seq: number;
    senderRole: string;
    senderName: string;
    text: string;
    createdAt: string;
    cites?: readonly { id: string; name: string }[];
  }[],
): Promise<string> {
  return sha256Hex(
    canonicalJson(
      messages.map((m) => ({
        seq: m.seq,
        senderRole: m.senderRole,
        senderName: m.senderName,
        text: m.text,
        createdAt: m.createdAt,
        ...(m.cites?.length ? { cites: m.cites.map((c) => ({ id: c.id, name: c.name })) } : {}),
      })),
    ),
  );
}

const fromB64url = (s: string): Uint8Array<ArrayBuffer> => {
  const b64 = s
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(s.length / 4) * 4, '=');
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};

/** Why a record does not verify, as a code a client words in its reader's language. */
export type VerifyProblem =
  | 'not_a_record'
  | 'no_key'
  | 'key_id_mismatch'
  | 'other_key'
  | 'altered'
  | 'unreadable_signature'
  | 'text_mismatch'
  | 'signature_for_other_text';

export interface VerifyResult {
  ok: boolean;
  /** In English, for the command line and logs. */
  problems: string[];
  /** The same problems as codes (several signatures for another text give one code each). */
  codes: VerifyProblem[];
  /** What a valid record proves, in plain words, when ok. */
  record: OutcomeRecord | null;
}

/**
 * Verifies a sealed outcome record: format, signature over the canonical JSON,
 * the agreement fingerprint against its text, every signature against that
 * fingerprint, and (when given) that the key is the published one.
 */
export async function verifyOutcome(input: unknown, publishedKey?: string): Promise<VerifyResult> {
  const parsed = SealedOutcome.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: ['not an Accord outcome record'], codes: ['not_a_record'], record: null };
  }
  const { record, signature } = parsed.data;
  // The signature is checked over the record exactly as received, so nothing can be added unseen.
  const raw = (input as { record: unknown }).record;
  const problems: string[] = [];
  const codes: VerifyProblem[] = [];
  const fail = (code: VerifyProblem, english: string) => {
    codes.push(code);
    problems.push(english);
  };
  const rawKey = fromB64url(record.key.publicKey);
  const keyId = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', rawKey)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  if (keyId !== record.key.id) fail('key_id_mismatch', 'the key id does not match the key');
  if (publishedKey !== undefined && publishedKey !== record.key.publicKey) {
    fail('other_key', 'signed with a key other than the published one');
  }
  try {
    const key = await crypto.subtle.importKey('raw', rawKey, { name: 'Ed25519' }, false, ['verify']);
    const valid = await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      fromB64url(signature),
      new TextEncoder().encode(canonicalJson(raw)),
    );
    if (!valid) fail('altered', 'the signature does not match the record: it was altered or not signed by this key');
  } catch {
    fail('unreadable_signature', 'the signature or key cannot be read');
  }
  if (record.agreement) {
    if ((await sha256Hex(record.agreement.text)) !== record.agreement.fingerprint) {
      fail('text_mismatch', 'the agreement text does not match its fingerprint');
    }
    for (const s of record.signatures) {
      if (s.fingerprint !== record.agreement.fingerprint)
        fail('signature_for_other_text', `signature of ${s.role} is for another text`);
    }
  }
  return { ok: problems.length === 0, problems, codes, record };
}
