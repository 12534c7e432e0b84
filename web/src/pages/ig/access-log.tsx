// Every audited access to one person's records, newest first, a page at a time ("Show older"):
// who (name, role, organisation), when, what they did, why (purpose and basis) and how it ended,
// refusals included. From the access-log report.
import { Loading, Problem } from '../../components/problem.tsx';
import type { AuditRow } from './audit-report.ts';
import { agentName, basisWords, interactionWords, outcomeOf, purposeWords, roleName } from './audit-words.ts';
import { type Names, organisationText } from './directory-names.ts';
import { usePagedReport } from './paged-report.ts';
import { ShowOlder } from './show-older.tsx';
import { WhenCell } from './when-cell.tsx';

function AccessRow({ row, names }: { row: AuditRow; names: Names }) {
  const outcome = outcomeOf(row.outcome);
  const basis = basisWords(row.basis);
  return (
    <tr className="nhsuk-table__row" data-seq={row.seq}>
      <WhenCell at={row.recorded} />
      <td className="nhsuk-table__cell">
        <strong>{agentName(row)}</strong>
        {row.role && <><br />{roleName(row.role)}</>}
        {row.organization && <><br />{organisationText(names, row.organization)}</>}
      </td>
      <td className="nhsuk-table__cell">{interactionWords(row.interaction)}</td>
      <td className="nhsuk-table__cell">
        {purposeWords(row.purpose)}
        {basis && <><br /><span className="sc-secondary">Basis: {basis}</span></>}
      </td>
      <td className="nhsuk-table__cell"><strong className={`nhsuk-tag ${outcome.tag}`}>{outcome.text}</strong></td>
    </tr>
  );
}

export function AccessLog({ patients, whose }: { patients: readonly string[]; whose: string }) {
  const report = usePagedReport('access-log', patients.map((p): [string, string] => ['patient', p]), false);
  if (report.state === 'loading') return <Loading what="the access log" />;
  if (report.state === 'failed') return <Problem error={report.error!} />;
  if (report.rows.length === 0) return <p>Nobody has accessed {whose} record yet.</p>;
  return (
    <>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption">Who accessed {whose} record, newest first</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">When</th>
            <th className="nhsuk-table__header" scope="col">Who</th>
            <th className="nhsuk-table__header" scope="col">What they did</th>
            <th className="nhsuk-table__header" scope="col">Why</th>
            <th className="nhsuk-table__header" scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {report.rows.map((row) => <AccessRow key={row.seq} row={row} names={report.names} />)}
        </tbody>
      </table>
      <ShowOlder report={report} noun={['access', 'accesses']} />
    </>
  );
}
