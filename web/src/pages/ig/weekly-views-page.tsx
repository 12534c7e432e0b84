// "Record views by week": how often records were viewed each week, by organisation or by role
// (seed 003 asks for weekly views by each side), as a chart and a table with the same numbers.
// A view is a successful read, search or operation that concerned at least one person.
import { useState, type FormEvent } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { navigate, useLocation } from '../../lib/router.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { weeklyViews } from './audit-report.ts';
import { namesFor } from './directory-names.ts';
import { lastWeeks, weekLabel } from './iso-week.ts';
import { WeeklyChart } from './weekly-chart.tsx';
import { type GroupBy, weeklyTable } from './weekly-series.ts';

const WEEK_CHOICES = [4, 8, 12, 26];
const GROUPINGS: Record<GroupBy, string> = { organisation: 'organisation', role: 'role' };

function choices(location: string): { weeks: number; by: GroupBy } {
  const query = new URLSearchParams(location.split('?')[1] ?? '');
  const weeks = Number(query.get('weeks'));
  return { weeks: WEEK_CHOICES.includes(weeks) ? weeks : 8, by: query.get('by') === 'role' ? 'role' : 'organisation' };
}

function Choices({ weeks, by }: { weeks: number; by: GroupBy }) {
  const [chosenWeeks, setWeeks] = useState(weeks);
  const [chosenBy, setBy] = useState<GroupBy>(by);
  function submit(event: FormEvent) {
    event.preventDefault();
    navigate(`/ig/weekly-views?weeks=${chosenWeeks}&by=${chosenBy}`);
  }
  return (
    <form className="sc-chart-choices" onSubmit={submit}>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="weeks">Weeks to show</label>
        <select className="nhsuk-select" id="weeks" value={chosenWeeks} onChange={(e) => setWeeks(Number(e.target.value))}>
          {WEEK_CHOICES.map((n) => <option key={n} value={n}>Last {n} weeks</option>)}
        </select>
      </div>
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend">Show views by</legend>
          <div className="nhsuk-radios nhsuk-radios--inline">
            {(Object.keys(GROUPINGS) as GroupBy[]).map((value) => (
              <div className="nhsuk-radios__item" key={value}>
                <input className="nhsuk-radios__input" id={`by-${value}`} name="by" type="radio" value={value}
                  checked={chosenBy === value} onChange={() => setBy(value)} />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={`by-${value}`}>{value === 'role' ? 'Role' : 'Organisation'}</label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <button className="nhsuk-button nhsuk-button--secondary" type="submit">Update chart</button>
    </form>
  );
}

async function loadViews(weeks: number) {
  const range = lastWeeks(weeks);
  const rows = await weeklyViews(range[0]!.monday.toISOString().slice(0, 10));
  const names = await namesFor(rows.flatMap((r) => (r.organization ? [{ organization: r.organization }] : [])));
  return { range, rows, names };
}

export function WeeklyViewsPage() {
  const location = useLocation();
  const { weeks, by } = choices(location);
  const [loaded] = useLoad(() => loadViews(weeks), [weeks]);
  return (
    <>
      <p>How often people’s records were viewed each week. A view is a successful look at one or more people’s records: opening a record, reading part of it, or a search that found someone.</p>
      <Choices key={`${weeks}-${by}`} weeks={weeks} by={by} />
      {loaded.state === 'loading' && <Loading what="record views" />}
      {loaded.state === 'failed' && <Problem error={loaded.error} />}
      {loaded.state === 'ready' && <ViewsByWeek {...loaded.data} by={by} />}
    </>
  );
}

function ViewsByWeek({ range, rows, names, by }: Awaited<ReturnType<typeof loadViews>> & { by: GroupBy }) {
  const table = weeklyTable(rows, range, by, names);
  const grouping = GROUPINGS[by];
  return (
    <>
      <h2>Views per week by {grouping}</h2>
      <WeeklyChart table={table} grouping={grouping} />
      <div className="sc-table-scroll" tabIndex={0} role="region" aria-labelledby="weekly-views-caption">
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption" id="weekly-views-caption">Record views per week by {grouping}, last {range.length} weeks</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">Week</th>
              {table.series.map((s) => <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col" key={s.key}>{s.label}</th>)}
              <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Total</th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {table.weeks.map((week, w) => (
              <tr className="nhsuk-table__row" key={week.key} data-week={week.key}>
                <th className="nhsuk-table__header" scope="row">{weekLabel(week)}</th>
                {table.series.map((s, i) => <td className="nhsuk-table__cell nhsuk-table__cell--numeric" key={s.key}>{table.views[w]![i]}</td>)}
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric"><strong>{table.totals[w]}</strong></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
