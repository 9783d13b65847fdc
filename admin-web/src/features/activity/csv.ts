import type { ActivityEntry } from './api/get-activity';
import { actionLabel, detailPairs } from './labels';

// The CSV export of the activity page's filtered view (built in the browser
// from the loaded entries; RFC 4180 quoting).

/** csvField quotes a value when it holds a comma, quote or line break, and defuses spreadsheet formulas. */
export function csvField(value: string): string {
  // A leading =, +, - or @ makes spreadsheets evaluate the cell: prefix a quote.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const CSV_HEADER = ['time', 'action', 'action_label', 'actor', 'target_type', 'target_id', 'target_name', 'detail'];

/**
 * activityCsv: one line per entry, the header first, CRLF line ends. The
 * detail is "key=value; …" with secret-looking values hidden as on the page.
 */
export function activityCsv(entries: readonly ActivityEntry[], targetName: (e: ActivityEntry) => string = () => ''): string {
  const lines = [CSV_HEADER.join(',')];
  for (const e of entries) {
    const detail = detailPairs(e.detail, Number.MAX_SAFE_INTEGER)
      .map((p) => `${p.key}=${p.value}`)
      .join('; ');
    lines.push(
      [e.at, e.action, actionLabel(e.action), e.actor, e.target_type, e.target_id, targetName(e), detail].map(csvField).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** csvFileName: "activity-<filters>-<date>.csv", for the download. */
export function csvFileName(filter: Record<string, string>, now: Date): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v)
    .map(([, v]) => v.replace(/[^A-Za-z0-9._-]+/g, '_'));
  return ['activity', ...parts, now.toISOString().slice(0, 10)].join('-') + '.csv';
}
