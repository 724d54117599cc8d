import { startTransition, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  JOINT,
  ROLE_COLOURS,
  caucusChannel,
  negotiationProgress,
  can,
  isParty as isPartyRole,
  mayEditAgreement,
  TERMS_CLAUSE_ID,
  clauseConsent,
  partiesMayPost,
  type CaseRole,
  type Channel,
} from '@accord/shared';
import type { CaretUser } from '../agreement/AgreementEditor';
import { AgreementEditor, AssistantPanel, CallPanel, EvidencePanel } from './lazyPanels';
import { openEvidence, seesEvidence } from '../evidence/open';
import { TermsPanel } from '../agreement/TermsPanel';
import { useSharedDoc } from '../agreement/useAgreement';
import { navigate } from '../app/router';
import { EndWithoutAgreement, SigningPanel } from '../outcome/SigningPanel';
import { useSignoffProblems } from '../outcome/useSignoffProblems';
import { staffSession } from '../app/session';
import { useCall } from '../call/useCall';
import { RoomHardship } from '../hardship/RoomHardship';
import { RoomDocumentsLazy } from '../documents/lazy';
import { SurveyCard } from '../surveys/SurveyCard';
import { ActivityFeed } from './ActivityFeed';
import { DEFAULT_TIME_ZONE } from '../app/format';
import { CaucusPanel, MediatorNotebook, PastCaucuses } from './CaucusPanel';
import { ChatPanel } from './ChatPanel';
import { ConnectionBar } from './ConnectionBar';
import { InviteRecovery, NewPinNotice } from './InviteRecovery';
import { LobbyView } from './LobbyView';
import { ModeratorPanel } from './ModeratorPanel';
import { ParticipantsPanel } from './ParticipantsPanel';
import { RoomBanner } from './RoomBanner';
import { useRoom } from './useRoom';
import { channelState } from './roomChat';
import { NOTHING_SEEN, markSeen, tabBadges, type RoomTab, type TabInputs, type TabsSeen } from './roomTabs';
import { PHONE_QUERY, RoomTabs, tabPanelProps, useChangedWhileAway, useMediaQuery, useVisibleHeight } from './RoomTabs';
import { NegotiationPanel } from '../negotiation/NegotiationPanel';
import { useHashedClauses } from '../negotiation/useClauses';
import { useProvenance } from '../assistant/provenance';
import { RightsLink } from '../rights/RightsLink';
import { RoomGate } from '../rights/RoomGate';

/** Activity after which the mediator's list of removed participants and links is read again. */
const LINK_KINDS = new Set<string>([
  'member.removed',
  'member.reinvited',
  'invite.reissued',
  'pin.reset',
  'pin.delivered',
]);

/** Activity shown on the agreement tab (terms, the assistant's clauses): no news for the people tab. */
const AGREEMENT_KINDS = new Set<string>(['terms.changed', 'assistant.clause_added']);

/**
 * The mediation room: banner, participants and controls, chat (joint and private), the agreement. On a
 * desktop three columns; on a phone (PHONE_QUERY) the same three parts, and the call, as tabs.
 */
export function RoomPage(props: { caseId: string; token: string; me: string; role: CaseRole | null }) {
  // A party reads and acknowledges their rights and duties before the room connects (rights/RoomGate).
  return (
    <RoomGate {...props}>
      <RoomInside {...props} />
    </RoomGate>
  );
}

function RoomInside({ caseId, token, me, role }: { caseId: string; token: string; me: string; role: CaseRole | null }) {
  const { t } = useTranslation();
  const room = useRoom(caseId, token, me);
  const admitted = room.welcome !== null && room.status !== 'waiting';
  const agreement = useSharedDoc(caseId, token, me, admitted || room.status === 'offline');
  const you = room.welcome?.you;
  const myRole = you?.role ?? role;
  const state = room.state;
  const mine = room.participants.find((p) => p.userId === me);
  const isMediator = myRole === 'mediator';
  const isParty = myRole !== null && isPartyRole(myRole);
  const canChat =
    myRole !== null &&
    can(myRole, 'chat.send') &&
    !mine?.muted &&
    (state === null || isMediator || partiesMayPost(state.phase, state.quietOpening));
  const canEdit =
    myRole !== null &&
    can(myRole, 'doc.write') &&
    (agreement?.refused ?? null) === null &&
    (state === null || (mayEditAgreement(state.phase, isMediator) && (isMediator || !state.agreementLocked)));
  const caret = useMemo<CaretUser>(
    () => ({ name: you?.displayName ?? '…', color: ROLE_COLOURS[myRole ?? 'observer'] }),
    [you?.displayName, myRole],
  );
  const readyDoc = agreement?.ready ? agreement.doc : null;
  const clauses = useHashedClauses(readyDoc, room.welcome?.language ?? null);
  const negotiation = room.negotiation;
  // Until the server's consent arrives every clause counts as pending: signing stays shut, not open.
  const consent = useMemo(
    () => (clauses ? clauseConsent(clauses, negotiation?.consent ?? []) : null),
    [clauses, negotiation],
  );
  const termsClause = clauses?.find((c) => c.id === TERMS_CLAUSE_ID)?.number;
  // The assistant's clauses: read again when one is added (its feed entry) or the draft's clauses change.
  const added = room.activity.filter((a) => a.kind === 'assistant.clause_added').length;
  const provenance = useProvenance(caseId, token, `${added}|${clauses?.map((c) => c.id).join(',') ?? ''}`);
  const hardships = room.activity.filter((a) => a.kind === 'hardship.declared' || a.kind === 'hardship.updated').length;
  const problems = useSignoffProblems(readyDoc, room.participants, consent);
  // While a text is frozen for signing, or sealed as signed, it is shown once, in the signing panel, not
  // again in the editor.
  const frozen = (room.outcome?.freeze ?? null) !== null && !room.outcome?.sealed;
  const textShown = frozen || (room.outcome?.sealed?.record.agreement ?? null) !== null;
  const mustSign = frozen && room.outcome?.signers.some((s) => s.userId === me && s.signedAt === null);
  const signatures = frozen ? (room.outcome?.signers.filter((s) => s.signedAt !== null).length ?? 0) : 0;
  const caucus = state?.caucus ?? null;
  const inCaucus = caucus !== null && (isMediator || caucus.userId === me);
  // The call rides on the room's socket; it is set up at once (so no view of it is missed) but shown only once admitted.
  const call = useCall(caseId, room.attach, myRole !== null && can(myRole, 'call.send'), room.status === 'denied');
  const callCaucus = useMemo(
    () => (caucus ? { userId: caucus.userId, displayName: caucus.displayName } : null),
    [caucus],
  );

  // The phone's tabs. Every part stays mounted when its tab is closed (a draft, a scroll position, the
  // call's media survive switching); a tab chosen by hand is kept, else the agreement comes first while
  // it asks for this person's signature or is sealed, then the call while in it (back by itself after a
  // reload), the chat otherwise.
  const phone = useMediaQuery(PHONE_QUERY);
  useVisibleHeight(phone);
  const [chosen, setChosen] = useState<RoomTab | null>(null);
  const callShown = admitted && you !== undefined && can(you.role, 'call.join');
  const evidenceShown = admitted && seesEvidence(myRole);
  const tabs: RoomTab[] = [
    'chat',
    'agreement',
    'people',
    ...(evidenceShown ? (['evidence'] as const) : []),
    ...(callShown ? (['call'] as const) : []),
  ];
  const fallback: RoomTab = mustSign || room.outcome?.sealed ? 'agreement' : call.inCall ? 'call' : 'chat';
  const tab: RoomTab = chosen !== null && tabs.includes(chosen) ? chosen : fallback;
  const onPhone = (part: RoomTab) => phone && tab === part;
  // On a phone the open tab is drawn first and the closed ones just after, in a transition React may
  // interrupt, so that entering the room is not one long task on a slow phone's CPU. Once drawn they
  // stay (a draft, a scroll position survive switching).
  // Never undrawn: a window narrowed (or a tablet turned) across the phone width keeps every part as
  // it was, an open dialog or a half-written form included.
  const [allDrawn, setAllDrawn] = useState(false);
  if (!allDrawn && !phone) setAllDrawn(true);
  const welcomed = room.welcome !== null;
  useEffect(() => {
    if (phone && welcomed && !allDrawn) startTransition(() => setAllDrawn(true));
  }, [phone, welcomed, allDrawn]);
  const mounted = (part: RoomTab) => allDrawn || tab === part;
  // On a phone the editor (ProseMirror, the heaviest part to start) is set up when the agreement tab is
  // first opened, then kept: the text lives in the shared document, not in the editor, so nothing waits
  // for it and nothing is lost; the room opens on its chat sooner.
  const [editorWanted, setEditorWanted] = useState(false);
  if (!editorWanted && (!phone || tab === 'agreement')) setEditorWanted(true);
  const agreementAway = useChangedWhileAway(
    agreement?.doc ?? null,
    agreement?.provider ?? null,
    phone && tab !== 'agreement',
  );
  const caucusChat = inCaucus && caucus ? caucusChannel(caucus.userId) : null;
  const outcome = room.outcome;
  const tabInputs: TabInputs = {
    chats: [JOINT as Channel, ...(caucusChat ? [caucusChat] : [])].map((channel) => ({
      channel,
      ...channelState(room.chat, channel),
    })),
    me,
    agreementVersion: [
      outcome?.freeze?.fingerprint ?? '',
      outcome?.signers.filter((s) => s.signedAt !== null).length ?? 0,
      outcome?.sealed ? 'sealed' : '',
      negotiation ? negotiationProgress(negotiation) : 0,
      state?.agreementLocked ?? false,
    ].join('|'),
    agreementChangedAway: agreementAway,
    // Who knocks at the waiting room now, and raised hands: what the mediator must answer.
    peopleAttention: isMediator ? room.participants.filter((p) => (!p.admitted && p.online) || p.handRaised).length : 0,
    peopleVersion: String(room.activity.filter((a) => !AGREEMENT_KINDS.has(a.kind)).length),
    inCall: call.peers.length + (call.inCall ? 1 : 0),
  };
  const [seen, setSeen] = useState<TabsSeen>(NOTHING_SEEN);
  const loaded = admitted && negotiation !== null;
  const nextSeen = phone ? markSeen(seen, tab, tabInputs, loaded) : seen;
  // Kept while rendering (React's way to follow derived state): the badges below already use nextSeen.
  if (nextSeen !== seen) setSeen(nextSeen);
  const badges = tabBadges(tab, tabInputs, nextSeen);
  const selectTab = (next: RoomTab) => {
    setChosen(next);
    // The strip stays stuck at the top: a tab opened from further down starts at its own top.
    const strip = document.querySelector('.room-tabs');
    const top = strip ? strip.getBoundingClientRect().top + window.scrollY : 0;
    if (window.scrollY > top) window.scrollTo({ top });
  };

  // A citation opens its item in the evidence panel's viewer; on a phone, in the evidence tab.
  const openCited = (evidenceId: string) => {
    if (phone && evidenceShown) selectTab('evidence');
    openEvidence(evidenceId);
  };

  if (room.status === 'denied') {
    return (
      <section className="page-message">
        {/* Removed: the link is revoked, so reopening it cannot help; a new one comes from the mediator. */}
        <p role="alert" data-testid="room-denied">
          {room.deniedReason === 'NOT_A_MEMBER' ? t('room.removed') : t('room.notFound')}
        </p>
        <button type="button" onClick={() => navigate('/')}>
          {t('room.leave')}
        </button>
      </section>
    );
  }

  const connection = (
    <ConnectionBar
      room={room.status === 'waiting' ? 'connected' : room.status}
      doc={admitted ? (agreement?.status ?? null) : 'connected'}
      // Nothing to save until the agreement is open (in the waiting room it never is).
      saved={agreement ? agreement.saved : admitted ? false : null}
      pending={room.unsent}
    />
  );

  // Until the server's welcome (title, phase, who is here) the room is not drawn in pieces: each piece
  // arriving would push the others down the phone's screen. Offline, what this device kept is shown.
  if (room.status === 'connecting') {
    return (
      <div className="room">
        <header className="room-header">
          <h1 className="case-title">{t('app.tagline')}</h1>
          {connection}
        </header>
        <p className="page-message" role="status" data-testid="room-entering">
          {t('room.entering')}
        </p>
      </div>
    );
  }

  if (room.lobby && room.status === 'waiting') {
    return (
      <div className="room">
        <header className="room-header">
          <h1 className="case-title">{room.lobby.title}</h1>
          {connection}
        </header>
        <LobbyView lobby={room.lobby} />
      </div>
    );
  }

  return (
    <div className="room">
      <header className="room-header">
        <div>
          <h1 className="case-title" lang={room.welcome?.language}>
            {room.welcome?.title ?? t('app.tagline')}
          </h1>
          {room.welcome && <p className="muted">{t('room.caseLabel', { number: room.welcome.caseNumber })}</p>}
          <RightsLink caseId={caseId} token={token} />
          {/* Below the three columns on a desktop: one jump away from the top (on a phone, its tab). */}
          {evidenceShown && !phone && (
            <a className="link evidence-jump" href="#room-evidence" data-testid="evidence-jump">
              {t('evidence.jump')}
            </a>
          )}
        </div>
        {connection}
      </header>
      {state && <RoomBanner state={state} me={me} mine={mine} />}
      {phone && <RoomTabs tabs={tabs} active={tab} badges={badges} onSelect={selectTab} />}
      {callShown && you && (
        <div className="room-call" {...tabPanelProps(phone, 'call', tab)}>
          <CallPanel call={call} me={me} myName={you.displayName} myRole={you.role} caucus={callCaucus} />
        </div>
      )}
      <div className={phone ? `room-grid room-tabbed room-tab-${tab}` : 'room-grid'}>
        <div className="side" {...tabPanelProps(phone, 'people', tab)}>
          {mounted('people') && (
            <>
              <ParticipantsPanel participants={room.participants} typing={room.typing(JOINT)} me={room.me} />
              {isParty && state?.phase !== 'concluded' && (
                <button
                  type="button"
                  className="hand"
                  data-testid="raise-hand"
                  aria-pressed={mine?.handRaised ?? false}
                  onClick={() => void room.command('hand:raise', { raised: !(mine?.handRaised ?? false) })}
                >
                  {mine?.handRaised ? t('hand.lower') : t('hand.raise')}
                </button>
              )}
              {isMediator && state && state.phase !== 'concluded' && (
                <>
                  <ModeratorPanel room={room} state={state} problems={problems} termsClause={termsClause} />
                  <InviteRecovery
                    caseId={caseId}
                    token={token}
                    // Read again only when who is removed or which link is current may have changed.
                    version={room.activity.filter((a) => LINK_KINDS.has(a.kind)).length}
                  />
                  {!room.outcome?.sealed && (
                    <section className="panel">
                      <EndWithoutAgreement room={room} signatures={signatures} />
                    </section>
                  )}
                </>
              )}
              {isParty && <NewPinNotice caseId={caseId} token={token} me={me} activity={room.activity} />}
              <RoomHardship room={room} caseId={caseId} token={token} role={myRole} />
              <ActivityFeed entries={room.activity} timeZone={room.welcome?.timeZone ?? DEFAULT_TIME_ZONE} />
            </>
          )}
        </div>
        <div className="conversation" {...tabPanelProps(phone, 'chat', tab)}>
          {mounted('chat') && (
            <>
              <ChatPanel
                room={room}
                channel={JOINT}
                active={!phone || onPhone('chat')}
                canWrite={canChat}
                cite={{ caseId, token, onOpenEvidence: openCited }}
                title={t('chat.title')}
                readOnlyHint={
                  mine?.muted ? t('banner.muted') : state?.phase === 'concluded' ? t('room.ended') : t('room.readOnly')
                }
              />
              {inCaucus && caucus && (
                <CaucusPanel
                  room={room}
                  caseId={caseId}
                  token={token}
                  partyUserId={caucus.userId}
                  partyName={caucus.displayName}
                  isMediator={isMediator}
                  caret={caret}
                  active={!phone || onPhone('chat')}
                  onOpenEvidence={openCited}
                />
              )}
              {isMediator && (
                <MediatorNotebook
                  room={room}
                  caseId={caseId}
                  token={token}
                  caret={caret}
                  editable={state?.phase !== 'concluded'}
                />
              )}
              <PastCaucuses
                room={room}
                caseId={caseId}
                token={token}
                isMediator={isMediator}
                caret={caret}
                caucuses={room.caucuses}
              />
            </>
          )}
        </div>
        <div className="agreement-col" {...tabPanelProps(phone, 'agreement', tab)}>
          {mounted('agreement') && (
            <>
              <section className="panel agreement" aria-labelledby="agreement-title">
                <h2 id="agreement-title">{t('agreement.title')}</h2>
                {room.outcome && (room.outcome.freeze ?? room.outcome.sealed) && room.welcome && (
                  <SigningPanel
                    room={room}
                    status={room.outcome}
                    caseId={caseId}
                    caseNumber={room.welcome.caseNumber}
                    language={room.welcome.language}
                    doc={agreement?.doc ?? null}
                    isStaff={staffSession()?.user.id === me}
                    token={token}
                  />
                )}

                {agreement?.changeRefused && (
                  <p className="warning" role="status" data-testid="change-refused">
                    {t('agreement.changeRefused')}
                  </p>
                )}
                {agreement?.ready && !textShown && (
                  <>
                    {room.outcome?.sealed && (
                      <p className="warning" data-testid="draft-not-agreed">
                        {t('signing.draftNotAgreed')}
                      </p>
                    )}
                    {editorWanted && (
                      <AgreementEditor
                        doc={agreement.doc}
                        provider={agreement.provider}
                        user={caret}
                        editable={canEdit}
                        cite={{ caseId, token, onOpenEvidence: openCited }}
                      />
                    )}
                    <TermsPanel
                      doc={agreement.doc}
                      editable={canEdit}
                      history={room.termsLast}
                      activity={room.activity}
                      me={room.me}
                      timeZone={room.welcome?.timeZone ?? DEFAULT_TIME_ZONE}
                      caseId={caseId}
                      token={token}
                    />
                  </>
                )}
              </section>
              {/* The parties' survey once the session has ended, under the sealed outcome. */}
              {isParty && state?.phase === 'concluded' && (
                <SurveyCard caseId={caseId} token={token} version={state.phase} />
              )}
              {isMediator && admitted && (
                <AssistantPanel
                  caseId={caseId}
                  token={token}
                  // Whether a clause can go in now, and what the proposal is made from, change with these.
                  version={`${state?.phase ?? ''}|${String(state?.agreementLocked ?? false)}|${hardships}|${added}`}
                  timeZone={room.welcome?.timeZone ?? DEFAULT_TIME_ZONE}
                />
              )}
              {admitted && room.welcome && (
                <NegotiationPanel
                  room={room}
                  doc={readyDoc}
                  clauses={clauses}
                  caseId={caseId}
                  caseNumber={room.welcome.caseNumber}
                  language={room.welcome.language}
                  timeZone={room.welcome.timeZone}
                  partyRole={myRole === 'customer' || myRole === 'platform' ? myRole : null}
                  // Consent, offers and rounds change nothing once the text is frozen for signing or the case is over.
                  mayAct={!textShown && state?.phase !== 'concluded'}
                  isMediator={isMediator}
                  provenance={provenance}
                />
              )}
            </>
          )}
        </div>
        {evidenceShown && (
          // The case's facts together: the evidence, and the documents asked of the lender (which become evidence).
          <div className="evidence-col" id="room-evidence" {...tabPanelProps(phone, 'evidence', tab)}>
            {mounted('evidence') && (
              <>
                <EvidencePanel room={room} caseId={caseId} token={token} me={me} role={myRole} />
                <RoomDocumentsLazy room={room} caseId={caseId} token={token} role={myRole} />
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
