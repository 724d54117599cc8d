import { describe, expect, it } from 'vitest';
import { icsOf } from './ics';
import { icsUtc, zonedToUtc } from './time';
import { inHowLong, sessionWhen } from './words';

describe('session times for mail', () => {
  it('reads a wall-clock time in its zone as the instant it names, daylight saving included', () => {
    expect(zonedToUtc('2027-03-15T14:00:00', 'Asia/Shanghai').toISOString()).toBe('2027-03-15T06:00:00.000Z');
    expect(zonedToUtc('2027-01-10T09:30', 'Europe/London').toISOString()).toBe('2027-01-10T09:30:00.000Z');
    expect(zonedToUtc('2027-07-10T09:30:00', 'Europe/London').toISOString()).toBe('2027-07-10T08:30:00.000Z');
    expect(zonedToUtc('2027-07-10T09:30:00', 'America/New_York').toISOString()).toBe('2027-07-10T13:30:00.000Z');
    expect(icsUtc(new Date('2027-03-15T06:00:00.000Z'))).toBe('20270315T060000Z');
  });

  it('writes the date in the reader’s language and the case’s zone, and how long until it', () => {
    const start = new Date('2027-03-15T06:00:00.000Z');
    expect(sessionWhen(start, 'Asia/Shanghai', 'zh-CN')).toContain('2027年3月15日');
    expect(sessionWhen(start, 'Asia/Shanghai', 'zh-CN')).toContain('14:00');
    expect(sessionWhen(start, 'Asia/Shanghai', 'en')).toContain('March 15, 2027');
    expect(inHowLong(24 * 3600_000, 'zh-CN')).toBe('24小时后');
    expect(inHowLong(3600_000, 'en')).toBe('in 60 minutes');
    expect(inHowLong(2 * 3600_000, 'en')).toBe('in 2 hours');
  });

  it('folds calendar lines at 75 octets without splitting a character, and escapes text', () => {
    const ics = icsOf({
      uid: 'c-session@accord.test',
      sequence: 3,
      start: new Date('2027-03-15T06:00:00.000Z'),
      end: new Date('2027-03-15T07:30:00.000Z'),
      timeZone: 'Asia/Shanghai',
      summary: `AC-2027-000001 ${'费用争议, 提前还款违约金; '.repeat(6)}`,
      description: 'line one\nline two',
      url: 'http://localhost:8080/track/x',
      stamp: new Date('2027-03-01T00:00:00.000Z'),
    });
    const lines = ics.split('\r\n');
    expect(lines.every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(ics).toContain('DTSTART:20270315T060000Z');
    expect(ics).toContain('DESCRIPTION:line one\\nline two');
    // Unfolded, the summary is whole again, its commas and semicolons escaped.
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:AC-2027-000001 ${'费用争议\\, 提前还款违约金\\; '.repeat(6)}`);
  });
});
