// ISO 8601 weeks in UTC, spelt as the weekly-views report spells them (`2026-W07`), so the chart
// can show every week of a range, the quiet ones too.

const DAY = 86_400_000;

export interface Week {
  /** e.g. 2026-W07 */
  key: string;
  /** The week's Monday, 00:00 UTC. */
  monday: Date;
}

const weekday = (date: Date): number => (date.getUTCDay() + 6) % 7;

function mondayOf(date: Date): Date {
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return new Date(midnight - weekday(date) * DAY);
}

/** The ISO week a moment falls in: its year is the year of that week's Thursday. */
export function isoWeekKey(date: Date): string {
  const monday = mondayOf(date);
  const year = new Date(monday.getTime() + 3 * DAY).getUTCFullYear();
  const firstMonday = mondayOf(new Date(Date.UTC(year, 0, 4)));
  const week = 1 + Math.round((monday.getTime() - firstMonday.getTime()) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The last `count` weeks, this one included, oldest first. */
export function lastWeeks(count: number, now: Date = new Date()): Week[] {
  const thisMonday = mondayOf(now);
  return Array.from({ length: count }, (_, i) => {
    const monday = new Date(thisMonday.getTime() - (count - 1 - i) * 7 * DAY);
    return { key: isoWeekKey(monday), monday };
  });
}

/** "Week 7, from 9 Feb 2026" */
export function weekLabel(week: Week): string {
  return `Week ${Number(week.key.split('-W')[1])}, from ${week.monday.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}`;
}
