// A stacked bar chart of record views per week, drawn as SVG by hand (no chart library): one bar
// per week, one coloured segment per organisation or role, a labelled y axis and a legend. The
// chart is one image with a spoken summary; the table beside it carries every number.
import { weekLabel } from './iso-week.ts';
import type { WeeklyTable } from './weekly-series.ts';

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { top: 16, right: 8, bottom: 52, left: 52 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** A round top for the y axis (1, 2, 5 × a power of ten) and its tick step. */
function scaleOf(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power);
  return { top: Math.ceil(max / step) * step, step };
}

/** What a screen reader hears for the chart. */
export function chartSummary(table: WeeklyTable, grouping: string): string {
  const total = table.totals.reduce((a, b) => a + b, 0);
  const busiest = table.totals.indexOf(Math.max(...table.totals));
  const weeks = table.weeks.length;
  if (total === 0) return `Bar chart of record views per week by ${grouping} over the last ${weeks} weeks: there were none.`;
  return `Bar chart of record views per week by ${grouping} over the last ${weeks} weeks: ${total} views in all; the busiest was ${weekLabel(table.weeks[busiest]!)}, with ${table.totals[busiest]}. The table below gives every number.`;
}

export function WeeklyChart({ table, grouping }: { table: WeeklyTable; grouping: string }) {
  const { top, step } = scaleOf(Math.max(0, ...table.totals));
  const y = (value: number) => MARGIN.top + PLOT_H - (value / top) * PLOT_H;
  const band = PLOT_W / table.weeks.length;
  const barWidth = Math.min(48, band * 0.6);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  // Label every week when they fit, otherwise every second or fourth one.
  const labelEvery = Math.ceil(table.weeks.length / 13);
  return (
    <figure className="sc-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={chartSummary(table, grouping)} className="sc-chart__svg">
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} stroke="#d8dde0" />
            <text x={MARGIN.left - 8} y={y(tick) + 5} textAnchor="end" fontSize="14" fill="#212b32">{tick}</text>
          </g>
        ))}
        <text transform={`translate(14 ${MARGIN.top + PLOT_H / 2}) rotate(-90)`} textAnchor="middle" fontSize="14" fill="#212b32">Views</text>
        {table.weeks.map((week, w) => {
          const x = MARGIN.left + w * band + (band - barWidth) / 2;
          let base = 0;
          return (
            <g key={week.key} data-week={week.key} data-views={table.totals[w]}>
              {table.series.map((series, s) => {
                const value = table.views[w]![s]!;
                if (value === 0) return null;
                const rect = <rect key={series.key} x={x} y={y(base + value)} width={barWidth} height={y(base) - y(base + value)}
                  fill={series.colour} stroke="#ffffff" strokeWidth="1" data-series={series.label} data-views={value} />;
                base += value;
                return rect;
              })}
              {w % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - MARGIN.bottom + 20} textAnchor="middle" fontSize="14" fill="#212b32">
                  <tspan x={x + barWidth / 2}>W{Number(week.key.split('-W')[1])}</tspan>
                  <tspan x={x + barWidth / 2} dy="18">{week.monday.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })}</tspan>
                </text>
              )}
            </g>
          );
        })}
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} stroke="#4c6272" strokeWidth="2" />
      </svg>
      <figcaption>
        <ul className="nhsuk-list sc-chart__legend">
          {table.series.map((series) => (
            <li key={series.key}>
              <svg className="sc-chart__swatch" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><rect width="16" height="16" fill={series.colour} /></svg>
              {series.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
