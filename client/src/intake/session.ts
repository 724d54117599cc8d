import type { TFunction } from 'i18next';
import type { SessionTime } from '@accord/shared';
import { localeOf } from '../app/format';

/**
 * A session's time as its reader writes it: the wall-clock time in the session's zone (as scheduled,
 * never shifted to the reader's), the zone in words, the length.
 */
export function sessionText(t: TFunction, language: string, session: SessionTime): string {
  return t('track.sessionAt', {
    time: sessionWallTime(language, session),
    zone: sessionZone(t, session),
    minutes: session.durationMinutes,
  });
}

/** When a session starts, as scheduled: the wall-clock date and time in its own zone. */
export function sessionWallTime(language: string, session: SessionTime): string {
  // `startsAt` is a local time in `timeZone`: read as UTC and formatted in UTC, it prints unchanged.
  const wall = new Date(`${session.startsAt.slice(0, 19)}Z`);
  return Number.isNaN(wall.getTime())
    ? session.startsAt
    : new Intl.DateTimeFormat(localeOf(language), {
        timeZone: 'UTC',
        dateStyle: 'long',
        timeStyle: 'short',
      }).format(wall);
}

/** A session's zone in words ("Beijing time"), or its IANA name when the client knows no words for it. */
export function sessionZone(t: TFunction, session: SessionTime): string {
  return t(`timeZones.${session.timeZone}`, { defaultValue: session.timeZone });
}
