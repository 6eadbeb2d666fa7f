const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(locale: string | undefined, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${withTime}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(
      locale,
      withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
    );
    formatters.set(key, formatter);
  }
  return formatter;
}

/** A date in the reader's locale ("12 Mar 2026, 14:05"); a dash when the value is not a date. */
export function formatDate(
  iso: string | null,
  options: { locale?: string; withTime?: boolean } = {},
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return formatterFor(options.locale, options.withTime ?? true).format(date);
}
