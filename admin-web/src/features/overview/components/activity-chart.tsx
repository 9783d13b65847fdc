import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { toSeries, total, type DayPoint } from '../chart-data';

const HEIGHT = 220;
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * ActivityChart draws entries per UTC day as bars with uPlot (a small,
 * canvas-based chart library; loaded in its own chunk). The canvas is an
 * image to assistive tech, with the numbers in a table that follows.
 */
export default function ActivityChart({ points }: { points: DayPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  const sum = total(points);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const [xs, ys] = toSeries(points);
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const chart = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
        axes: [
          { stroke: '#5b6474', grid: { show: false }, values: (_u, splits) => splits.map((s) => dayLabel.format(new Date(s * 1000))) },
          { stroke: '#5b6474', grid: { stroke: '#e3e6eb' }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000] },
        ],
        series: [
          {},
          {
            label: 'Entries',
            fill: 'rgba(52, 81, 209, 0.75)',
            stroke: '#3451d1',
            paths: uPlot.paths.bars!({ size: [0.7, 40] }),
            points: { show: false },
          },
        ],
      },
      [xs, ys],
      el,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [points]);

  return (
    <figure className="chart">
      <div
        ref={box}
        className="chart__canvas"
        role="img"
        aria-label={`Bar chart: ${sum} activity entries from ${first} to ${last} (UTC), ${points[points.length - 1]?.count ?? 0} today.`}
        data-days={points.length}
        data-today={points[points.length - 1]?.count ?? 0}
      />
      <details className="chart__table">
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Activity entries per day (UTC)</caption>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Entries</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.day}>
                  <td>{p.day}</td>
                  <td>{p.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
