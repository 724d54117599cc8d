import type { TFunction } from 'i18next';
import type { SessionTime } from '@accord/shared';
import { localeOf } from '../app/format';

/**
 * A session's time as its reader writes it: the wall-clock time in the session's zone (as scheduled,
 * never shifted to the reader's), the zone in words, the length.
 */
export function sessionText(t: TFunction, language: string, session: SessionTime): string {
  // `startsAt` is a local time in `timeZone`: read as UTC and formatted in UTC, it prints unchanged.
  const wall = new Date(`${session.startsAt.slice(0, 19)}Z`);
  const time = Number.isNaN(wall.getTime())
    ? session.startsAt
    : new Intl.DateTimeFormat(localeOf(language), {
        timeZone: 'UTC',
        dateStyle: 'long',
        timeStyle: 'short',
      }).format(wall);
  return t('track.sessionAt', {
    time,
    zone: t(`timeZones.${session.timeZone}`, { defaultValue: session.timeZone }),
    minutes: session.durationMinutes,
  });
}
