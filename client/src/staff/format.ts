import { DEFAULT_TIME_ZONE } from '../app/format';

/**
 * Dates on the staff pages: in the page's language (not the browser's), in the service's zone
 * (Asia/Shanghai), as the parties read them: a list of many cases has no one case's zone.
 */
export function dateFormat(language: string, withTime = false): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(language.startsWith('zh') ? 'zh-CN' : 'en-GB', {
    timeZone: DEFAULT_TIME_ZONE,
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' as const } : {}),
  });
}
