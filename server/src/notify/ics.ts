import { icsUtc } from './time';

/**
 * A session as an iCalendar file (RFC 5545), written by hand: what it holds is one event we build
 * ourselves, and the `ics` package writes times only in UTC or as floating local times, with no way
 * to name the zone, while pulling in a schema validator for input we already trust. Times are UTC
 * (`…Z`, exact in every calendar, shown in the reader's own zone); the case's zone is named in
 * `X-WR-TIMEZONE` and the local time is in the description, as the parties read it.
 */
export interface IcsEvent {
  uid: string;
  /** Rises with each reschedule, so a calendar replaces the event it has. */
  sequence: number;
  start: Date;
  end: Date;
  timeZone: string;
  summary: string;
  description: string;
  url: string;
  stamp: Date;
}

/** TEXT escaping (RFC 5545 3.3.11). */
function text(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded (3.1), never inside a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function icsOf(e: IcsEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Accord//Mediation//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-TIMEZONE:${e.timeZone}`,
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${icsUtc(e.stamp)}`,
    `DTSTART:${icsUtc(e.start)}`,
    `DTEND:${icsUtc(e.end)}`,
    `SUMMARY:${text(e.summary)}`,
    `DESCRIPTION:${text(e.description)}`,
    `URL:${e.url}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** A link that opens a new event in Google Calendar, filled in (the .ics covers the other calendars). */
export function addToCalendarUrl(e: IcsEvent): string {
  const q = new URLSearchParams({
    action: 'TEMPLATE',
    text: e.summary,
    dates: `${icsUtc(e.start)}/${icsUtc(e.end)}`,
    ctz: e.timeZone,
    details: `${e.description}\n${e.url}`,
  });
  return `https://calendar.google.com/calendar/render?${q.toString()}`;
}
