// Diagnoses and problems from every source, current first, each once across sources. A council's
// primary support reason is a Condition too, but it is shown with the social-care case, not here.
import type { Condition } from '@medplum/fhirtypes';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { ofType } from './consolidated-record.ts';
import { DataTable, type TableRow } from './data-table.tsx';
import { Disputed, ItemSources, codeInWords } from './item-sources.tsx';
import { conceptText, dateInWords } from './person-format.ts';

const CURRENT = new Set(['active', 'recurrence', 'relapse']);

export const isPrimarySupportReason = (c: Condition) => c.category?.some((cat) => cat.coding?.some((x) => x.code === 'primary-support-reason')) ?? false;

const statusOf = (c: Condition) => c.clinicalStatus?.coding?.[0]?.code;

function rowOf(c: Condition): TableRow {
  return {
    key: c.id!,
    cells: [
      <span className="nhsuk-u-font-weight-bold">{conceptText(c.code) ?? 'Unnamed condition'}</span>,
      <Disputed resource={c} element="clinicalStatus" value={statusOf(c)} words={codeInWords} />,
      <>{dateInWords(c.onsetDateTime ?? c.onsetPeriod?.start ?? c.recordedDate)}{c.abatementDateTime && <> to {dateInWords(c.abatementDateTime)}</>}</>,
      <ItemSources resource={c} />,
    ],
  };
}

export function ConditionsTab({ record }: { record: ConsolidatedRecord }) {
  const all = ofType<Condition>(record, 'Condition')
    .filter((c) => !isPrimarySupportReason(c) && c.verificationStatus?.coding?.[0]?.code !== 'entered-in-error');
  const current = all.filter((c) => CURRENT.has(statusOf(c) ?? ''));
  const past = all.filter((c) => !CURRENT.has(statusOf(c) ?? ''));
  const columns = ['Condition', 'Status', 'When', 'Source'];
  return (
    <>
      <h2>Conditions</h2>
      {all.length === 0 && <p>No conditions are recorded.</p>}
      {current.length > 0 && <DataTable caption={`Current conditions (${current.length})`} columns={columns} rows={current.map(rowOf)} />}
      {past.length > 0 && <DataTable caption={`Past conditions (${past.length})`} columns={columns} rows={past.map(rowOf)} />}
    </>
  );
}
