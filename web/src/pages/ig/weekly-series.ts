// Turns the weekly-views report (week × organisation × role × kind) into what the chart and its
// table show: one series per organisation or per role, views per week, every week of the range.
import type { WeeklyViewsRow } from './audit-report.ts';
import { roleName } from './audit-words.ts';
import { type Names, organisationText } from './directory-names.ts';
import type { Week } from './iso-week.ts';

export type GroupBy = 'organisation' | 'role';

export interface Series {
  key: string;
  label: string;
  colour: string;
}

export interface WeeklyTable {
  weeks: Week[];
  series: Series[];
  /** views[w][s]: views in weeks[w] by series[s]. */
  views: number[][];
  totals: number[];
}

// NHS identity colours with at least 3:1 contrast on white (WCAG 1.4.11); the last stands for "others".
const COLOURS = ['#005eb8', '#007f3b', '#330072', '#d5281b', '#ae2573', '#425563', '#7c2855'];
const OTHERS = { key: '\u0000others', label: 'All others', colour: '#768692' };

function groupOf(row: WeeklyViewsRow, by: GroupBy): string {
  const code = by === 'organisation' ? row.organization : row.role;
  return code ?? (row.kind === 'citizen' ? '\u0000citizens' : '\u0000systems');
}

function labelOf(key: string, by: GroupBy, names: Names): string {
  if (key === '\u0000citizens') return 'People viewing their own record';
  if (key === '\u0000systems') return 'Connected systems';
  return (by === 'organisation' ? organisationText(names, key) : roleName(key)) ?? key;
}

export function weeklyTable(rows: readonly WeeklyViewsRow[], weeks: Week[], by: GroupBy, names: Names): WeeklyTable {
  const weekIndex = new Map(weeks.map((w, i) => [w.key, i]));
  const inRange = rows.filter((r) => weekIndex.has(r.week));
  const byGroup = new Map<string, number>();
  for (const r of inRange) byGroup.set(groupOf(r, by), (byGroup.get(groupOf(r, by)) ?? 0) + r.views);
  // Busiest first; past the palette, the rest share one colour as "All others".
  const ranked = [...byGroup.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
  const shown = ranked.length > COLOURS.length ? ranked.slice(0, COLOURS.length - 1) : ranked;
  const series: Series[] = shown.map((key, i) => ({ key, label: labelOf(key, by, names), colour: COLOURS[i]! }));
  if (ranked.length > shown.length) series.push(OTHERS);
  const seriesIndex = new Map(series.map((s, i) => [s.key, i]));
  const views = weeks.map(() => series.map(() => 0));
  for (const r of inRange) {
    const s = seriesIndex.get(groupOf(r, by)) ?? seriesIndex.get(OTHERS.key)!;
    views[weekIndex.get(r.week)!]![s]! += r.views;
  }
  return { weeks, series, views, totals: views.map((row) => row.reduce((a, b) => a + b, 0)) };
}
