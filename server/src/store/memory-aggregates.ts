import { MemoryAssistant, MemorySurveys } from './memory-assistant';
import { MemoryDocRequests } from './memory-doc-requests';
import { MemoryEvidence } from './memory-evidence';
import { MemoryHardship } from './memory-hardship';
import { MemoryOffers } from './memory-offers';
import { MemoryQuestions } from './memory-questions';
import { MemoryRights } from './memory-rights';
import type { RightsStore } from './rights-types';
import type {
  AssistantStore,
  DocumentRequestStore,
  EvidenceStore,
  HardshipStore,
  OfferStore,
  QuestionStore,
  SurveyStore,
} from './types';

/**
 * The memory store's aggregates kept in classes of their own (the store extends this): each member
 * passes through to its class, and the compiler checks the store still has every method.
 */
export class MemoryAggregates {
  private readonly evidence = new MemoryEvidence();
  addEvidence: EvidenceStore['addEvidence'] = (e, max) => this.evidence.addEvidence(e, max);
  listEvidence: EvidenceStore['listEvidence'] = (c) => this.evidence.listEvidence(c);
  getEvidence: EvidenceStore['getEvidence'] = (id) => this.evidence.getEvidence(id);
  setEvidenceSharing: EvidenceStore['setEvidenceSharing'] = (id, s, c) => this.evidence.setEvidenceSharing(id, s, c);

  private readonly hardships = new MemoryHardship();
  putHardship: HardshipStore['putHardship'] = (h) => this.hardships.putHardship(h);
  getHardship: HardshipStore['getHardship'] = (c) => this.hardships.getHardship(c);

  private readonly assistant = new MemoryAssistant();
  putClassification: AssistantStore['putClassification'] = (c) => this.assistant.putClassification(c);
  putCorrections: AssistantStore['putCorrections'] = (id, c) => this.assistant.putCorrections(id, c);
  getAssistant: AssistantStore['getAssistant'] = (id) => this.assistant.getAssistant(id);
  listDisputeTypes: AssistantStore['listDisputeTypes'] = () => this.assistant.listDisputeTypes();
  addProposalUse: AssistantStore['addProposalUse'] = (u) => this.assistant.addProposalUse(u);
  listProposalUses: AssistantStore['listProposalUses'] = (id) => this.assistant.listProposalUses(id);

  private readonly surveys = new MemorySurveys();
  submitSurvey: SurveyStore['submitSurvey'] = (a, r) => this.surveys.submitSurvey(a, r);
  hasAnsweredSurvey: SurveyStore['hasAnsweredSurvey'] = (c, u) => this.surveys.hasAnsweredSurvey(c, u);
  listSurveyResponses: SurveyStore['listSurveyResponses'] = (c) => this.surveys.listSurveyResponses(c);

  private readonly questions = new MemoryQuestions();
  addQuestionPost: QuestionStore['addQuestionPost'] = (p) => this.questions.addQuestionPost(p);
  listQuestionPosts: QuestionStore['listQuestionPosts'] = (c) => this.questions.listQuestionPosts(c);
  openQuestionCounts: QuestionStore['openQuestionCounts'] = () => this.questions.openQuestionCounts();

  private readonly docRequests = new MemoryDocRequests();
  addDocumentRequest: DocumentRequestStore['addDocumentRequest'] = (r) => this.docRequests.addDocumentRequest(r);
  getDocumentRequest: DocumentRequestStore['getDocumentRequest'] = (id) => this.docRequests.getDocumentRequest(id);
  listDocumentRequests: DocumentRequestStore['listDocumentRequests'] = (c) => this.docRequests.listDocumentRequests(c);
  answerDocumentRequest: DocumentRequestStore['answerDocumentRequest'] = (id, a) =>
    this.docRequests.answerDocumentRequest(id, a);
  listOpenDocumentRequests: DocumentRequestStore['listOpenDocumentRequests'] = () =>
    this.docRequests.listOpenDocumentRequests();

  private readonly offerRounds = new MemoryOffers();
  addOffer: OfferStore['addOffer'] = (o) => this.offerRounds.addOffer(o);
  listOffers: OfferStore['listOffers'] = (c) => this.offerRounds.listOffers(c);
  resolveOfferRound: OfferStore['resolveOfferRound'] = (r) => this.offerRounds.resolveOfferRound(r);
  listOfferResults: OfferStore['listOfferResults'] = (c) => this.offerRounds.listOfferResults(c);

  // Kept by the purge: an acknowledgement holds no free text, and the sealed record lists it.
  private readonly rights = new MemoryRights();
  addRightsAck: RightsStore['addRightsAck'] = (a) => this.rights.addRightsAck(a);
  getRightsAck: RightsStore['getRightsAck'] = (c, u) => this.rights.getRightsAck(c, u);
  listRightsAcks: RightsStore['listRightsAcks'] = (c) => this.rights.listRightsAcks(c);

  /** Drops what purging a case drops from these aggregates. */
  protected purgeAggregates(caseId: string): void {
    this.evidence.purge(caseId);
    this.hardships.purge(caseId);
    this.assistant.purge(caseId);
    this.surveys.purge(caseId);
    this.offerRounds.purge(caseId);
    this.questions.purge(caseId);
    this.docRequests.purge(caseId);
  }
}
