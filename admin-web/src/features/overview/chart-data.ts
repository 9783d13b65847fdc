// Shaping of the overview's activity chart: the API answers one count per
// UTC day, and the chart must show exactly the window's days, in order,
// whatever the answer holds (a day missing counts zero; days outside the
// window are left out). Days are UTC calendar days, like the API's.

export const CHART_DAYS = 30;

export type DayPoint = { day: string; count: number };

const DAY_MS = 24 * 60 * 60 * 1000;

/** utcDay is the YYYY-MM-DD of t in UTC. */
export function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** windowDays lists the `days` UTC days ending with the day of `today`, oldest first. */
export function windowDays(today: Date, days: number = CHART_DAYS): string[] {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(utcDay(new Date(end - i * DAY_MS)));
  return out;
}

/**
 * fillDays gives each day of the window its count from points (zero when
 * absent; a day given twice adds up), oldest first.
 */
export function fillDays(points: DayPoint[], today: Date, days: number = CHART_DAYS): DayPoint[] {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.day, (counts.get(p.day) ?? 0) + p.count);
  return windowDays(today, days).map((day) => ({ day, count: counts.get(day) ?? 0 }));
}

/** toSeries is the chart's data: x as Unix seconds at each day's UTC midnight, y the counts. */
export function toSeries(points: DayPoint[]): [number[], number[]] {
  return [points.map((p) => Date.parse(`${p.day}T00:00:00Z`) / 1000), points.map((p) => p.count)];
}

/** total is the window's sum, for the chart's summary. */
export function total(points: DayPoint[]): number {
  return points.reduce((n, p) => n + p.count, 0);
}
