import { localeOf } from '../app/format';

/**
 * The dashboard's numbers as people read them, in the page's language: durations in the unit that
 * suits them (minutes, hours or days, never a bare number of hours), shares as percentages.
 */

const unit = (lang: string, u: 'second' | 'minute' | 'hour' | 'day', value: number, digits: number) =>
  new Intl.NumberFormat(localeOf(lang), {
    style: 'unit',
    unit: u,
    unitDisplay: 'long',
    maximumFractionDigits: digits,
  }).format(value);

/** Some time that rounds to none of its unit ("under 1 minute"): a bare 0 would read as none at all. */
const under = (lang: string, u: 'second' | 'minute') =>
  lang.startsWith('zh') ? `不到${unit(lang, u, 1, 0)}` : `under ${unit(lang, u, 1, 0)}`;

/** A duration given in hours: under an hour in minutes, under two days in hours, else in days. */
export function formatHours(hours: number, lang: string): string {
  if (hours > 0 && hours * 60 < 0.5) return under(lang, 'minute');
  if (hours < 1) return unit(lang, 'minute', Math.round(hours * 60), 0);
  if (hours < 48) return unit(lang, 'hour', hours, 1);
  return unit(lang, 'day', hours / 24, 1);
}

/** A caucus time given in minutes: under a minute in seconds. */
export function formatMinutes(minutes: number, lang: string): string {
  if (minutes > 0 && minutes * 60 < 0.5) return under(lang, 'second');
  if (minutes < 1) return unit(lang, 'second', Math.round(minutes * 60), 0);
  return unit(lang, 'minute', minutes, 1);
}

/** A share from 0 to 1 as a whole percentage. */
export function formatShare(share: number, lang: string): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A mean on the 1–5 scale, to two decimals at most. */
export function formatMean(value: number, lang: string): string {
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 2 }).format(value);
}
