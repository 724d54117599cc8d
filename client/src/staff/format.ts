/** Dates on the staff pages: in the page's language (not the browser's), in the reader's time zone. */
export function dateFormat(language: string, withTime = false): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(language.startsWith('zh') ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' as const } : {}),
  });
}
