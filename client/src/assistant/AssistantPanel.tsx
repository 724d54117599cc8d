import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DisputeType, type AssistantView, type Fact, type ProposalAction } from '@accord/shared';
import { ApiError, api } from '../app/api';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';
import { FactsPanel } from './FactsPanel';
import { ProposalPanel } from './ProposalPanel';
import { confidenceWords, uiLanguage } from './words';

/**
 * The mediator's assistant: the complaint with its facts (correctable), the kind of dispute with how
 * sure the assistant is (correctable), and the first proposal, each clause accepted, edited or
 * dropped into the agreement. Shown to whoever the server lets read it (the case's mediator, the
 * centre's staff); for anyone else it shows nothing.
 */
export function AssistantPanel({
  caseId,
  token,
  version = '',
  timeZone = DEFAULT_TIME_ZONE,
  open = true,
}: {
  caseId: string;
  token: string;
  /** Read the view again when this changes (the room's phase or lock, a hardship declared, a clause added). */
  version?: string;
  timeZone?: string;
  /** Whether the panel starts unfolded. */
  open?: boolean;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const [view, setView] = useState<AssistantView | null>(null);
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/assistant', { token, params: { caseId } })
      .then((v) => {
        if (!live) return;
        setView(v);
        setHidden(false);
      })
      .catch((err: unknown) => {
        if (!live) return;
        // Not this person's to read (a lender's staff on the case page): no panel at all.
        if (err instanceof ApiError && (err.code === 'FORBIDDEN' || err.code === 'NOT_FOUND')) setHidden(true);
        else setError(errorMessage(t, err));
      });
    return () => {
      live = false;
    };
  }, [caseId, token, version, reload, t]);

  const correct = useCallback(
    async (patch: { type?: DisputeType | null; facts?: Fact[] | null }): Promise<boolean> => {
      if (!view) return false;
      setBusy(true);
      try {
        const next = await api('PUT /api/cases/:caseId/assistant/corrections', {
          token,
          params: { caseId },
          body: {
            type: patch.type !== undefined ? patch.type : view.correctedType,
            facts: patch.facts !== undefined ? patch.facts : view.factsCorrected ? view.facts.map((f) => f.fact) : null,
          },
        });
        setView(next);
        setError(null);
        return true;
      } catch (err) {
        setError(t('assistant.failed', { message: errorMessage(t, err) }));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [view, token, caseId, t],
  );

  const decide = useCallback(
    async (itemId: string, action: ProposalAction, text?: string): Promise<boolean> => {
      setBusy(true);
      try {
        await api('POST /api/cases/:caseId/assistant/decisions', {
          token,
          params: { caseId },
          body: text === undefined ? { itemId, action } : { itemId, action, text },
        });
        setError(null);
        setReload((n) => n + 1);
        return true;
      } catch (err) {
        setError(t('assistant.failed', { message: errorMessage(t, err) }));
        // What changed meanwhile (a clause already added, the room's phase) is read again.
        setReload((n) => n + 1);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [token, caseId, t],
  );

  if (hidden) return null;
  return (
    <section className="panel assistant" aria-labelledby={titleId} data-testid="assistant">
      <details open={open}>
        <summary>
          <h2 id={titleId}>{t('assistant.title')}</h2>
        </summary>
        <p className="muted hint">{t('assistant.intro')}</p>
        <ErrorText error={error} />
        {!view ? (
          <p className="muted" role="status">
            {t('assistant.loading')}
          </p>
        ) : (
          <>
            <TypeSection view={view} busy={busy} timeZone={timeZone} onType={(type) => correct({ type })} />
            <FactsPanel view={view} mayDecide={view.mayDecide} busy={busy} onFacts={(facts) => correct({ facts })} />
            <ProposalPanel view={view} busy={busy} timeZone={timeZone} onDecide={decide} />
          </>
        )}
      </details>
    </section>
  );
}

function TypeSection({
  view,
  busy,
  timeZone,
  onType,
}: {
  view: AssistantView;
  busy: boolean;
  timeZone: string;
  onType: (type: DisputeType | null) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const selectId = useId();
  const lang = uiLanguage(i18n.language);
  return (
    <div className="assistant-type" data-testid="assistant-type" data-type={view.type}>
      <h3>{t('assistant.type')}</h3>
      <p>
        {t('assistant.typeModel', {
          type: t(`assistant.types.${view.model.type}`),
          confidence: confidenceWords(t, view.model.probability),
        })}
        {view.correctedType && (
          <>
            {' '}
            <strong>{t('assistant.typeCorrected', { type: t(`assistant.types.${view.correctedType}`) })}</strong>
          </>
        )}
      </p>
      {view.mayDecide && (
        <p className="type-select">
          <label htmlFor={selectId}>{t('assistant.typeSelect')}</label>{' '}
          <select
            id={selectId}
            value={view.correctedType ?? ''}
            disabled={busy}
            data-testid="assistant-type-select"
            onChange={(e) => void onType(e.target.value === '' ? null : DisputeType.parse(e.target.value))}
          >
            <option value="">{t('assistant.typeAsModel', { type: t(`assistant.types.${view.model.type}`) })}</option>
            {DisputeType.options.map((type) => (
              <option key={type} value={type}>
                {t(`assistant.types.${type}`)}
              </option>
            ))}
          </select>
        </p>
      )}
      {view.corrections && (
        <p className="muted small-text">
          {t('assistant.lastCorrected', {
            name: view.corrections.by,
            when: formatDateTime(view.corrections.at, lang, timeZone),
          })}
        </p>
      )}
    </div>
  );
}
