import {
  AccordError,
  caucusParty,
  evidenceVisibleTo,
  type Channel,
  type ChatCite,
  type EvidenceViewer,
} from '@accord/shared';
import type { EvidenceRecord, EvidenceStore } from '../store/evidence-types';
import type { MemberStore } from '../store/types';

/** The side of the case a party (a member of it) is on, as evidence sharing names sides. */
export function sideOfRole(role: string): EvidenceViewer {
  if (role === 'customer') return 'customer';
  if (role === 'platform') return 'lender';
  return 'neutral';
}

/**
 * Why an evidence item may not be cited where `audience` reads (null: it may). `audience` is every
 * side that reads the place: the joint chat and the agreement are read by both sides; a caucus by the
 * mediator and one party's side. An item is citable only where every reader may see it, so a caucus
 * item's name never reaches the other side through a citation.
 */
export function citationProblem(
  caseId: string,
  evidenceId: string,
  item: EvidenceRecord | null,
  audience: readonly EvidenceViewer[],
): AccordError | null {
  if (!item) {
    return AccordError.because('NOT_FOUND', 'evidence.notFound', `no evidence item ${evidenceId}`, { evidenceId });
  }
  if (item.caseId !== caseId) {
    return AccordError.because(
      'VALIDATION_FAILED',
      'evidence.otherCase',
      `evidence item ${evidenceId} belongs to another case`,
      { evidenceId },
    );
  }
  if (!audience.every((viewer) => evidenceVisibleTo(item, viewer))) {
    return AccordError.because(
      'FORBIDDEN',
      'evidence.notShownToAll',
      `evidence item "${item.name}" is not shown to everyone who reads this`,
      { name: item.name.slice(0, 200) },
    );
  }
  return null;
}

/**
 * The cited items of a chat message, as everyone in the channel sees them (id, name, type), or the
 * first problem with one of them (nothing is stored then). Only called for a message that cites
 * something: a message without citations costs no query.
 */
export async function checkChatCites(
  store: MemberStore & EvidenceStore,
  caseId: string,
  channel: Channel,
  ids: readonly string[],
): Promise<ChatCite[]> {
  const party = caucusParty(channel);
  let audience: EvidenceViewer[] = ['customer', 'lender'];
  if (party !== null) {
    const member = await store.getMember(caseId, party);
    // The mediator's caucus with one party: the mediator (neutral) and that party's side.
    audience = ['neutral', member ? sideOfRole(member.role) : 'customer'];
    // A party that is neither side (should not happen): only items shown to both.
    if (audience[1] === 'neutral') audience = ['customer', 'lender'];
  }
  const unique = [...new Set(ids)];
  const items = await Promise.all(unique.map((id) => store.getEvidence(id)));
  return unique.map((id, i) => {
    const item = items[i] ?? null;
    const problem = citationProblem(caseId, id, item, audience);
    if (problem) throw problem;
    return { id, name: item!.name, type: item!.type };
  });
}
