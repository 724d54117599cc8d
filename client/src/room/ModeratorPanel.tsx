import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  PHASE_TRANSITIONS,
  isParty as isPartyRole,
  type ErrorBody,
  type Participant,
  type Phase,
  type RoomState,
  type SignoffProblem,
} from '@accord/shared';
import type { RoomApi } from './useRoom';
import { ErrorText } from '../app/ErrorText';
import { useConfirm, type ConfirmOptions } from '../app/ConfirmDialog';
import { problemId, problemText } from '../outcome/useSignoffProblems';
import { errorMessage } from '../app/errors';

type PhaseChoice = Exclude<Phase, 'caucus' | 'concluded'>;

/**
 * The mediator's controls: phase, waiting room, participants, agreement lock, announcement, settings.
 * `concluded` is no phase button: a session ends by sealing its outcome (signing, or ending without
 * agreement), which the panel says. `problems` is what the settlement rules still miss (null: unknown).
 */
export function ModeratorPanel({
  room,
  state,
  problems,
  termsClause,
}: {
  room: RoomApi;
  state: RoomState;
  problems: SignoffProblem[] | null;
  /** The number of the clause holding the settlement terms (it is named as such in the problems). */
  termsClause?: number;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const { confirm, dialog } = useConfirm();
  const run = async (p: Promise<ErrorBody | null>) => {
    const failure = await p;
    setError(failure ? t('moderation.failed', { message: errorMessage(t, failure) }) : null);
  };
  const waiting = room.participants.filter((p) => !p.admitted);
  const inRoom = room.participants.filter((p) => p.admitted && p.userId !== room.me);
  const nextPhases = PHASE_TRANSITIONS[state.phase].filter(
    (p): p is PhaseChoice => p !== 'caucus' && p !== 'concluded',
  );
  const signatures = room.outcome?.freeze ? room.outcome.signers.filter((s) => s.signedAt !== null).length : 0;
  const notReady = problems !== null && problems.length > 0;
  const movePhase = async (phase: PhaseChoice) => {
    // Leaving signing voids every signature given: asked first when there is one.
    if (state.phase === 'signing' && signatures > 0) {
      const ok = await confirm({
        title: t('moderation.backTitle'),
        body: <p>{t('moderation.backBody', { count: signatures })}</p>,
        confirm: t('moderation.backConfirm'),
        danger: true,
      });
      if (!ok) return;
    }
    await run(room.command('room:phase', { phase }));
  };

  const submitPin = (e: FormEvent) => {
    e.preventDefault();
    if (!pin.trim()) return;
    void run(room.command('room:pin', { text: pin.trim() })).then(() => setPin(''));
  };

  return (
    <section className="panel moderation" aria-labelledby="moderation-title" data-testid="moderation">
      <h2 id="moderation-title">{t('moderation.title')}</h2>
      <ErrorText error={error} />

      <div className="control-group">
        <span className="label">{t('moderation.phase')}</span>
        <div className="button-row">
          {nextPhases.map((phase) => (
            <button
              key={phase}
              type="button"
              data-testid={`phase-${phase}`}
              disabled={phase === 'signing' && notReady}
              aria-describedby={phase === 'signing' && notReady ? 'signoff-missing' : undefined}
              onClick={() => void movePhase(phase)}
            >
              {t(`phases.${phase}`)}
            </button>
          ))}
          {state.phase === 'caucus' && (
            <button type="button" data-testid="close-caucus" onClick={() => void run(room.command('caucus:close', {}))}>
              {t('moderation.closeCaucus', { phase: t(`phases.${state.caucus?.returnTo ?? 'joint'}`) })}
            </button>
          )}
        </div>
        {nextPhases.includes('signing') && problems && problems.length > 0 && (
          <div id="signoff-missing" data-testid="signoff-missing">
            <span className="label">{t('moderation.notReady')}</span>
            <ul className="signoff-missing">
              {problems.map((p) => (
                <li key={problemId(p)}>{problemText(t, p, termsClause)}</li>
              ))}
            </ul>
          </div>
        )}
        <p className="muted hint">{t('signing.howToEnd')}</p>
      </div>

      <div className="control-group" data-testid="waiting-list">
        <span className="label">{t('moderation.waiting')}</span>
        {waiting.length === 0 ? (
          <p className="muted">{t('moderation.noneWaiting')}</p>
        ) : (
          <>
            <ul>
              {waiting.map((p) => (
                <li key={p.userId}>
                  {p.displayName} · {t(`roles.${p.role}`)} {p.online ? '' : `(${t('room.offline')})`}
                  <button
                    type="button"
                    data-testid={`admit-${p.role}`}
                    onClick={() => void run(room.command('lobby:admit', { userId: p.userId }))}
                  >
                    {t('moderation.admit')}
                  </button>
                </li>
              ))}
            </ul>
            <button
              type="button"
              data-testid="admit-all"
              onClick={() => void run(room.command('lobby:admit', { all: true }))}
            >
              {t('moderation.admitAll')}
            </button>
          </>
        )}
      </div>

      <div className="control-group">
        <span className="label">{t('moderation.participants')}</span>
        <ul className="member-controls">
          {inRoom.map((p) => (
            <MemberControls
              key={p.userId}
              p={p}
              room={room}
              state={state}
              run={run}
              confirm={confirm}
              signatures={signatures}
            />
          ))}
        </ul>
      </div>

      <div className="control-group button-row">
        <button
          type="button"
          data-testid="lock"
          onClick={() => void run(room.command('agreement:lock', { locked: !state.agreementLocked }))}
        >
          {state.agreementLocked ? t('moderation.unlock') : t('moderation.lock')}
        </button>
      </div>

      <form className="control-group pin-form" onSubmit={submitPin}>
        <label htmlFor="pin-input">{t('moderation.pinLabel')}</label>
        <input id="pin-input" value={pin} maxLength={1000} onChange={(e) => setPin(e.target.value)} />
        <div className="button-row">
          <button type="submit" disabled={!pin.trim()}>
            {t('moderation.pin')}
          </button>
          {state.pinned && (
            <button type="button" onClick={() => void run(room.command('room:pin', { text: null }))}>
              {t('moderation.unpin')}
            </button>
          )}
        </div>
      </form>

      <fieldset className="control-group settings">
        <label>
          <input
            type="checkbox"
            checked={state.lobby}
            onChange={(e) => void run(room.command('room:settings', { lobby: e.target.checked }))}
          />{' '}
          {t('moderation.lobbySetting')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={state.quietOpening}
            onChange={(e) => void run(room.command('room:settings', { quietOpening: e.target.checked }))}
          />{' '}
          {t('moderation.quietSetting')}
        </label>
      </fieldset>
      {dialog}
    </section>
  );
}

function MemberControls({
  p,
  room,
  state,
  run,
  confirm,
  signatures,
}: {
  p: Participant;
  room: RoomApi;
  state: RoomState;
  run: (p: Promise<ErrorBody | null>) => Promise<void>;
  confirm: (options: ConfirmOptions) => Promise<boolean>;
  signatures: number;
}) {
  const { t } = useTranslation();
  const isParty = isPartyRole(p.role);
  const inCaucus = state.caucus?.userId === p.userId;
  return (
    <li data-testid={`controls-${p.role}`}>
      <span className="name">
        {p.displayName} · {t(`roles.${p.role}`)}
      </span>
      <span className="button-row">
        {isParty && !inCaucus && (
          <button
            type="button"
            data-testid={`caucus-${p.role}`}
            onClick={() => void run(room.command('caucus:open', { userId: p.userId }))}
          >
            {t('moderation.openCaucus')}
          </button>
        )}
        {p.role !== 'mediator' && (
          <button
            type="button"
            data-testid={`mute-${p.role}`}
            onClick={() => void run(room.command('moderation:mute', { userId: p.userId, muted: !p.muted }))}
          >
            {p.muted ? t('moderation.unmute') : t('moderation.mute')}
          </button>
        )}
        {p.handRaised && (
          <button type="button" onClick={() => void run(room.command('hand:lower', { userId: p.userId }))}>
            {t('moderation.lowerHand')}
          </button>
        )}
        {p.role !== 'mediator' && p.role !== 'admin' && (
          <button
            type="button"
            className="danger"
            data-testid={`remove-${p.role}`}
            onClick={() =>
              void confirm({
                title: t('moderation.removeTitle', { name: p.displayName }),
                body: (
                  <>
                    <p>{t('moderation.removeConfirm', { name: p.displayName })}</p>
                    {state.phase === 'signing' && (
                      <p className="warning">{t('moderation.removeDuringSigning', { count: signatures })}</p>
                    )}
                  </>
                ),
                confirm: t('moderation.remove'),
                danger: true,
              }).then((ok) => (ok ? run(room.command('moderation:remove', { userId: p.userId })) : undefined))
            }
          >
            {t('moderation.remove')}
          </button>
        )}
      </span>
    </li>
  );
}
