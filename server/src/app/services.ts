import { join } from 'node:path';
import { propose, type SealedOutcome } from '@accord/shared';
import { RoomStates } from '../access/room-states';
import { DocRegistry } from '../agreement/registry';
import type { DocAuthor as DocAuthorOf } from '../agreement/live-doc';
import type { TermChange } from '../agreement/term-changes';
import { TermsHistory } from '../agreement/terms-history';
import { AgreementWriter } from '../assistant/writer';
import { AssistantService } from '../assistant/service';
import { activityIds } from '../audit/activity-id';
import { AuditLog } from '../audit/log';
import { AccountService } from '../auth/accounts';
import { AuthService } from '../auth/service';
import { TokenSigner } from '../auth/tokens';
import { createCaseFlow, type CaseFlow } from '../cases/index';
import { MODEL_VERSION } from '../cases/intake';
import { PiiVault } from '../cases/pii';
import { RecoveryService } from '../cases/recovery';
import { CaseService, type MemberHooks } from '../cases/service';
import { CallService } from '../call/service';
import { ChatService } from '../chat/service';
import type { AccordConfig } from '../config';
import { DataCipher } from '../evidence/cipher';
import { EvidenceService, type EvidenceChange } from '../evidence/service';
import { ModerationService, toActivity } from '../moderation/service';
import { OfferService } from '../negotiation/offers';
import { NegotiationService } from '../negotiation/consent';
import type { OfferViews, PublishNegotiation } from '../negotiation/types';
import { NoticeService } from '../notify/notices';
import { MailSender } from '../notify/sender';
import { loadSigningKey } from '../outcome/keys';
import { OutcomePdf } from '../outcome/pdf';
import { OutcomeService } from '../outcome/service';
import { RoomBroadcasts } from '../room/broadcasts';
import type { AccordIo } from '../room/socket-types';
import { trackBroadcasts, type TrackBroadcasts } from '../room/track';
import type { Logger } from '../log';
import type { AuditRecord } from '../store/types';
import { buildAroundSession } from './around-session';
import type { Infrastructure } from './infrastructure';
import type { RoomServices, Services } from './service-types';

export type { RoomServices, Services } from './service-types';

/** Every domain service of a node, each built once, here (and in `around-session.ts`). */

/** Ten failed sign-ins per username, fifty per address, five PIN tries per signer and tracking link, in fifteen minutes. */
const ATTEMPT_WINDOW_MS = 15 * 60_000;

/**
 * Builds the services and wires what one does when another acts: the room's phase drives sign-off
 * and the case's lifecycle, a sealed outcome concludes the room. Their effects on people reach them
 * through `io` (RoomBroadcasts), which need not be attached to a server yet.
 */
export function buildServices(
  config: AccordConfig,
  infra: Infrastructure,
  io: AccordIo,
  publicUrl: () => string,
): Services {
  const core = buildRoomServices(config, infra, io, publicUrl);
  return { ...core, ...buildAroundSession(core, infra, config, io, publicUrl) };
}

/** The services of the case and its room, and the hooks between them. */
function buildRoomServices(
  config: AccordConfig,
  infra: Infrastructure,
  io: AccordIo,
  publicUrl: () => string,
): RoomServices {
  const { store, bus, log, presence } = infra;
  const tokens = new TokenSigner(config.tokenSecret);
  const signingKey = loadSigningKey(config.dataDir);
  const auth = new AuthService(
    store,
    tokens,
    bus,
    {
      byUser: infra.limiter('user', 10, ATTEMPT_WINDOW_MS),
      byAddress: infra.limiter('address', 50, ATTEMPT_WINDOW_MS),
    },
    config.sessionHours,
  );
  const memberHooks: MemberHooks = {
    // Adding or re-admitting someone who signs, during signing, voids what was signed so far.
    signersChanging: async (caseId, by) => {
      const [member, user] = await Promise.all([store.getMember(caseId, by.userId), store.getUser(by.userId)]);
      const displayName = member?.displayName ?? user?.displayName ?? '';
      await moderation.leaveSigning({ ...by, caseId, displayName, sessionId: '' }, 'member.added');
    },
    memberAdded: (caseId, userId, role) => quietly(notices.memberAdded(caseId, userId, role)),
  };
  const cases = new CaseService(store, tokens, bus, publicUrl, memberHooks);
  // `terms` and `negotiation` are built below, before any document is opened.
  const docs = buildDocs(config, infra, {
    termsChanged: (author, changes) => void terms.record(author.caseId, author, changes),
    authorsBound: (caseId) => void negotiation.publish(caseId),
  });
  const rooms = new RoomStates(store, bus);
  const audit = new AuditLog(store);
  const activityId = activityIds(config.tokenSecret);
  // An audit entry the room's activity feed shows, to the room (called once `broadcasts`, below, exists).
  const toFeed = (entry: AuditRecord) => {
    const activity = toActivity(entry, activityId);
    if (activity) broadcasts.activity(activity);
  };
  const cipher = new DataCipher(config.dataKey);
  const track = trackBroadcasts(io);
  const outcomePdf = new OutcomePdf(publicUrl);
  // Called only once outcomes are sealed, when `outcome` (built below) exists.
  const { notices, mail, quietly } = buildMail(config, infra, cipher, publicUrl, outcomePdf, (id) =>
    outcome.record(id),
  );
  const evidence = new EvidenceService(
    store,
    cipher,
    audit,
    join(config.dataDir, 'evidence'),
    { maxBytes: config.evidenceMaxBytes, maxFiles: config.evidenceMaxFiles },
    announceEvidence(track, () => broadcasts, log),
  );
  const flow = createCaseFlow({
    store,
    tokens,
    cipher,
    evidence,
    audit,
    bus,
    pinAttempts: infra.limiter('tracking-pin', 5, ATTEMPT_WINDOW_MS),
    publicUrl,
    effects: {
      progressChanged: async (progress, lenderId) => {
        track.progressChanged(progress, lenderId);
        await quietly(notices.progressChanged(progress));
      },
      historyChanged: (caseId) => track.historyChanged(caseId),
    },
    // Called only once requests arrive, when `outcome` (built below) exists.
    sealedRecord: (caseId) => outcome.record(caseId),
    hardshipRecorded: toFeed,
  });
  const broadcasts = new RoomBroadcasts(io, { members: store, presence, rooms, bus });
  const terms = new TermsHistory(audit, activityId, (a) => broadcasts.activity(a), log);
  const recovery = new RecoveryService(
    store,
    tokens,
    bus,
    audit,
    flow.access,
    flow.transitions,
    publicUrl,
    {
      recorded: toFeed,
      membersChanged: (caseId) => broadcasts.presence(caseId),
    },
    memberHooks,
  );
  const chat = new ChatService(store, rooms, (m, origin) => broadcasts.chatMessage(m, origin));
  const calls = new CallService(infra.callRoster, store, rooms, bus, config.call, {
    deliverSignal: (socketId, signal) => broadcasts.callSignal(socketId, signal),
  });
  // Sign-off and moderation call each other (a sealed outcome ends the session, entering signing
  // freezes the text); each only once events arrive, when both exist.
  const outcome = new OutcomeService(
    store,
    rooms,
    docs,
    audit,
    tokens,
    signingKey,
    infra.limiter('signing-pin', 5, ATTEMPT_WINDOW_MS),
    {
      statusChanged: (caseId, status) => broadcasts.outcomeStatus(caseId, status),
      recorded: toFeed,
      recordRejected: (caseId) =>
        log.error({ event: 'outcome.record_rejected', caseId }, 'stored outcome record fails its seal check'),
      concluded: async (caseId, kind) => {
        await moderation.conclude(caseId);
        await flow.transitions.outcomeSealed(caseId, kind);
        await quietly(notices.outcomeSealed(caseId));
      },
    },
    { hardshipSummary: (caseId) => flow.hardship.sealedSummary(caseId) },
  );
  // Each tells the other: the offers are part of what the negotiation publishes, and publish on a change.
  const offers = buildOffers(config, infra, (caseId) => negotiation.publish(caseId), { rooms, cipher, audit, docs });
  const negotiation = buildNegotiation(infra, rooms, docs, audit, broadcasts, offers);
  const moderation = buildModeration(store, rooms, audit, bus, broadcasts, activityId, outcome, flow.transitions);
  return {
    tokens,
    signingKey,
    auth,
    accounts: new AccountService(store, bus, log),
    cases,
    rooms,
    audit,
    docs,
    evidence,
    flow,
    recovery,
    chat,
    moderation,
    outcome,
    outcomePdf,
    broadcasts,
    terms,
    notices,
    mail,
    calls,
    offers,
    negotiation,
    assistant: buildAssistant(infra, { flow, rooms, audit, docs, terms, negotiation, recorded: toFeed }),
  };
}

/**
 * The mediation assistant: its clauses go into the live agreement by the server (the terms history
 * and the negotiation's authors hear of them); a clause added reaches the room's feed.
 */
function buildAssistant(
  { store }: Infrastructure,
  deps: {
    flow: CaseFlow;
    rooms: RoomStates;
    audit: AuditLog;
    docs: DocRegistry;
    terms: TermsHistory;
    negotiation: NegotiationService;
    recorded: (entry: AuditRecord) => void;
  },
): AssistantService {
  const { flow, rooms, audit, docs, terms, negotiation } = deps;
  return new AssistantService({
    store,
    access: flow.access,
    rooms,
    audit,
    hardship: flow.hardship,
    propose,
    modelVersion: MODEL_VERSION,
    writer: new AgreementWriter({
      store,
      rooms,
      docs,
      termsChanged: (_caseId, author, changes) => void terms.record(author.caseId, author, changes),
      authorsChanged: (caseId) => void negotiation.publish(caseId),
    }),
    recorded: deps.recorded,
  });
}

/**
 * Blind offers: sealed, resolved once both parties are in, the midpoint proposed into the terms; the
 * room hears of a submission or a result through the negotiation's publish.
 */
function buildOffers(
  config: AccordConfig,
  { store, log }: Infrastructure,
  publish: PublishNegotiation,
  deps: { rooms: RoomStates; cipher: DataCipher; audit: AuditLog; docs: DocRegistry },
): OfferService {
  return new OfferService({
    ...deps,
    store,
    changeDoc: (name, fn) => deps.docs.change(name, fn),
    publish,
    log,
    limit: config.offerRounds,
  });
}

/** Clause consent and rounds; what the room sees of the negotiation is sent to it again on every change. */
function buildNegotiation(
  { store, log }: Infrastructure,
  rooms: RoomStates,
  docs: DocRegistry,
  audit: AuditLog,
  broadcasts: RoomBroadcasts,
  offers: OfferViews,
): NegotiationService {
  const negotiation: NegotiationService = new NegotiationService({
    store,
    rooms,
    docs,
    audit,
    offers,
    publish: async (caseId) => broadcasts.negotiation(caseId, await negotiation.state(caseId)),
    log,
  });
  return negotiation;
}

/**
 * The documents, loaded and unloaded, whose changes tell the terms history who changed what, and
 * the negotiation who proposed a clause (the author of the Yjs client that created its block).
 */
function buildDocs(
  config: AccordConfig,
  { store, bus, log, sharedBus }: Infrastructure,
  on: { termsChanged: (author: DocAuthorOf, changes: TermChange[]) => void; authorsBound: (caseId: string) => void },
): DocRegistry {
  return new DocRegistry(store, {
    unloadAfterMs: config.docUnloadMs,
    compactEvery: config.docCompactEvery,
    log,
    // Documents cross the bus only where another node may hold them: a node's own LocalBus has no
    // other node, and publishing every update on it (base64 and all) was work for nobody.
    ...(sharedBus ? { bus } : {}),
    // Only agreement documents hold terms.
    onTermsChanged: (_doc, author, changes) => on.termsChanged(author, changes),
    // Read from the store at each check, never cached here: sharing is changed on any node.
    citedEvidence: async (ids) => {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      const items = await Promise.all(ids.map((id) => (uuid.test(id) ? store.getEvidence(id) : Promise.resolve(null))));
      return new Map(ids.map((id, i) => [id, items[i] ?? null]));
    },
    bindAuthors: async (caseId, author, clients) => {
      for (const client of clients) {
        const { userId, role, displayName } = author;
        await store.bindDocAuthor(caseId, { client, userId, role, displayName });
      }
      on.authorsBound(caseId);
    },
  });
}

/**
 * The mediator's moderation, wired to sign-off (entering signing needs a text that can be signed and
 * freezes it; leaving voids the freeze) and to the case's lifecycle (the room opening).
 */
function buildModeration(
  store: Infrastructure['store'],
  rooms: RoomStates,
  audit: AuditLog,
  bus: Infrastructure['bus'],
  broadcasts: RoomBroadcasts,
  activityId: ReturnType<typeof activityIds>,
  outcome: OutcomeService,
  transitions: ReturnType<typeof createCaseFlow>['transitions'],
): ModerationService {
  const moderation = new ModerationService(
    store,
    rooms,
    audit,
    bus,
    {
      stateChanged: (state) => broadcasts.roomState(state),
      activity: (entry) => broadcasts.activity(entry),
      presenceChanged: (caseId) => broadcasts.presence(caseId),
    },
    {
      // Entering signing needs an agreement that can be signed as a settlement (shared/signoff-rules).
      beforePhase: async (p, _from, to) => {
        if (to === 'signing') await outcome.assertReady(p.caseId);
      },
      // Entering signing freezes the agreement's text; leaving it voids the freeze and its signatures.
      afterPhase: async (p, from, to) => {
        if (from === 'scheduled') await transitions.roomOpened(p.caseId);
        if (to === 'signing') {
          try {
            await outcome.freeze(p);
          } catch (err) {
            // Something changed between the check and the phase change: no freeze, back to drafting.
            await moderation.leaveSigning(p, 'not_ready').catch(() => undefined);
            throw err;
          }
        } else if (from === 'signing') await outcome.unfreeze(p);
      },
    },
    activityId,
  );
  return moderation;
}

/**
 * Notices by e-mail: queued by the NoticeService as cases move, sent from the outbox by the
 * MailSender. `quietly` queues without failing what it tells of: a notice that cannot be queued
 * is logged.
 */
function buildMail(
  config: AccordConfig,
  { store, log }: Infrastructure,
  cipher: DataCipher,
  publicUrl: () => string,
  outcomePdf: OutcomePdf,
  sealedRecord: (caseId: string) => Promise<SealedOutcome | null>,
): { notices: NoticeService; mail: MailSender; quietly: (p: Promise<void>) => Promise<void> } {
  const notices = new NoticeService({
    store,
    pii: new PiiVault(store, cipher),
    publicUrl,
    reminderOffsetsMs: config.mail.reminderOffsetsMs,
    sealedRecord,
    renderPdf: (sealed) => outcomePdf.render(sealed),
    queued: () => mail.kick(),
  });
  const mail = new MailSender(config.mail, { store, log, publicUrl, render: (m, host) => notices.render(m, host) });
  const quietly = (p: Promise<void>) =>
    p.catch((err: unknown) => log.error({ event: 'mail.enqueue_failed', err }, 'a notice could not be queued'));
  return { notices, mail, quietly };
}

/**
 * The court-confirmation package, built on the other services (it reads what they hold): the sealed
 * record through the outcome service, checked against the seal.
 */

/** An evidence change, to the staff watching the case and to the room's people who may see it. */
function announceEvidence(track: TrackBroadcasts, room: () => RoomBroadcasts, log: Logger) {
  return (change: EvidenceChange): void => {
    track.evidenceChanged(change);
    room()
      .evidenceChanged(change.caseId, change.audiences)
      .catch((err: unknown) =>
        log.error({ event: 'evidence.nudge_failed', err }, 'the room was not told of an evidence change'),
      );
  };
}
