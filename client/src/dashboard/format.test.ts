import { describe, expect, it } from 'vitest';
import { formatHours, formatMinutes, formatShare } from './format';

describe('dashboard figures in words', () => {
  it('durations in the unit that suits them, in both languages', () => {
    expect(formatHours(0.5, 'en')).toBe('30 minutes');
    expect(formatHours(5.5, 'en')).toBe('5.5 hours');
    expect(formatHours(72, 'en')).toBe('3 days');
    expect(formatHours(0.5, 'zh-CN')).toBe('30分钟');
    expect(formatHours(5.5, 'zh-CN')).toBe('5.5小时');
    expect(formatHours(60, 'zh-CN')).toBe('2.5天');
    expect(formatMinutes(0.25, 'en')).toBe('15 seconds');
    expect(formatMinutes(12.5, 'zh-CN')).toBe('12.5分钟');
    // Some time, but less than the unit shows: never a bare 0 beside a share of that time.
    expect(formatHours(0.005, 'zh-CN')).toBe('不到1分钟');
    expect(formatHours(0.005, 'en')).toBe('under 1 minute');
    expect(formatMinutes(0.001, 'zh-CN')).toBe('不到1秒钟');
    expect(formatHours(0, 'zh-CN')).toBe('0分钟');
  });

  it('shares as whole percentages', () => {
    expect(formatShare(0.667, 'en')).toBe('67%');
    expect(formatShare(0, 'zh-CN')).toBe('0%');
  });
});
