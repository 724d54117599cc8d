import { newId } from '../lib/ids';
import type * as Y from 'yjs';
import {
  AccordError,
  OUTCOME_FORMAT,
  agreementFingerprint,
  canonicalAgreementText,
  canonicalJson,
  signaturePayload,
  freezePayload,
  maskName,
  readTermsMap,
  clauseAuthor,
  clauseConsent,
  hashedClauses,
  type CaseLanguage,
  transcriptHash,
  AgreementDoc,
  bodyHasText,
  describeSignoffProblems,
  isSigningRole,
  sameName,
  signoffProblems,
  type ChatMessage,
  OutcomeRecord,
  type OutcomeKind,
  type OutcomeStatus,
  type SealedOutcome,
  type SettlementTerms,
} from '@accord/shared';
import type { DocRegistry } from '../agreement/registry';
import { sha256Hex, type AuditLog } from '../audit/log';
import type { AttemptLimiter } from '../auth/attempts';
import { verifyPassword } from '../auth/passwords';
import type { Principal } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type { RoomStates } from '../access/room-states';
import type {
  AuditRecord,
  FreezeRecord,
  MemberRecord,
  SignatureRecord,
  UserStore,
  CaseStore,
  MemberStore,
  AuditStore,
  InviteStore,
  ChatStore,
  SignoffStore,
  DocStore,
  NegotiationStore,
  FrozenClause,
  ConsentRecord,
  RightsStore,
} from '../store/types';
import { acknowledgementsForRecord } from '../rights/record';
import { storedDoc } from '../agreement/stored-doc';
import type { SigningKey } from './keys';

const isSigner = (m: MemberRecord) => isSigningRole(m.role);

/** What the sealed record may carry besides sign-off, from the services that own it. */
export interface OutcomeExtras {
  /** The customer's declared hardship for the record (hardship service); null when there is none. */
  hardshipSummary?: (caseId: string) => Promise<OutcomeRecord['hardship'] | null>;
}

export interface OutcomeEffects {
  statusChanged(caseId: string, status: OutcomeStatus): void;
  /** A sign-off step for the activity feed. */
  recorded(entry: AuditRecord): void;
  concluded(caseId: string, kind: OutcomeKind): Promise<void>;
  /** The stored sealed record fails this node's seal check: altered outside Accord (logged loudly). */
  recordRejected(caseId: string): void;
}

/**
 * Sign-off: freezing the agreement's canonical text, collecting each required
 * signature on its fingerprint, and sealing the outcome record with the
 * server's Ed25519 key. One case at a time (a per-case lock), and the store
 * keeps at most one sealed record per case whatever races.
 */
export class OutcomeService {
  private readonly order = new KeyedSerialQueue();

  constructor(
    private readonly store: UserStore &
      CaseStore &
      MemberStore &
      AuditStore &
      InviteStore &
      ChatStore &
      SignoffStore &
      DocStore &
      NegotiationStore &
      RightsStore,
    private readonly rooms: RoomStates,
    private readonly docs: DocRegistry,
    private readonly audit: AuditLog,
    private readonly tokens: TokenSigner,
    private readonly key: SigningKey,
    private readonly attempts: AttemptLimiter,
    private readonly effects: OutcomeEffects,
    private readonly extras: OutcomeExtras = {},
  ) {}

  /**
   * Refuses (INVALID_TRANSITION, naming what is missing) unless the agreement as stored now could be
   * signed as a settlement: asked before the room enters signing, so a refusal changes nothing.
   */
  async assertReady(caseId: string): Promise<void> {
    const c = await this.store.getCase(caseId);
    if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    const doc = await this.storedDoc(caseId);
    try {
      const members = (await this.store.listMembers(caseId)).filter(isSigner);
      await this.requireRules(caseId, members, doc, c.language);
    } finally {
      doc.destroy();
    }
  }

  /** The rules on the agreement as stored: the terms and the clauses (as consent is bound to them) if they hold. */
  private async requireRules(
    caseId: string,
    signers: readonly MemberRecord[],
    doc: Y.Doc,
    language: CaseLanguage,
  ): Promise<{ terms: SettlementTerms; clauses: FrozenClause[] }> {
    const terms = readTermsMap(doc.getMap(AgreementDoc.terms));
    const hashed = await hashedClauses(doc, language);
    const clauses = hashed.map(({ id, number, hash, client }) => ({ id, number, hash, client }));
    const problems = signoffProblems({
      signers,
      bodyHasText: bodyHasText(doc.getXmlFragment(AgreementDoc.body)),
      terms,
      clauses: clauseConsent(clauses, await this.store.listConsent(caseId)),
    });
    if (problems.length > 0) {
      throw AccordError.because(
        'INVALID_TRANSITION',
        'signing.notReady',
        `not ready for signing: ${describeSignoffProblems(problems)}`,
      );
    }
    return { terms, clauses };
  }

  /**
   * Freezes what the agreement says now; called once the room is in `signing` (no update is accepted).
   * The rules are checked again on what is frozen (an edit or a removal may have landed between the
   * check before the phase change and the change): a refusal here creates no freeze.
   */
  freeze(p: Principal): Promise<void> {
    return this.order.run(p.caseId, async () => {
      const c = await this.store.getCase(p.caseId);
      if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
      // The mediator may have left signing again meanwhile.
      if ((await this.rooms.fresh(p.caseId)).phase !== 'signing') return;
      const members = (await this.store.listMembers(p.caseId)).filter(isSigner);
      const doc = await this.storedDoc(p.caseId);
      let text: string;
      let terms: SettlementTerms;
      let clauses: FrozenClause[];
      try {
        ({ terms, clauses } = await this.requireRules(p.caseId, members, doc, c.language));
        text = canonicalAgreementText(doc, c.number, c.language);
      } finally {
        doc.destroy();
      }
      const signers = members.map((m) => m.userId);
      const fingerprint = await agreementFingerprint(text);
      const frozen = await this.store.createFreeze({
        id: newId(),
        caseId: p.caseId,
        text,
        fingerprint,
        frozenAt: new Date().toISOString(),
        frozenBy: p.userId,
        terms,
        signers,
        clauses,
      });
      await this.note(p, 'agreement.frozen', {
        fingerprint,
        freezeId: frozen.id,
        freezeHash: sha256Hex(freezePayload(frozen)),
      });
      await this.publish(p.caseId);
    });
  }

  /** Back to drafting: the freeze and every signature given on it are void. */
  unfreeze(p: Principal): Promise<void> {
    return this.order.run(p.caseId, async () => {
      const voided = await this.store.voidFreeze(p.caseId, new Date().toISOString());
      if (!voided) return;
      const signatures = (await this.store.listSignatures(voided.id)).length;
      await this.note(p, 'agreement.unfrozen', { fingerprint: voided.fingerprint, voidedSignatures: signatures });
      await this.publish(p.caseId);
    });
  }

  async status(caseId: string): Promise<OutcomeStatus> {
    const [freeze, members, sealed] = await Promise.all([
      this.store.currentFreeze(caseId),
      this.store.listMembers(caseId),
      this.store.getOutcome(caseId),
    ]);
    const signatures = freeze ? await this.store.listSignatures(freeze.id) : [];
    // Who must sign is fixed by the freeze; before one, the members who would.
    const required = freeze ? members.filter((m) => freeze.signers.includes(m.userId)) : members.filter(isSigner);
    return {
      freeze: freeze && { text: freeze.text, fingerprint: freeze.fingerprint, frozenAt: freeze.frozenAt },
      signers: required.map((m) => ({
        userId: m.userId,
        role: m.role,
        displayName: m.displayName,
        signedAt: signatures.find((s) => s.userId === m.userId)?.signedAt ?? null,
      })),
      sealed: sealed && this.checkedRecord(sealed),
    };
  }

  /**
   * The stored record, only if this node's key signed exactly it: a record edited in the database
   * is refused (and logged), never served as if sealed. Cheap: one Ed25519 verification.
   */
  private checkedRecord(row: { caseId: string; record: string; signature: string }): SealedOutcome {
    let record: OutcomeRecord | null = null;
    try {
      const raw = JSON.parse(row.record) as unknown;
      const parsed = OutcomeRecord.safeParse(raw);
      if (parsed.success && this.key.verify(canonicalJson(raw), row.signature)) record = parsed.data;
    } catch {
      // Not JSON, or a signature that is not base64url: refused below like any other alteration.
    }
    if (!record) {
      this.effects.recordRejected(row.caseId);
      throw new AccordError(
        'INTERNAL',
        'the stored outcome record of this case fails its seal check and is not served',
      );
    }
    return { record, signature: row.signature };
  }

  /** A required signer signs the fingerprint they were shown; the last signature seals the record. */
  sign(p: Principal, payload: { fingerprint: string; fullName: string; secret: string }): Promise<OutcomeStatus> {
    return this.order.run(p.caseId, async () => {
      if (await this.store.getOutcome(p.caseId))
        throw AccordError.because('CONFLICT', 'outcome.alreadySealed', 'the outcome is already sealed');
      const freeze = await this.store.currentFreeze(p.caseId);
      if (!freeze || (await this.rooms.fresh(p.caseId)).phase !== 'signing') {
        throw AccordError.because('PHASE_RULES', 'signing.nothingFrozen', 'nothing is frozen for signing');
      }
      const member = await this.store.getMember(p.caseId, p.userId);
      if (!member || member.removedAt !== null || !isSigner(member) || !freeze.signers.includes(p.userId)) {
        throw AccordError.because('FORBIDDEN', 'signing.notASigner', 'you are not a required signer of this text');
      }
      if (payload.fingerprint !== freeze.fingerprint) {
        throw AccordError.because(
          'CONFLICT',
          'signing.textChanged',
          'this is not the text frozen for signing; review the current text',
        );
      }
      await this.requireSameSigners(p.caseId, freeze.signers);
      // The signature is named from the identity; what was typed only confirms who the signer is.
      if (!sameName(payload.fullName, member.displayName)) {
        throw new AccordError('VALIDATION_FAILED', 'the name typed is not the name you sign as', [
          { path: 'fullName', message: `type the name you sign as: ${member.displayName}` },
        ]);
      }
      await this.confirmSecret(p, payload.secret);
      // Signed already: a node may have died after storing the last signature and before sealing
      // (every signature there, no record), so a signer's retry finishes the seal instead of a refusal.
      const already = (await this.store.listSignatures(freeze.id)).some((s) => s.userId === p.userId);
      if (!already) {
        const signature = await this.store.addSignature({
          freezeId: freeze.id,
          userId: p.userId,
          role: member.role,
          name: member.displayName,
          fingerprint: payload.fingerprint,
          signedAt: new Date().toISOString(),
        });
        // The row as stored is bound into the chain: an edited name, role or time shows (`accord audit verify`).
        await this.note(p, 'agreement.signed', {
          fingerprint: freeze.fingerprint,
          session: p.sessionId,
          freezeId: freeze.id,
          signatureHash: sha256Hex(signaturePayload(signature)),
        });
      }
      const signed = new Set((await this.store.listSignatures(freeze.id)).map((s) => s.userId));
      const complete = freeze.signers.every((id) => signed.has(id));
      if (already && !complete)
        throw AccordError.because('CONFLICT', 'signing.alreadySigned', 'you have already signed this text');
      if (complete) {
        try {
          await this.sealLocked(p, 'settled', null);
        } catch (err) {
          // Another node saw the same last signature and sealed first: one record, with this signature in it.
          if (!(await this.sealedWith(p))) throw err;
          return this.status(p.caseId);
        }
        await this.effects.concluded(p.caseId, 'settled');
      }
      return this.publish(p.caseId);
    });
  }

  /**
   * Who must sign was fixed by the freeze; anyone added or removed since (a path that did not void the
   * freeze) means the text was not frozen for the people now in the case.
   */
  private async requireSameSigners(caseId: string, frozen: readonly string[]): Promise<void> {
    const now = (await this.store.listMembers(caseId)).filter(isSigner).map((m) => m.userId);
    if (now.length !== frozen.length || now.some((id) => !frozen.includes(id))) {
      throw AccordError.because(
        'CONFLICT',
        'signing.signersChanged',
        'the participants changed since the text was frozen; the mediator must return to drafting',
      );
    }
  }

  /**
   * The last line before a settlement is sealed, whatever led here: the freeze's signers include a
   * customer, a platform and a mediator, every one of them signed, and the frozen terms are complete.
   */
  private requireSettlement(
    freeze: FreezeRecord | null,
    signatures: readonly SignatureRecord[],
    consent: readonly ConsentRecord[],
  ): asserts freeze is FreezeRecord {
    if (!freeze) throw AccordError.because('PHASE_RULES', 'signing.nothingFrozen', 'nothing is frozen for signing');
    const unsigned = freeze.signers.filter((id) => !signatures.some((s) => s.userId === id));
    const problems = signoffProblems({
      signers: signatures.filter((s) => freeze.signers.includes(s.userId)),
      // Checked on the document when it was frozen; the frozen text cannot change.
      bodyHasText: true,
      terms: freeze.terms,
      // The frozen clauses, each agreed by both parties as frozen (no consent is given while signing).
      // A freeze made before clause consent existed has no clause list, and was made under the old rules.
      clauses: clauseConsent(freeze.clauses ?? [], consent),
    });
    if (unsigned.length > 0 || problems.length > 0) {
      const missing = [
        unsigned.length > 0 ? `${unsigned.length} signature(s) missing` : '',
        describeSignoffProblems(problems),
      ];
      throw AccordError.because(
        'PHASE_RULES',
        'outcome.notSettled',
        `not sealed as settled: ${missing.filter(Boolean).join('; ')}`,
        { missing: unsigned.length },
      );
    }
  }

  /** Whether the case's sealed record is a settlement that carries this person's signature. */
  private async sealedWith(p: Principal): Promise<boolean> {
    const sealed = (await this.status(p.caseId)).sealed;
    return sealed?.record.outcome.kind === 'settled' && sealed.record.signatures.some((s) => s.userId === p.userId);
  }

  /** The mediator ends the session without an agreement: not settled, or withdrawn, with a reason. */
  seal(p: Principal, kind: Exclude<OutcomeKind, 'settled'>, reason: string): Promise<SealedOutcome> {
    if (p.role !== 'mediator')
      return Promise.reject(
        AccordError.because('FORBIDDEN', 'outcome.mediatorOnly', 'only the mediator seals an outcome'),
      );
    return this.order.run(p.caseId, async () => {
      const sealed = await this.sealLocked(p, kind, reason.trim());
      await this.effects.concluded(p.caseId, kind);
      await this.publish(p.caseId);
      return sealed;
    });
  }

  async record(caseId: string): Promise<SealedOutcome | null> {
    return (await this.status(caseId)).sealed;
  }

  private async sealLocked(p: Principal, kind: OutcomeKind, reason: string | null): Promise<SealedOutcome> {
    if (await this.store.getOutcome(p.caseId))
      throw AccordError.because('CONFLICT', 'outcome.alreadySealed', 'the outcome is already sealed');
    const c = await this.store.getCase(p.caseId);
    if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    const settled = kind === 'settled';
    const freeze = settled ? await this.store.currentFreeze(p.caseId) : null;
    const signatures = freeze ? await this.store.listSignatures(freeze.id) : [];
    const [consent, authors, rounds, hardship, acknowledgements] = await Promise.all([
      this.store.listConsent(p.caseId),
      this.store.listDocAuthors(p.caseId),
      this.store.listRounds(p.caseId),
      this.extras.hardshipSummary?.(p.caseId) ?? null,
      acknowledgementsForRecord(this.store, p.caseId),
    ]);
    if (settled) this.requireSettlement(freeze, signatures, consent);
    else if (!reason)
      throw AccordError.because(
        'VALIDATION_FAILED',
        'outcome.reasonNeeded',
        'an outcome without agreement needs a reason',
      );
    const members = (await this.store.listMembers(p.caseId)).filter(isSigner);
    const joint = await this.jointTranscript(p.caseId);
    const [head] = await this.store.listAudit(p.caseId, { limit: 1 });
    // The terms that were frozen and signed, never what the document says now.
    const terms: SettlementTerms | null = freeze ? freeze.terms : null;
    const record: OutcomeRecord = {
      format: OUTCOME_FORMAT,
      caseId: c.id,
      caseNumber: c.number,
      title: c.title,
      language: c.language,
      parties: members.map((m) => ({ userId: m.userId, role: m.role, name: maskName(m.displayName) })),
      outcome: { kind, reason },
      agreement: freeze && { text: freeze.text, fingerprint: freeze.fingerprint, frozenAt: freeze.frozenAt },
      terms,
      signatures: signatures.map((s) => ({
        userId: s.userId,
        role: s.role,
        name: maskName(s.name),
        signedAt: s.signedAt,
        fingerprint: s.fingerprint,
      })),
      transcript: { hash: await transcriptHash(joint), messages: joint.length },
      audit: { headSeq: head?.seq ?? 0, headHash: head?.hash ?? '0'.repeat(64) },
      clauses: (freeze?.clauses ?? []).map((clause) => {
        const author = clauseAuthor(clause.client, authors);
        return {
          number: clause.number,
          id: clause.id,
          hash: clause.hash,
          proposedBy: author && { role: author.role, name: maskName(author.displayName) },
          // Every word either party gave on any text of the clause: a hash other than the clause's
          // was given to an earlier text, which an edit replaced.
          history: consent
            .filter((e) => e.clauseId === clause.id)
            .map((e) => ({
              role: e.role,
              name: maskName(e.displayName),
              state: e.state,
              reason: e.reason,
              at: e.at,
              hash: e.hash,
            })),
        };
      }),
      rounds: rounds.map((r) => ({ n: r.n, closedAt: r.closedAt, fingerprint: r.fingerprint })),
      hardship: hardship ?? null,
      acknowledgements,
      sealedAt: new Date().toISOString(),
      sealedBy: { userId: p.userId, role: p.role },
      key: { alg: 'Ed25519', publicKey: this.key.publicKey, id: this.key.id },
    };
    const canonical = canonicalJson(record);
    const signature = this.key.sign(canonical);
    await this.store.saveOutcome({ caseId: c.id, record: canonical, signature, sealedAt: record.sealedAt });
    // The seal entry binds the record itself, so an edited stored record shows against the chain too.
    await this.note(p, 'outcome.sealed', {
      outcome: kind,
      recordHash: sha256Hex(canonical),
      recordSignature: signature,
    });
    return { record, signature };
  }

  private async note(p: Principal, kind: string, detail: Record<string, string | number>): Promise<void> {
    const entry = await this.audit.append(p.caseId, p.userId, kind, {
      actor: { userId: p.userId, displayName: p.displayName, role: p.role },
      target: null,
      detail,
    });
    this.effects.recorded(entry);
  }

  private async publish(caseId: string): Promise<OutcomeStatus> {
    const status = await this.status(caseId);
    this.effects.statusChanged(caseId, status);
    return status;
  }

  /** The agreement as stored, after every update already received has been stored. */
  private storedDoc(caseId: string): Promise<Y.Doc> {
    return storedDoc(this.docs, this.store, caseId);
  }

  private async jointTranscript(caseId: string): Promise<ChatMessage[]> {
    const out: ChatMessage[] = [];
    for (;;) {
      const page = await this.store.listMessages(caseId, 'joint', { afterSeq: out.at(-1)?.seq ?? 0, limit: 1000 });
      out.push(...page);
      if (page.length < 1000) return out;
    }
  }

  /** A staff member confirms with their password; a guest with the PIN of their invite. Rate-limited. */
  private async confirmSecret(p: Principal, secret: string): Promise<void> {
    const key = `sign:${p.caseId}:${p.userId}`;
    await this.attempts.consume(key);
    const user = await this.store.getUser(p.userId);
    let ok = false;
    if (user?.kind === 'staff' && user.passwordHash) {
      ok = await verifyPassword(secret, user.passwordHash);
    } else {
      const invites = (await this.store.listInvites(p.caseId)).filter(
        (i) => i.userId === p.userId && i.revokedAt === null && i.pinHash !== null,
      );
      ok = invites.some((i) => this.tokens.checkPin(i.id, secret.trim(), i.pinHash ?? ''));
    }
    if (!ok)
      throw user?.kind === 'staff'
        ? AccordError.because('BAD_CREDENTIALS', 'auth.wrongPassword', 'wrong password')
        : AccordError.because('BAD_CREDENTIALS', 'auth.wrongPin', 'wrong PIN');
    await this.attempts.reset(key);
  }
}
