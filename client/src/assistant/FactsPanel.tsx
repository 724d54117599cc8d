import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FEE_KINDS, moneyShort, type AssistantView, type Fact } from '@accord/shared';
import { centsToYuan, factWords, percentWords, segments, uiLanguage, yuanToCents } from './words';

type MarkedFact = AssistantView['facts'][number];

/**
 * The complaint as the customer wrote it, each fact's span highlighted, and beside it the facts in
 * plain words; the mediator corrects a fact's value or removes it (the span stays where it was read).
 */
export function FactsPanel({
  view,
  mayDecide,
  busy,
  onFacts,
}: {
  view: AssistantView;
  mayDecide: boolean;
  busy: boolean;
  /** Saves the whole list (null: back to the facts as read). */
  onFacts: (facts: Fact[] | null) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const lang = uiLanguage(i18n.language);
  const [editing, setEditing] = useState<number | null>(null);
  const [focus, setFocus] = useState<number | null>(null);
  const facts = view.facts.map((f) => f.fact);
  const { text, sections } = view.complaint;

  const replace = async (index: number, fact: Fact | null) => {
    const next = facts.flatMap((f, i) => (i !== index ? [f] : fact ? [fact] : []));
    if (await onFacts(next)) setEditing(null);
  };

  return (
    <div className="assistant-facts">
      <h3>{t('assistant.complaint')}</h3>
      <div className="complaint-text" lang={view.language} data-testid="assistant-complaint">
        {/* A part the customer left empty (the demo has no desired outcome) is not shown. */}
        {sections
          .filter((section) => section.end > section.start)
          .map((section) => (
            <div key={section.part} className="complaint-part">
              <span className="muted complaint-label" lang={lang}>
                {t(`assistant.parts.${section.part}`)}
              </span>
              <p>
                {segments(facts, section.start, section.end).map((s) =>
                  s.fact === null ? (
                    <span key={s.start}>{text.slice(s.start, s.end)}</span>
                  ) : (
                    <mark
                      key={s.start}
                      className={focus === s.fact ? 'fact-span focused' : 'fact-span'}
                      data-testid={`fact-span-${s.fact}`}
                      title={factWords(t, facts[s.fact] as Fact, lang)}
                    >
                      {text.slice(s.start, s.end)}
                    </mark>
                  ),
                )}
              </p>
            </div>
          ))}
      </div>
      <p data-testid="assistant-form-amount">
        {t('assistant.formAmount', { amount: moneyShort(view.form.amountInDisputeCents, lang) })}
      </p>
      <h3>{t('assistant.facts')}</h3>
      {view.facts.length === 0 && <p className="muted">{t('assistant.noFacts')}</p>}
      <ol className="fact-list" data-testid="assistant-facts">
        {view.facts.map((f, i) => (
          <li
            key={`${f.fact.span.start}-${i}`}
            data-testid={`fact-${i}`}
            data-kind={f.fact.kind}
            onMouseEnter={() => setFocus(i)}
            onMouseLeave={() => setFocus(null)}
          >
            {editing === i ? (
              <FactForm
                fact={f.fact}
                busy={busy}
                onSave={(fact) => void replace(i, fact)}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <FactRow
                marked={f}
                lang={lang}
                mayDecide={mayDecide}
                busy={busy}
                onEdit={() => setEditing(i)}
                onRemove={() => void replace(i, null)}
              />
            )}
          </li>
        ))}
      </ol>
      {view.factsCorrected && (
        <p className="muted">
          {t('assistant.factsCorrected')}{' '}
          {mayDecide && (
            <button
              type="button"
              className="link"
              disabled={busy}
              data-testid="facts-restore"
              onClick={() => void onFacts(null)}
            >
              {t('assistant.restore')}
            </button>
          )}
        </p>
      )}
    </div>
  );
}

function FactRow({
  marked,
  lang,
  mayDecide,
  busy,
  onEdit,
  onRemove,
}: {
  marked: MarkedFact;
  lang: 'zh-CN' | 'en';
  mayDecide: boolean;
  busy: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { fact, corrected } = marked;
  return (
    <div className="fact-row">
      <span>
        <span className="fact-kind">{t(`assistant.kinds.${fact.kind}`)}</span>{' '}
        <strong data-testid="fact-words">{factWords(t, fact, lang)}</strong>{' '}
        {corrected && <span className="badge">{t('assistant.corrected')}</span>}{' '}
        <span className="muted">{t('assistant.readFrom', { text: fact.span.text })}</span>
      </span>
      {mayDecide && (
        <span className="button-row">
          <button type="button" className="secondary" disabled={busy} onClick={onEdit} data-testid="fact-edit">
            {t('assistant.correct')}
          </button>
          <button type="button" className="link" disabled={busy} onClick={onRemove} data-testid="fact-remove">
            {t('assistant.remove')}
          </button>
        </span>
      )}
    </div>
  );
}

/** One fact's value, by kind; its span (where it was read) does not change. */
function FactForm({
  fact,
  busy,
  onSave,
  onCancel,
}: {
  fact: Fact;
  busy: boolean;
  onSave: (fact: Fact) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState(() => initial(fact));
  const [period, setPeriod] = useState(fact.kind === 'rate' ? fact.period : 'annual');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = parse(fact, value.trim(), period);
    setInvalid(next === null);
    if (next) onSave(next);
  };
  const field =
    fact.kind === 'amount'
      ? t('assistant.fields.yuan')
      : fact.kind === 'date'
        ? t('assistant.fields.date')
        : fact.kind === 'rate'
          ? t('assistant.fields.percent')
          : fact.kind === 'fee'
            ? t('assistant.fields.fee')
            : t('assistant.fields.value');
  return (
    <form className="fact-form" onSubmit={submit} data-testid="fact-form">
      <label>
        {field}
        {fact.kind === 'fee' ? (
          <select value={value} onChange={(e) => setValue(e.target.value)} data-testid="fact-value">
            {FEE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`assistant.fees.${k}`)}
              </option>
            ))}
          </select>
        ) : (
          <input
            type={fact.kind === 'date' ? 'date' : 'text'}
            inputMode={fact.kind === 'amount' || fact.kind === 'rate' ? 'decimal' : undefined}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={invalid}
            data-testid="fact-value"
          />
        )}
      </label>
      {fact.kind === 'rate' && (
        <label>
          {t('assistant.fields.period')}
          <select value={period} onChange={(e) => setPeriod(e.target.value as typeof period)}>
            {(['annual', 'monthly', 'daily'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`assistant.periods.${p}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="button-row">
        <button type="submit" disabled={busy} data-testid="fact-save">
          {t('assistant.save')}
        </button>
        <button type="button" className="link" onClick={onCancel}>
          {t('assistant.cancel')}
        </button>
      </div>
    </form>
  );
}

function initial(fact: Fact): string {
  switch (fact.kind) {
    case 'amount':
      return centsToYuan(fact.cents);
    case 'date':
      return fact.date;
    case 'rate':
      return percentWords(fact.percent);
    case 'fee':
      return fact.fee;
    case 'reference':
      return fact.value;
  }
}

function parse(fact: Fact, value: string, period: 'annual' | 'monthly' | 'daily'): Fact | null {
  switch (fact.kind) {
    case 'amount': {
      const cents = yuanToCents(value);
      return cents === null ? null : { ...fact, cents };
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? { ...fact, date: value } : null;
    case 'rate': {
      const percent = Number(value.replace('%', ''));
      return value !== '' && Number.isFinite(percent) && percent >= 0 && percent <= 10_000
        ? { ...fact, period, percent }
        : null;
    }
    case 'fee': {
      const fee = FEE_KINDS.find((k) => k === value);
      return fee ? { ...fact, fee } : null;
    }
    case 'reference':
      return value.length > 0 && value.length <= 100 ? { ...fact, value } : null;
  }
}
