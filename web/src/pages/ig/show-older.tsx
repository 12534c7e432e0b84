// The foot of a paged report: how many rows are shown, and a button for the older ones.
import { Problem } from '../../components/problem.tsx';
import type { PagedReport } from './paged-report.ts';

export function ShowOlder({ report, noun }: { report: PagedReport; noun: [string, string] }) {
  const count = report.rows.length;
  return (
    <>
      <p className="nhsuk-body-s" role="status">
        Showing {count} {count === 1 ? noun[0] : noun[1]}{report.hasOlder ? '' : ', all there are'}.
      </p>
      {report.olderError && <Problem error={report.olderError} />}
      {report.hasOlder && (
        <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={report.loadingOlder} onClick={report.showOlder}>
          {report.loadingOlder ? 'Loading…' : 'Show older'}
        </button>
      )}
    </>
  );
}
