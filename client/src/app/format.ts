/** The zone a case's times are read in when its session names none: the mainland's. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * How much of a moment to write: `dateTime` (date and minute, the default), `time` (hour and minute,
 * for a chat line or an activity of the day) or `seconds` (a sealed record, where seconds order the
 * signatures).
 */
export type DateTimeStyle = 'dateTime' | 'time' | 'seconds';

const OPTIONS: Record<DateTimeStyle, Intl.DateTimeFormatOptions> = {
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { hour: '2-digit', minute: '2-digit' },
  seconds: { dateStyle: 'medium', timeStyle: 'medium' },
};

// Formatters are costly to build and a chat list formats hundreds of times per render.
const cache = new Map<string, Intl.DateTimeFormat>();

/** A calendar date (YYYY-MM-DD, a day with no time or zone of its own) in words, in the UI language. */
export function dateInWords(isoDate: string, lang: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(day.getTime())
    ? isoDate
    : new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'long', timeZone: 'UTC' }).format(day);
}

/** The Intl locale of a UI language: Chinese in Chinese, English with day-month order (no US ambiguity). */
export function localeOf(lang: string): string {
  return lang.startsWith('zh') ? 'zh-CN' : 'en-GB';
}

function formatter(lang: string, timeZone: string, style: DateTimeStyle): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${style}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(localeOf(lang), { ...OPTIONS[style], timeZone });
    } catch {
      // A zone this browser does not know (an old case, a typo in data): the case default, not a crash.
      f = new Intl.DateTimeFormat(localeOf(lang), { ...OPTIONS[style], timeZone: DEFAULT_TIME_ZONE });
    }
    cache.set(key, f);
  }
  return f;
}

/**
 * A moment (an ISO timestamp from the server) as a person reads it: in the UI language `lang` and in
 * the case's `timeZone` (everyone in a case sees the same wall-clock time, whatever their device's
 * zone). Never the ISO string itself: an unreadable value gives a dash.
 */
export function formatDateTime(
  iso: string,
  lang: string,
  timeZone: string = DEFAULT_TIME_ZONE,
  style: DateTimeStyle = 'dateTime',
): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return formatter(lang, timeZone, style).format(d);
}

/** The zone a case's times are shown in: its session's when one is scheduled, else the default. */
export function caseTimeZone(session: { timeZone: string } | null | undefined): string {
  return session?.timeZone ?? DEFAULT_TIME_ZONE;
}

/** A file's size in the UI language's units (whole kB below a megabyte, else MB with one decimal). */
export function formatSize(bytes: number, lang: string): string {
  const mb = bytes >= 1024 * 1024;
  return new Intl.NumberFormat(localeOf(lang), {
    style: 'unit',
    unit: mb ? 'megabyte' : 'kilobyte',
    unitDisplay: 'short',
    maximumFractionDigits: mb ? 1 : 0,
  }).format(mb ? bytes / (1024 * 1024) : Math.max(1, Math.ceil(bytes / 1024)));
}

/** A language code (`zh-CN`, `en`) named in the UI language; a value that is no code stays as typed. */
export function languageName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([localeOf(lang)], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
