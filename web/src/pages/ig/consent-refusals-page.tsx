// "Consent refusals": each time a person, asked for consent to view their record, said no: who
// asked, whose record, when and what was noted. From the consent-refusals report.
import { Loading, Problem } from '../../components/problem.tsx';
import { agentName, roleName } from './audit-words.ts';
import { organisationText, peopleText } from './directory-names.ts';
import { usePagedReport } from './paged-report.ts';
import { ShowOlder } from './show-older.tsx';
import { WhenCell } from './when-cell.tsx';

/** The note after "refused: ", or nothing when only the answer was recorded. */
const noteOf = (reason: string | undefined): string => reason?.replace(/^refused:?\s*/i, '').trim() || 'No note recorded';

export function ConsentRefusalsPage() {
  const report = usePagedReport('consent-refusals', [], true);
  return (
    <>
      <p>Where the person is asked for consent before their record is viewed, these are the times they said no. Nobody saw their record on those occasions.</p>
      {report.state === 'loading' && <Loading what="consent refusals" />}
      {report.state === 'failed' && <Problem error={report.error!} />}
      {report.state === 'ready' && report.rows.length === 0 && <p>Nobody has refused consent to view.</p>}
      {report.state === 'ready' && report.rows.length > 0 && (
        <>
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption">Consent to view refused, newest first</caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th className="nhsuk-table__header" scope="col">When</th>
                <th className="nhsuk-table__header" scope="col">Whose record</th>
                <th className="nhsuk-table__header" scope="col">Who asked</th>
                <th className="nhsuk-table__header" scope="col">What was noted</th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {report.rows.map((row) => (
                <tr className="nhsuk-table__row" key={row.seq}>
                  <WhenCell at={row.recorded} />
                  <td className="nhsuk-table__cell">{peopleText(report.names, row.patients)}</td>
                  <td className="nhsuk-table__cell">
                    <strong>{agentName(row)}</strong>
                    {row.role && <><br />{roleName(row.role)}</>}
                    {row.organization && <><br />{organisationText(report.names, row.organization)}</>}
                  </td>
                  <td className="nhsuk-table__cell">{noteOf(row.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ShowOlder report={report} noun={['refusal', 'refusals']} />
        </>
      )}
    </>
  );
}
