import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_ZONE, caseTimeZone, dateInWords, formatDateTime, formatSize, languageName } from './format';

// 2026-03-01 16:05:09 UTC: the next day, past midnight, in Beijing; still the 1st in London and New York.
const AT = '2026-03-01T16:05:09.000Z';

describe('formatDateTime', () => {
  it('writes the moment in the case’s zone, not the device’s, in the UI language', () => {
    expect(formatDateTime(AT, 'zh-CN', 'Asia/Shanghai')).toBe('2026年3月2日 00:05');
    expect(formatDateTime(AT, 'en', 'Asia/Shanghai')).toBe('2 Mar 2026, 00:05');
    expect(formatDateTime(AT, 'en', 'Europe/London')).toBe('1 Mar 2026, 16:05');
    expect(formatDateTime(AT, 'zh-CN', 'America/New_York')).toBe('2026年3月1日 11:05');
  });

  it('defaults to Beijing time, and falls back to it for a zone the browser does not know', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
    expect(formatDateTime(AT, 'zh-CN')).toBe('2026年3月2日 00:05');
    expect(formatDateTime(AT, 'zh-CN', 'Mars/Olympus_Mons')).toBe('2026年3月2日 00:05');
  });

  it('has a time-only and a with-seconds style', () => {
    expect(formatDateTime(AT, 'zh-CN', 'Asia/Shanghai', 'time')).toBe('00:05');
    expect(formatDateTime(AT, 'en', 'Europe/London', 'time')).toBe('16:05');
    expect(formatDateTime(AT, 'zh-CN', 'Asia/Shanghai', 'seconds')).toBe('2026年3月2日 00:05:09');
    expect(formatDateTime(AT, 'en', 'Asia/Shanghai', 'seconds')).toBe('2 Mar 2026, 00:05:09');
  });

  it('never puts an ISO string on screen: an unreadable value is a dash', () => {
    expect(formatDateTime('not a date', 'en')).toBe('—');
    expect(formatDateTime('', 'zh-CN')).toBe('—');
  });

  it('reads a case’s zone from its session, else the default', () => {
    expect(caseTimeZone(null)).toBe('Asia/Shanghai');
    expect(caseTimeZone(undefined)).toBe('Asia/Shanghai');
    expect(caseTimeZone({ timeZone: 'Europe/Berlin' })).toBe('Europe/Berlin');
  });
});

describe('formatSize and languageName', () => {
  it('write sizes and language codes in the UI language', () => {
    expect(formatSize(900, 'en')).toBe('1 kB');
    expect(formatSize(1536, 'zh-CN')).toBe('2 kB');
    expect(formatSize(3.5 * 1024 * 1024, 'en')).toBe('3.5 MB');
    expect(languageName('zh-CN', 'zh-CN')).toBe('中文（中国）');
    expect(languageName('en', 'en')).toBe('English');
    expect(languageName('粤语', 'zh-CN')).toBe('粤语');
  });
});

describe('dateInWords', () => {
  it('writes a calendar date out in the UI language, whatever the device zone', () => {
    expect(dateInWords('2026-12-03', 'zh-CN')).toBe('2026年12月3日');
    expect(dateInWords('2026-12-03', 'en')).toBe('3 December 2026');
  });
});
