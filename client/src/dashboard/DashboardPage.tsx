import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DashboardFigures, DurationFigure, SettlementRate } from '@accord/shared';
import { api, urlOf } from '../app/api';
import { errorMessage } from '../app/errors';
import { formatDateTime } from '../app/format';
import { staffSession } from '../app/session';
import { downloadWithToken } from '../app/upload';
import { BarChart, type BarDatum } from './charts';
import { formatHours, formatMean, formatMinutes, formatShare } from './format';
import { DocumentFiguresSection } from '../documents/DocumentFiguresSection';

interface Filters {
  from: string;
  to: string;
  lenderId: string;
}
const NO_FILTERS: Filters = { from: '', to: '', lenderId: '' };

/**
 * The outcomes dashboard: headline figures, charts, the parties' survey answers in aggregate and
 * each session's caucus balance, with date and lender filters and the CSV. The centre's admins and
 * reviewers see every lender; a lender's staff see their own lender's cases (the server decides).
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const token = staffSession()?.token;
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [figures, setFigures] = useState<DashboardFigures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  const load = useCallback(() => {
    if (!token) return;
    api('GET /api/dashboard', { token, query: applied })
      .then((f) => {
        setError(null);
        setFigures(f);
      })
      .catch((err: unknown) => setError(errorMessage(t, err, { from: t('dashboard.from'), to: t('dashboard.to') })));
  }, [token, applied, t]);
  useEffect(load, [load]);

  if (!token) return <p className="page-message">{t('room.notFound')}</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
  };
  const download = () => {
    setDownloadError(null);
    const today = new Date().toISOString().slice(0, 10);
    downloadWithToken(
      urlOf('GET /api/dashboard/csv', undefined, { ...applied }),
      token,
      `accord-dashboard-${today}.csv`,
    ).catch(() => setDownloadError(t('dashboard.downloadFailed')));
  };
  const centre = figures !== null && figures.lenders.length > 0;

  return (
    <section className="card dashboard" data-testid="dashboard">
      <h2>{t('dashboard.title')}</h2>
      <p className="muted">{t('dashboard.intro')}</p>
      {figures?.lenderName && !centre && (
        <p data-testid="dashboard-scope">{t('dashboard.introLender', { lender: figures.lenderName })}</p>
      )}
      <form className="filters dash-filters" onSubmit={submit} aria-label={t('dashboard.filters')}>
        <label>
          {t('dashboard.from')}
          <input
            type="date"
            value={draft.from}
            data-testid="dashboard-from"
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          {t('dashboard.to')}
          <input
            type="date"
            value={draft.to}
            data-testid="dashboard-to"
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </label>
        {centre && (
          <label>
            {t('dashboard.lender')}
            <select
              value={draft.lenderId}
              data-testid="dashboard-lender"
              onChange={(e) => setDraft({ ...draft, lenderId: e.target.value })}
            >
              <option value="">{t('dashboard.allLenders')}</option>
              {figures.lenders.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="dash-filter-actions">
          <button type="submit" data-testid="dashboard-apply">
            {t('dashboard.apply')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          >
            {t('dashboard.clear')}
          </button>
          <button type="button" className="secondary" data-testid="dashboard-csv" onClick={download}>
            {t('dashboard.download')}
          </button>
        </div>
      </form>
      {downloadError && <p role="alert">{downloadError}</p>}
      {error && (
        <p role="alert" data-testid="dashboard-error">
          {error}
        </p>
      )}
      {!figures && !error && <p className="muted">{t('dashboard.loading')}</p>}
      {figures && <Figures figures={figures} lang={lang} />}
    </section>
  );
}

function Figures({ figures, lang }: { figures: DashboardFigures; lang: string }) {
  const { t } = useTranslation();
  const duration = (d: DurationFigure) =>
    d.medianHours === null || d.p90Hours === null ? (
      <p className="dash-value">{t('dashboard.headline.none')}</p>
    ) : (
      <>
        <p className="dash-value">{t('dashboard.headline.median', { value: formatHours(d.medianHours, lang) })}</p>
        <p className="muted">
          {t('dashboard.headline.p90', { value: formatHours(d.p90Hours, lang) })} ·{' '}
          {t('dashboard.headline.ofCases', { count: d.count })}
        </p>
      </>
    );
  const rateText = (r: SettlementRate) =>
    r.rate === null
      ? t('dashboard.headline.none')
      : t('dashboard.rateOf', { rate: formatShare(r.rate, lang), settled: r.settled, concluded: r.concluded });
  const rates = (rows: { label: string; rate: SettlementRate }[]): BarDatum[] =>
    rows.flatMap(({ label, rate }) =>
      // The rate beside the name too: a bar at 0 % draws nothing to hover over.
      rate.rate === null
        ? []
        : [{ label: `${label} ${formatShare(rate.rate, lang)}`, value: rate.rate, text: rateText(rate) }],
    );
  const { settlement } = figures;
  const charts: { key: 'type' | 'lender' | 'mediator'; data: BarDatum[] }[] = [
    {
      key: 'mediator',
      data: rates(settlement.byMediator.map((m) => ({ label: m.name ?? t('dashboard.unnamed'), rate: m }))),
    },
    {
      key: 'type',
      data: rates(
        settlement.byDisputeType.map((d) => ({
          label: d.type === 'unknown' ? t('dashboard.unknownType') : t(`assistant.types.${d.type}`),
          rate: d,
        })),
      ),
    },
    // A lender's staff see one lender: its rate is the headline already.
    ...(figures.lenders.length > 0
      ? [
          {
            key: 'lender' as const,
            data: rates(settlement.byLender.map((l) => ({ label: l.name ?? t('dashboard.noLender'), rate: l }))),
          },
        ]
      : []),
  ];
  const states: BarDatum[] = figures.byState.map((s) => ({
    label: t(`statuses.${s.state}`),
    value: s.count,
    text: String(s.count),
  }));

  return (
    <>
      <p className="muted" data-testid="dashboard-generated">
        {t('dashboard.generatedAt', { at: formatDateTime(figures.generatedAt, lang) })}
      </p>
      <div className="dash-headline">
        <div className="dash-figure" data-testid="headline-cases">
          <h3>{t('dashboard.headline.cases')}</h3>
          <p className="dash-value">{figures.cases}</p>
        </div>
        <div className="dash-figure" data-testid="headline-acceptance">
          <h3>{t('dashboard.headline.acceptance')}</h3>
          {duration(figures.timeToAcceptance)}
        </div>
        <div className="dash-figure" data-testid="headline-resolution">
          <h3>{t('dashboard.headline.resolution')}</h3>
          {duration(figures.timeToResolution)}
        </div>
        <div className="dash-figure" data-testid="headline-settlement">
          <h3>{t('dashboard.headline.settlement')}</h3>
          <p className="dash-value">
            {settlement.overall.rate === null
              ? t('dashboard.headline.none')
              : formatShare(settlement.overall.rate, lang)}
          </p>
          {settlement.overall.rate !== null && (
            <p className="muted">
              {t('dashboard.headline.settledOf', {
                settled: settlement.overall.settled,
                concluded: settlement.overall.concluded,
              })}
            </p>
          )}
        </div>
      </div>
      <p className="muted dash-method">{t('dashboard.method')}</p>
      {figures.cases === 0 ? (
        <p data-testid="dashboard-empty">{t('dashboard.empty')}</p>
      ) : (
        <div className="dash-charts">
          <figure className="dash-panel">
            <figcaption>{t('dashboard.byState')}</figcaption>
            <BarChart
              data={states}
              testId="chart-states"
              summary={states.map((s) => `${s.label}: ${s.text}`).join(t('app.listSeparator'))}
            />
          </figure>
          {charts.map(({ key, data }) => (
            <figure className="dash-panel" key={key}>
              <figcaption>{t('dashboard.settlementBy', { by: t(`dashboard.by.${key}`) })}</figcaption>
              {data.length === 0 ? (
                <p className="muted">{t('dashboard.noConcluded')}</p>
              ) : (
                <BarChart
                  data={data}
                  percent
                  testId={`chart-${key}`}
                  summary={data.map((d) => `${d.label}: ${d.text}`).join(t('app.listSeparator'))}
                />
              )}
            </figure>
          ))}
        </div>
      )}
      <Surveys figures={figures} lang={lang} />
      <Sessions figures={figures} lang={lang} />
      <DocumentFiguresSection figures={figures.documents} />
    </>
  );
}

function Surveys({ figures, lang }: { figures: DashboardFigures; lang: string }) {
  const { t } = useTranslation();
  const { surveys } = figures;
  return (
    <section className="dash-section" data-testid="dashboard-surveys">
      <h3>{t('dashboard.surveys.title')}</h3>
      <p className="muted">{t('dashboard.surveys.intro', { minimum: surveys.minimum })}</p>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('dashboard.surveys.group')}</th>
            <th scope="col" className="num">
              {t('dashboard.surveys.count')}
            </th>
            <th scope="col" className="num">
              {t('dashboard.surveys.satisfaction')}
            </th>
            <th scope="col" className="num">
              {t('dashboard.surveys.heard')}
            </th>
            <th scope="col" className="num">
              {t('dashboard.surveys.fair')}
            </th>
            <th scope="col" className="num">
              {t('dashboard.surveys.again')}
            </th>
          </tr>
        </thead>
        <tbody>
          {surveys.groups.map((g) => (
            <tr key={g.group} data-testid={`survey-${g.group}`}>
              <th scope="row" data-label={t('dashboard.surveys.group')}>
                {t(`dashboard.surveys.groups.${g.group}`)}
              </th>
              {g.shown ? (
                <>
                  <td className="num" data-label={t('dashboard.surveys.count')}>
                    {g.count}
                  </td>
                  <td className="num" data-label={t('dashboard.surveys.satisfaction')}>
                    {formatMean(g.meanSatisfaction, lang)}
                  </td>
                  <td className="num" data-label={t('dashboard.surveys.heard')}>
                    {formatShare(g.heardShare, lang)}
                  </td>
                  <td className="num" data-label={t('dashboard.surveys.fair')}>
                    {formatShare(g.fairShare, lang)}
                  </td>
                  <td className="num" data-label={t('dashboard.surveys.again')}>
                    {formatShare(g.againShare, lang)}
                  </td>
                </>
              ) : (
                <td colSpan={5} className="muted">
                  {t('dashboard.surveys.tooFew')}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {surveys.comments !== null && (
        <div data-testid="dashboard-comments">
          <h4>{t('dashboard.surveys.comments')}</h4>
          {surveys.comments.length === 0 ? (
            <p className="muted">{t('dashboard.surveys.noComments')}</p>
          ) : (
            <ul className="dash-comments">
              {surveys.comments.map((c, i) => (
                // Comments are anonymous and sorted: their position is their only identity.
                <li key={i}>{c}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function Sessions({ figures, lang }: { figures: DashboardFigures; lang: string }) {
  const { t } = useTranslation();
  return (
    <section className="dash-section" data-testid="dashboard-sessions">
      <h3>{t('dashboard.sessions.title')}</h3>
      <p className="muted">{t('dashboard.sessions.intro')}</p>
      {figures.sessions.length === 0 ? (
        <p className="muted">{t('dashboard.sessions.empty')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.sessions.caseNumber')}</th>
              <th scope="col">{t('dashboard.sessions.lender')}</th>
              <th scope="col">{t('dashboard.sessions.mediator')}</th>
              <th scope="col" className="num">
                {t('dashboard.sessions.customer')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.sessions.lenderSide')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.sessions.share')}
              </th>
              <th scope="col">{t('dashboard.sessions.balance')}</th>
            </tr>
          </thead>
          <tbody>
            {figures.sessions.map((s) => (
              <tr key={s.caseNumber} data-testid={`session-${s.caseNumber}`} data-balance={s.balance}>
                <th scope="row" data-label={t('dashboard.sessions.caseNumber')}>
                  {s.caseNumber}
                </th>
                <td data-label={t('dashboard.sessions.lender')}>{s.lenderName ?? t('dashboard.noLender')}</td>
                <td data-label={t('dashboard.sessions.mediator')}>{s.mediatorName ?? t('dashboard.unnamed')}</td>
                <td className="num" data-label={t('dashboard.sessions.customer')}>
                  {formatMinutes(s.customerMinutes, lang)}
                </td>
                <td className="num" data-label={t('dashboard.sessions.lenderSide')}>
                  {formatMinutes(s.lenderMinutes, lang)}
                </td>
                <td className="num" data-label={t('dashboard.sessions.share')}>
                  {s.customerShare === null ? '—' : formatShare(s.customerShare, lang)}
                </td>
                <td data-label={t('dashboard.sessions.balance')}>
                  <span className={`dash-balance ${s.balance}`}>{t(`dashboard.sessions.balances.${s.balance}`)}</span>
                  {s.open && <span className="muted"> · {t('dashboard.sessions.open')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
