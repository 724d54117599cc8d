import { useTranslation } from 'react-i18next';
import { HardshipKind, type Activity } from '@accord/shared';
import { isTermKey, termValueText } from '../agreement/terms';
import { formatDateTime } from '../app/format';

/** Who did what in the room, from the case's audit log. */
export function ActivityFeed({ entries, timeZone }: { entries: Activity[]; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const termChange = (a: Activity) => {
    const term = a.detail.term;
    if (!isTermKey(term)) return '';
    const value = (v: unknown) => termValueText(term, v, t, i18n.language);
    const params = {
      actor: a.actor.displayName,
      target: a.target?.displayName ?? t('activity.someoneElse'),
      term: t(`terms.names.${term}`),
      from: value(a.detail.from),
      to: value(a.detail.to),
      kept: value(a.detail.from),
    };
    if (a.detail.conflict === 'lost') return t('activity.terms_lost', params);
    const empty = (v: unknown) => v === null || v === undefined || v === '';
    const said = t(
      empty(a.detail.from)
        ? 'activity.terms_set'
        : empty(a.detail.to)
          ? 'activity.terms_cleared'
          : 'activity.terms_changed',
      params,
    );
    return a.detail.conflict === 'overwrote' ? said + t('activity.terms_overwrote', params) : said;
  };
  // A hardship entry names its kind (never the customer's words).
  const hardshipKind = (v: unknown) => {
    const kind = HardshipKind.safeParse(v);
    return kind.success ? t(`hardship.kinds.${kind.data}`) : '';
  };
  const phase = (v: unknown) => (typeof v === 'string' ? t(`phases.${v as 'joint'}`) : '');
  // Why the server itself left signing (a change of who signs): said, since it voided signatures.
  const because = (v: unknown) =>
    v === 'member.removed' || v === 'member.added' || v === 'not_ready'
      ? ` (${t(`activity.because_${v.replace('.', '_') as 'not_ready'}`)})`
      : '';
  return (
    <section className="panel activity" aria-labelledby="activity-title">
      <h2 id="activity-title">{t('activity.title')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('activity.empty')}</p>
      ) : (
        // Scrolls on its own: focusable, so the keyboard can scroll it too (WCAG 2.1.1).
        <ol className="activity-list" data-testid="activity" tabIndex={0} aria-labelledby="activity-title">
          {[...entries].reverse().map((a) => (
            <li key={a.id} data-kind={a.kind}>
              <time dateTime={a.at}>{formatDateTime(a.at, i18n.language, timeZone)}</time>{' '}
              {a.kind === 'terms.changed'
                ? termChange(a)
                : t(`activity.${a.kind.replace('.', '_') as 'phase_changed'}`, {
                    actor: a.actor.displayName,
                    target: a.target?.displayName ?? '',
                    from: phase(a.detail.from),
                    // A caucus closed before the entry said where to went back to the joint session.
                    to: phase(a.detail.to ?? (a.kind === 'caucus.closed' ? 'joint' : undefined)),
                    kind: hardshipKind(a.detail.kind),
                  })}
              {a.kind === 'phase.changed' && because(a.detail.because)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
