import { formatDateTime, formatRelative } from '@/lib/format';

/** RelativeTime shows "3 minutes ago" with the exact time on hover and for assistive tech. */
export function RelativeTime({ value, fallback = 'Never' }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <span className="muted">{fallback}</span>;
  const exact = formatDateTime(value);
  return (
    <time dateTime={value} title={exact}>
      {formatRelative(value)}
    </time>
  );
}

export function DateTime({ value, fallback = '—' }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <span className="muted">{fallback}</span>;
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}
