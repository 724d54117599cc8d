import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import {
  AgreementDoc,
  RoundNote,
  SettlementTerms,
  canonicalAgreementText,
  readTermsMap,
  type CaseLanguage,
  type RoundSummary,
  type RoundView,
} from '@accord/shared';
import { useConfirm } from '../app/ConfirmDialog';
import { errorMessage } from '../app/errors';
import { formatDateTime } from '../app/format';
import { termValueText, type TermKey } from '../agreement/terms';
import type { RoomApi } from '../room/useRoom';
import { hasChanges, termChanges, textDiff, withContext, type DiffPart } from './diff';
import { knownRole } from './ConsentPanel';
import { useDocVersion } from './useClauses';

const CURRENT = 'current';

/**
 * Negotiation rounds: the mediator closes one (the server snapshots the text and terms); everyone
 * sees the list, opens any round, and compares two rounds, or a round and the current draft.
 */
export function RoundsPanel({
  room,
  rounds,
  isMediator,
  doc,
  caseNumber,
  language,
  timeZone,
}: {
  room: RoomApi;
  rounds: readonly RoundSummary[];
  /** The mediator may close a round now. */
  isMediator: boolean;
  /** The agreement, for the current draft (null while it loads). */
  doc: Y.Doc | null;
  caseNumber: string;
  /** The case's language, which the canonical text is in. */
  language: CaseLanguage;
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const { confirm, dialog } = useConfirm();
  const { ask } = room;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [views, setViews] = useState<ReadonlyMap<number, RoundView>>(new Map());
  const [open, setOpen] = useState<number | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string>(CURRENT);
  const version = useDocVersion(doc);
  const current = useMemo(() => {
    void version; // recomputed when the document has changed
    return doc
      ? {
          text: canonicalAgreementText(doc, caseNumber, language),
          terms: readTermsMap(doc.getMap(AgreementDoc.terms)),
        }
      : null;
  }, [doc, caseNumber, language, version]);
  const sorted = [...rounds].sort((a, b) => a.n - b.n);
  const last = sorted.at(-1);
  const fromValue = from ?? (last ? String(last.n) : CURRENT);

  /** Rounds asked for and not answered yet: each is asked once at a time. */
  const asking = useRef(new Set<number>());
  // A round's snapshot never changes once closed, so one answer per round is kept for the page's life.
  const fetchRound = useCallback(
    (n: number) => {
      if (asking.current.has(n)) return;
      asking.current.add(n);
      void ask('round:get', { n }).then((res) => {
        asking.current.delete(n);
        if (!res.ok) {
          setError(t('negotiation.failed', { message: errorMessage(t, res.error) }));
          return;
        }
        setError(null);
        setViews((v) => new Map(v).set(n, res.data));
      });
    },
    [ask, t],
  );

  const closeRound = async () => {
    const n = (last?.n ?? 0) + 1;
    const ok = await confirm({
      title: t('negotiation.rounds.confirmTitle', { n }),
      body: <p>{t('negotiation.rounds.confirmBody', { n })}</p>,
      confirm: t('negotiation.rounds.confirmOk', { n }),
    });
    if (!ok) return;
    const res = await ask('round:close', { note: note.trim() });
    if (!res.ok) {
      setError(t('negotiation.failed', { message: errorMessage(t, res.error) }));
      return;
    }
    setError(null);
    setNote('');
  };

  const pick = (value: string): { text: string; terms: SettlementTerms } | null =>
    value === CURRENT ? current : (views.get(Number(value)) ?? null);
  // The rounds being compared are fetched when chosen; the diff shows once both are here.
  useEffect(() => {
    for (const v of [fromValue, to]) if (v !== CURRENT && !views.has(Number(v))) fetchRound(Number(v));
  }, [fromValue, to, views, fetchRound]);
  const a = pick(fromValue);
  const b = pick(to);

  return (
    <div className="rounds-panel">
      {dialog}
      <p className="muted hint">{t('negotiation.rounds.intro')}</p>
      {isMediator && (
        <div className="round-close">
          <label htmlFor="round-note">{t('negotiation.rounds.note')}</label>
          <input
            id="round-note"
            data-testid="round-note"
            value={note}
            maxLength={200}
            onChange={(e) => setNote(e.target.value)}
          />
          <button
            type="button"
            data-testid="round-close"
            disabled={!RoundNote.safeParse(note).success}
            onClick={() => void closeRound()}
          >
            {t('negotiation.rounds.close')}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {sorted.length === 0 ? (
        <p className="muted" data-testid="rounds">
          {t('negotiation.rounds.none')}
        </p>
      ) : (
        <ol className="rounds" data-testid="rounds">
          {sorted.map((r) => {
            const role = knownRole(r.closedBy.role);
            const view = views.get(r.n);
            return (
              <li key={r.n} data-testid={`round-${r.n}`} className="round">
                <div className="round-head">
                  <strong>{t('negotiation.rounds.item', { n: r.n })}</strong>
                  <span className="muted">
                    {t('negotiation.rounds.closedBy', {
                      time: formatDateTime(r.closedAt, i18n.language, timeZone),
                      name: r.closedBy.displayName,
                      role: role ? t(`roles.${role}`) : r.closedBy.role,
                    })}
                  </span>
                  <span className="muted fingerprint" title={r.fingerprint}>
                    {t('negotiation.rounds.fingerprint', { short: r.fingerprint.slice(0, 12) })}
                  </span>
                  <button
                    type="button"
                    className="secondary"
                    data-testid={`round-${r.n}-view`}
                    aria-expanded={open === r.n}
                    onClick={() => {
                      if (open === r.n) setOpen(null);
                      else {
                        setOpen(r.n);
                        if (!views.has(r.n)) fetchRound(r.n);
                      }
                    }}
                  >
                    {open === r.n ? t('negotiation.rounds.hide') : t('negotiation.rounds.view')}
                  </button>
                </div>
                {r.note && <p className="round-note">{r.note}</p>}
                {open === r.n && view && (
                  <div className="round-view" data-testid={`round-${r.n}-content`}>
                    <h4>{t('negotiation.rounds.text', { n: r.n })}</h4>
                    {/* Scrolls on its own when long: focusable, so the keyboard can scroll it too. */}
                    <pre className="round-text" lang={language} tabIndex={0}>
                      {view.text}
                    </pre>
                    <h4>{t('negotiation.rounds.terms', { n: r.n })}</h4>
                    <TermsList terms={view.terms} />
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {sorted.length > 0 && (
        <div className="round-diff" data-testid="round-diff">
          <h4>{t('negotiation.rounds.diff')}</h4>
          <div className="round-diff-pick">
            <label>
              {t('negotiation.rounds.from')}{' '}
              <select data-testid="round-diff-from" value={fromValue} onChange={(e) => setFrom(e.target.value)}>
                <RoundOptions rounds={sorted} />
              </select>
            </label>
            <label>
              {t('negotiation.rounds.to')}{' '}
              <select data-testid="round-diff-to" value={to} onChange={(e) => setTo(e.target.value)}>
                <RoundOptions rounds={sorted} />
              </select>
            </label>
          </div>
          <div data-testid="round-diff-output" className="round-diff-output">
            {a && b ? (
              <DiffOutput before={a} after={b} language={language} />
            ) : (
              <p className="muted">{t('negotiation.loading')}</p>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function RoundOptions({ rounds }: { rounds: readonly RoundSummary[] }) {
  const { t } = useTranslation();
  return (
    <>
      {rounds.map((r) => (
        <option key={r.n} value={String(r.n)}>
          {t('negotiation.rounds.roundOption', { n: r.n })}
        </option>
      ))}
      <option value={CURRENT}>{t('negotiation.rounds.current')}</option>
    </>
  );
}

/** The terms that have a value, each as a sentence-ready value (amounts in yuan, dates in words). */
function TermsList({ terms }: { terms: SettlementTerms }) {
  const { t, i18n } = useTranslation();
  const keys = (Object.keys(SettlementTerms.shape) as TermKey[]).filter((k) => {
    const v = terms[k];
    return v !== null && v !== undefined && v !== '' && v !== false;
  });
  return (
    <dl className="round-terms">
      {keys.map((k) => (
        <div key={k}>
          <dt>{t(`terms.names.${k}`)}</dt>
          <dd>{termValueText(k, terms[k], t, i18n.language)}</dd>
        </div>
      ))}
    </dl>
  );
}

function DiffOutput({
  before,
  after,
  language,
}: {
  before: { text: string; terms: SettlementTerms };
  after: { text: string; terms: SettlementTerms };
  language: CaseLanguage;
}) {
  const { t, i18n } = useTranslation();
  const parts = useMemo(() => textDiff(before.text, after.text), [before.text, after.text]);
  const changes = termChanges(before.terms, after.terms);
  return (
    <>
      {changes.length === 0 ? (
        <p className="muted">{t('negotiation.rounds.termsSame')}</p>
      ) : (
        <>
          <p>{t('negotiation.rounds.termsChanged')}</p>
          <ul className="term-changes">
            {changes.map((c) => (
              <li key={c.key}>
                {t('negotiation.rounds.termChange', {
                  name: t(`terms.names.${c.key}`),
                  from: termValueText(c.key, c.from, t, i18n.language),
                  to: termValueText(c.key, c.to, t, i18n.language),
                })}
              </li>
            ))}
          </ul>
        </>
      )}
      {hasChanges(parts) ? (
        <>
          <p>{t('negotiation.rounds.textChanges')}</p>
          <DiffText parts={parts} lang={language} />
        </>
      ) : (
        <p className="muted">{t('negotiation.rounds.noChange')}</p>
      )}
    </>
  );
}

/** A text diff as marked-up text: insertions in `<ins>`, deletions in `<del>`, long unchanged stretches counted. */
export function DiffText({ parts, lang }: { parts: readonly DiffPart[]; lang?: CaseLanguage }) {
  const { t } = useTranslation();
  return (
    // Scrolls on its own when long: focusable, so the keyboard can scroll it too.
    <div className="diff-text" tabIndex={0}>
      {withContext(parts).map((p, i) =>
        p.kind === 'skip' ? (
          <span key={i} className="diff-skip">
            {t('negotiation.rounds.unchanged', { count: p.lines })}
            {'\n'}
          </span>
        ) : p.kind === 'ins' ? (
          <ins key={i} lang={lang}>
            {p.text}
          </ins>
        ) : p.kind === 'del' ? (
          <del key={i} lang={lang}>
            {p.text}
          </del>
        ) : (
          <span key={i} lang={lang}>
            {p.text}
          </span>
        ),
      )}
    </div>
  );
}
