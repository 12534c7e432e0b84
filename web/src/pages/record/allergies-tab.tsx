// Allergies and intolerances from every source, each substance once, with the reaction, how serious
// it is and whether it is still current; where sources disagree on status or criticality, both show.
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { ofType } from './consolidated-record.ts';
import { DataTable } from './data-table.tsx';
import { Disputed, ItemSources, codeInWords } from './item-sources.tsx';
import { conceptText, dateInWords } from './person-format.ts';

const CRITICALITY: Readonly<Record<string, string>> = { high: 'High risk', low: 'Low risk', 'unable-to-assess': 'Unable to assess' };

function reactionOf(a: AllergyIntolerance): string {
  const reactions = (a.reaction ?? []).map((r) => {
    const what = (r.manifestation ?? []).map(conceptText).filter(Boolean).join(', ');
    return r.severity ? `${what} (${r.severity})` : what;
  }).filter(Boolean);
  return reactions.length > 0 ? reactions.join('; ') : 'Not recorded';
}

export function AllergiesTab({ record }: { record: ConsolidatedRecord }) {
  const allergies = ofType<AllergyIntolerance>(record, 'AllergyIntolerance').filter((a) => a.verificationStatus?.coding?.[0]?.code !== 'entered-in-error');
  return (
    <>
      <h2>Allergies</h2>
      {allergies.length === 0 ? <p>No allergies or intolerances are recorded.</p> : (
        <DataTable
          caption={`Allergies and intolerances (${allergies.length})`}
          columns={['Substance', 'Reaction', 'Risk and status', 'Recorded', 'Source']}
          rows={allergies.map((a) => ({
            key: a.id!,
            cells: [
              <span className="nhsuk-u-font-weight-bold">{conceptText(a.code) ?? 'Unnamed substance'}</span>,
              reactionOf(a),
              <>
                <Disputed resource={a} element="criticality" value={a.criticality} words={(v) => CRITICALITY[v] ?? codeInWords(v)} />
                <br />
                <Disputed resource={a} element="clinicalStatus" value={a.clinicalStatus?.coding?.[0]?.code} words={codeInWords} />
              </>,
              dateInWords(a.recordedDate ?? a.onsetDateTime),
              <ItemSources resource={a} />,
            ],
          }))}
        />
      )}
    </>
  );
}
