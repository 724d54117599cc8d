import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  PROPOSAL_CLAUSE_MAX,
  moneyShort,
  type AssistantView,
  type ProposalAction,
  type ProposalItem,
  type ReferenceRule,
} from '@accord/shared';
import { useConfirm } from '../app/ConfirmDialog';
import { formatDateTime } from '../app/format';
import { uiLanguage } from './words';

export type Decide = (itemId: string, action: ProposalAction, text?: string) => Promise<boolean>;

/**
 * The first proposal: each clause with its computed amounts (and how), the rules it refers to, and
 * the mediator's accept / edit / drop; below, the rules with their sources and the proposal's
 * disclaimer (reference, not legal advice), in the case's language.
 */
export function ProposalPanel({
  view,
  busy,
  timeZone,
  onDecide,
}: {
  view: AssistantView;
  busy: boolean;
  timeZone: string;
  onDecide: Decide;
}) {
  const { t } = useTranslation();
  const { proposal } = view;
  const rules = new Map(proposal.rules.map((r) => [r.id, r]));
  return (
    <div className="assistant-proposal">
      <h3>{t('assistant.proposal')}</h3>
      <p className="muted hint">{t('assistant.proposalIntro')}</p>
      {view.mayDecide && !view.agreementOpen && (
        <p className="warning" role="status" data-testid="assistant-closed">
          {t('assistant.closed')}
        </p>
      )}
      {!view.mayDecide && <p className="muted">{t('assistant.readOnly')}</p>}
      {proposal.items.length === 0 && <p className="muted">{t('assistant.noItems')}</p>}
      <ol className="proposal-items">
        {proposal.items.map((item) => (
          <ProposalClause
            key={item.id}
            view={view}
            item={item}
            rules={rules}
            busy={busy}
            timeZone={timeZone}
            onDecide={onDecide}
          />
        ))}
      </ol>
      {proposal.rules.length > 0 && (
        <div className="proposal-rules" data-testid="assistant-rules">
          <h4>{t('assistant.rules')}</h4>
          <ul>
            {proposal.rules.map((r) => (
              <li key={r.id} lang={view.language}>
                {r.summary}
                <br />
                <span className="muted">
                  {t('assistant.source', { source: sourceText(r, t('app.listSeparator')) })}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="disclaimer" lang={view.language} data-testid="assistant-disclaimer">
        {proposal.disclaimer}
      </p>
    </div>
  );
}

function ProposalClause({
  view,
  item,
  rules,
  busy,
  timeZone,
  onDecide,
}: {
  view: AssistantView;
  item: ProposalItem;
  rules: Map<string, ReferenceRule>;
  busy: boolean;
  timeZone: string;
  onDecide: Decide;
}) {
  const { t, i18n } = useTranslation();
  const { confirm, dialog } = useConfirm();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(item.text);
  const lang = uiLanguage(i18n.language);
  const decision = view.decisions.filter((d) => d.itemId === item.id).at(-1) ?? null;
  const canAct = view.mayDecide && decision?.action !== 'accepted' && decision?.action !== 'edited';
  const canWrite = canAct && view.agreementOpen && !busy;

  const drop = async () => {
    const ok = await confirm({
      title: t('assistant.dropTitle'),
      body: t('assistant.dropBody', { heading: item.heading }),
      confirm: t('assistant.dropConfirm'),
      danger: true,
    });
    if (ok) await onDecide(item.id, 'dropped');
  };
  const itemRules = item.ruleIds.flatMap((id) => {
    const r = rules.get(id);
    return r ? [r.source.title + (r.source.article ? ` ${r.source.article}` : '')] : [];
  });

  return (
    <li className="proposal-item" data-testid={`proposal-${item.id}`} data-decision={decision?.action ?? 'none'}>
      <h4 lang={view.language}>{item.heading}</h4>
      {editing ? (
        <label className="stack">
          <span className="muted">{t('assistant.clauseText')}</span>
          <textarea
            rows={4}
            lang={view.language}
            maxLength={PROPOSAL_CLAUSE_MAX}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="proposal-text"
          />
        </label>
      ) : (
        <p className="proposal-text" lang={view.language}>
          {decision && decision.action !== 'dropped' ? decision.text : item.text}
        </p>
      )}
      {item.amounts.length > 0 && (
        <ul className="proposal-amounts">
          {item.amounts.map((a) => (
            <li key={a.label} lang={view.language}>
              {t('assistant.amountBasis', {
                label: a.label,
                amount: moneyShort(a.cents, view.language),
                basis: a.basis,
              })}
            </li>
          ))}
        </ul>
      )}
      {itemRules.length > 0 && (
        <p className="muted small-text" lang={view.language}>
          {t('assistant.rulesOfItem', { rules: itemRules.join(t('app.listSeparator')) })}
        </p>
      )}
      {decision && (
        <p className={decision.action === 'dropped' ? 'muted' : 'ok'} data-testid="proposal-decided">
          {t(`assistant.decided.${decision.action}`, {
            name: decision.by,
            when: formatDateTime(decision.at, lang, timeZone),
          })}
        </p>
      )}
      {canAct && (
        <div className="button-row">
          {editing ? (
            <>
              <button
                type="button"
                disabled={!canWrite || text.trim() === ''}
                data-testid="proposal-accept-edited"
                onClick={() => {
                  // Unchanged, it is the proposal's clause as it stands: accepted, not edited.
                  const same = text.trim() === item.text.trim();
                  void (same ? onDecide(item.id, 'accepted') : onDecide(item.id, 'edited', text)).then(
                    (ok) => ok && setEditing(false),
                  );
                }}
              >
                {t('assistant.acceptEdited')}
              </button>
              <button type="button" className="link" onClick={() => setEditing(false)}>
                {t('assistant.cancel')}
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                disabled={!canWrite}
                data-testid="proposal-accept"
                onClick={() => void onDecide(item.id, 'accepted')}
              >
                {t('assistant.accept')}
              </button>
              <button
                type="button"
                className="secondary"
                disabled={!canWrite}
                data-testid="proposal-edit"
                onClick={() => {
                  setText(item.text);
                  setEditing(true);
                }}
              >
                {t('assistant.edit')}
              </button>
              {decision?.action !== 'dropped' && (
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  data-testid="proposal-drop"
                  onClick={() => void drop()}
                >
                  {t('assistant.drop')}
                </button>
              )}
            </>
          )}
        </div>
      )}
      {dialog}
    </li>
  );
}

/** A rule's source as a citation: title, issuer, article, year. */
function sourceText(r: ReferenceRule, separator: string): string {
  const { title, issuer, article, year } = r.source;
  return [title, issuer, article, year === null ? null : String(year)].filter((x) => x).join(separator);
}
