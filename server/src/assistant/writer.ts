import * as Y from 'yjs';
import { AccordError, AgreementDoc, mayEditAgreement, type SettlementTerms } from '@accord/shared';
import type { RoomStates } from '../access/room-states';
import type { DocRegistry } from '../agreement/registry';
import type { TermChange } from '../agreement/term-changes';
import type { NegotiationStore, RoomStateRecord } from '../store/types';

export interface ClauseAuthor {
  userId: string;
  displayName: string;
  role: string;
}

export interface AgreementWriterDeps {
  store: NegotiationStore;
  rooms: Pick<RoomStates, 'fresh'>;
  docs: Pick<DocRegistry, 'change'>;
  /** The terms written, for the terms history (who changed which term). */
  termsChanged: (caseId: string, author: ClauseAuthor & { caseId: string }, changes: TermChange[]) => void;
  /** A clause has a new author (the negotiation's state names who proposed each clause). */
  authorsChanged: (caseId: string) => void;
}

/** Whether the mediator may put a clause into the agreement now; the error that says why not, else null. */
export function agreementOpen(state: RoomStateRecord): AccordError | null {
  if (state.agreementLocked) {
    return AccordError.because('PHASE_RULES', 'assistant.agreementLocked', 'the agreement is locked; unlock it first');
  }
  if (!mayEditAgreement(state.phase, true)) {
    return AccordError.because(
      'PHASE_RULES',
      'assistant.agreementClosed',
      `nothing goes into the agreement while the room is ${state.phase}`,
      { phase: state.phase },
    );
  }
  return null;
}

/** One clause on one line: a paragraph of the editor holds no line breaks. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/**
 * Appends a clause to a case's live agreement as a new paragraph (and writes its settlement terms)
 * through `DocRegistry.change`, so it is stored before anyone receives it, like a member's update.
 *
 * The paragraph is made by a Yjs client of its own, bound to the mediator as the clause's author:
 * the clause's id (its block's Yjs item, `<client>.<clock>`) is what consent and provenance name,
 * and the consent panel says who proposed it. A new clause has no consent, as any new clause.
 */
export class AgreementWriter {
  constructor(private readonly deps: AgreementWriterDeps) {}

  async append(
    caseId: string,
    author: ClauseAuthor,
    text: string,
    terms: Partial<SettlementTerms> | null,
  ): Promise<{ clauseId: string; text: string; terms: string[] }> {
    const closed = agreementOpen(await this.deps.rooms.fresh(caseId));
    if (closed) throw closed;
    const clause = oneLine(text);
    const scratch = new Y.Doc();
    try {
      // Bound before the block exists, so no member ever sees it without its author.
      await this.deps.store.bindDocAuthor(caseId, { client: scratch.clientID, ...author });
      let clauseId = '';
      const changes: TermChange[] = [];
      // Checked again right before writing: the room may have moved to signing or been locked meanwhile.
      const again = agreementOpen(await this.deps.rooms.fresh(caseId));
      if (again) throw again;
      await this.deps.docs.change(caseId, (doc) => {
        Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
        const before = Y.encodeStateVector(scratch);
        const paragraph = new Y.XmlElement('paragraph');
        scratch.transact(() => {
          paragraph.insert(0, [new Y.XmlText(clause)]);
          const body = scratch.getXmlFragment(AgreementDoc.body);
          body.insert(body.length, [paragraph]);
          const map = scratch.getMap(AgreementDoc.terms);
          for (const [key, value] of Object.entries(terms ?? {})) {
            if (value === undefined) continue;
            const from = map.has(key) ? (map.get(key) as TermChange['from']) : null;
            map.set(key, value);
            if (from !== value) changes.push({ key: key as TermChange['key'], from, to: value, conflict: null });
          }
        });
        const item = paragraph._item;
        if (!item) throw new Error('the clause was not inserted');
        clauseId = `${item.id.client}.${item.id.clock}`;
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(scratch, before));
      });
      if (changes.length > 0) this.deps.termsChanged(caseId, { ...author, caseId }, changes);
      this.deps.authorsChanged(caseId);
      return { clauseId, text: clause, terms: changes.map((c) => c.key) };
    } finally {
      scratch.destroy();
    }
  }
}
