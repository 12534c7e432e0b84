// Hospital, GP and community contacts, latest first, each stay once even when two systems recorded
// it (the hospital's EPR and its ADT feed), with where it happened and who reported it.
import type { Encounter } from '@medplum/fhirtypes';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { ofType } from './consolidated-record.ts';
import { DataTable } from './data-table.tsx';
import { Disputed, ItemSources, codeInWords } from './item-sources.tsx';
import { conceptText, dateInWords } from './person-format.ts';

const startOf = (e: Encounter) => e.period?.start ?? '';

function whenOf(e: Encounter): string {
  const start = dateInWords(e.period?.start);
  const end = e.period?.end && dateInWords(e.period.end);
  return end && end !== start ? `${start} to ${end}` : start;
}

export function VisitsTab({ record }: { record: ConsolidatedRecord }) {
  const visits = ofType<Encounter>(record, 'Encounter').filter((e) => e.status !== 'entered-in-error')
    .sort((a, b) => startOf(b).localeCompare(startOf(a)));
  return (
    <>
      <h2>Visits</h2>
      {visits.length === 0 ? <p>No visits are recorded.</p> : (
        <DataTable
          caption={`Visits, latest first (${visits.length})`}
          columns={['When', 'Visit', 'Status', 'Source']}
          rows={visits.map((e) => ({
            key: e.id!,
            cells: [
              whenOf(e),
              <>
                <span className="nhsuk-u-font-weight-bold">{conceptText(e.type?.[0]) ?? e.class?.display ?? 'Visit'}</span>
                {e.serviceProvider?.display && <><br />{e.serviceProvider.display}</>}
              </>,
              <Disputed resource={e} element="status" value={e.status} words={codeInWords} />,
              <ItemSources resource={e} />,
            ],
          }))}
        />
      )}
    </>
  );
}
