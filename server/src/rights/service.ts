import {
  AccordError,
  CASE_ROLES,
  OPEN_STATES,
  PartyRole,
  type CaseLanguage,
  type RightsAckBody,
  type RightsView,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type { CaseAccess } from '../cases/access';
import type { CaseRecord, MemberStore, RightsAckRecord, RightsStore } from '../store/types';
import type { RightsTexts } from './text';

/** The viewer as a party asked to acknowledge: a current customer or lender's representative of the case. */
interface Party {
  c: CaseRecord;
  userId: string;
  displayName: string;
  role: PartyRole;
}

/**
 * The rights and duties before the session (content/rights, read at start): shown to whoever reaches the
 * case, in the language they read; acknowledged by each party once per case, the first kept. An
 * acknowledgement names the text by language, version and hash, so a text edited since it was shown is
 * refused rather than recorded as read.
 */
export class RightsService {
  // Aggregates: members, rights acknowledgements; cases through CaseAccess; audit.
  constructor(
    private readonly store: MemberStore & RightsStore,
    private readonly access: CaseAccess,
    private readonly audit: AuditLog,
    private readonly texts: RightsTexts,
  ) {}

  /** The text in `lang` (the case's language without it), and whether this viewer is asked and has acknowledged. */
  async view(identity: Identity, caseId: string, lang: CaseLanguage | undefined): Promise<RightsView> {
    // Anyone in the case reads it (the mediator and the centre's staff too); only the parties are asked.
    const { c } = await this.access.caseForMember(
      identity,
      caseId,
      ['customer', 'staff', 'admin', 'mediator'],
      CASE_ROLES,
    );
    const party = await this.partyOrNull(identity, c);
    const ack = party ? await this.store.getRightsAck(c.id, party.userId) : null;
    // Asked before the session only: once the case has ended (an outcome sealed, withdrawn, closed) a party
    // comes to read how it ended, with no session left to enter.
    return this.viewOf(lang ?? c.language, party !== null && OPEN_STATES.includes(c.status), ack);
  }

  /**
   * Records the party's acknowledgement of the text they were shown, once per case: a second one (another
   * tab, a retry, a later version) returns the first unchanged, and audits nothing.
   */
  async acknowledge(identity: Identity, caseId: string, body: RightsAckBody): Promise<RightsView> {
    const party = await this.partyOf(identity, caseId);
    const existing = await this.store.getRightsAck(party.c.id, party.userId);
    if (existing) return this.viewOf(body.language, true, existing);
    const text = this.texts[body.language];
    if (body.version !== text.version || body.sha256 !== text.sha256) {
      throw AccordError.because(
        'CONFLICT',
        'rights.textChanged',
        'the text has changed since it was shown; read it again',
        { version: text.version },
      );
    }
    const { record, created } = await this.store.addRightsAck({
      caseId: party.c.id,
      userId: party.userId,
      role: party.role,
      language: body.language,
      version: text.version,
      sha256: text.sha256,
      at: new Date().toISOString(),
    });
    // Two tabs at once: the store let one in, and only that one is audited.
    if (created) {
      await this.audit.append(party.c.id, party.userId, 'rights.acknowledged', {
        actor: { userId: party.userId, displayName: party.displayName, role: party.role },
        target: null,
        detail: { version: record.version, sha256: record.sha256, language: record.language, role: record.role },
      });
    }
    return this.viewOf(body.language, true, record);
  }

  /** The case's customer or lender's representative, a current member, through a session that reaches the case. */
  async partyOf(identity: Identity, caseId: string): Promise<Party> {
    const c = await this.access.getCase(caseId);
    const party = await this.partyOrNull(identity, c);
    if (!party) {
      throw AccordError.because(
        'FORBIDDEN',
        'rights.partiesOnly',
        "only the case's customer and the lender's representative acknowledge the rights and duties",
      );
    }
    return party;
  }

  private async partyOrNull(identity: Identity, c: CaseRecord): Promise<Party | null> {
    const member = await this.store.getMember(c.id, identity.user.id);
    const role = PartyRole.safeParse(member?.role);
    const sessionReaches = identity.session.caseId === null || identity.session.caseId === c.id;
    if (!member || member.removedAt !== null || !role.success || !sessionReaches) return null;
    return { c, userId: member.userId, displayName: member.displayName, role: role.data };
  }

  private viewOf(language: CaseLanguage, required: boolean, ack: RightsAckRecord | null): RightsView {
    const text = this.texts[language];
    return {
      language,
      version: text.version,
      sha256: text.sha256,
      title: text.title,
      sections: text.sections,
      acknowledged: ack && { version: ack.version, sha256: ack.sha256, at: ack.at },
      required,
    };
  }
}
