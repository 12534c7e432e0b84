// Medications across every source, one row per medicine the consolidated record found (a GP
// prescription and the hospital's "medicines on admission" for the same drug are one row with both
// sources); a dose the sources disagree on shows each dose with its source.
import type { MedicationRequest, MedicationStatement } from '@medplum/fhirtypes';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { ofType } from './consolidated-record.ts';
import { DataTable, type TableRow } from './data-table.tsx';
import { Disputed, ItemSources, codeInWords } from './item-sources.tsx';
import { conceptText, dateInWords } from './person-format.ts';
import { reportedByOf } from './provenance.ts';

type Medication = MedicationRequest | MedicationStatement;

const CURRENT = new Set(['active', 'on-hold', 'intended', 'draft', 'unknown']);

function medicineName(m: Medication): string {
  if (m.medicationCodeableConcept) return conceptText(m.medicationCodeableConcept) ?? 'Unnamed medicine';
  const ref = m.medicationReference;
  const contained = ref?.reference?.startsWith('#') ? m.contained?.find((c) => `#${c.id}` === ref.reference) : undefined;
  const code = contained && 'code' in contained ? conceptText(contained.code as MedicationRequest['medicationCodeableConcept']) : undefined;
  return code ?? ref?.display ?? 'Unnamed medicine';
}

function doseOf(m: Medication): string | undefined {
  const dosages = m.resourceType === 'MedicationRequest' ? m.dosageInstruction : m.dosage;
  const texts = (dosages ?? []).map((d) => d.text ?? d.patientInstruction).filter((t): t is string => !!t?.trim());
  return texts.length > 0 ? texts.join('; ') : undefined;
}

function ownStart(m: Medication): string | undefined {
  if (m.resourceType === 'MedicationRequest') return m.dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod?.start ?? m.authoredOn;
  return m.effectivePeriod?.start ?? m.effectiveDateTime ?? m.dateAsserted;
}

/** The earliest any source says: the shown resource may be the latest report (a hospital's today) of a years-old prescription. */
function startedOf(m: Medication): string | undefined {
  const dates = [ownStart(m), ...reportedByOf(m).map((r) => r.recorded)].filter((d): d is string => !!d);
  return dates.sort((a, b) => (Date.parse(a) || 0) - (Date.parse(b) || 0))[0];
}

function rowOf(m: Medication): TableRow {
  return {
    key: `${m.resourceType}/${m.id}`,
    cells: [
      <span className="nhsuk-u-font-weight-bold">{medicineName(m)}</span>,
      <Disputed resource={m} element="dosage" value={doseOf(m)} />,
      <>{dateInWords(startedOf(m))}<br /><span className="nhsuk-body-s">{codeInWords(m.status ?? 'unknown')}</span></>,
      <ItemSources resource={m} />,
    ],
  };
}

const COLUMNS = ['Medicine', 'Dose', 'Started', 'Source'];

export function MedicationsTab({ record }: { record: ConsolidatedRecord }) {
  const all = ofType<Medication>(record, 'MedicationRequest', 'MedicationStatement').filter((m) => m.status !== 'entered-in-error');
  const current = all.filter((m) => CURRENT.has(m.status ?? 'unknown'));
  const past = all.filter((m) => !CURRENT.has(m.status ?? 'unknown'));
  return (
    <>
      <h2>Medications</h2>
      {all.length === 0 && <p>No medications are recorded.</p>}
      {current.length > 0 && <DataTable caption={`Current medications (${current.length})`} columns={COLUMNS} rows={current.map(rowOf)} />}
      {current.length === 0 && all.length > 0 && <p>No current medications are recorded.</p>}
      {past.length > 0 && <DataTable caption={`Past medications (${past.length})`} columns={COLUMNS} rows={past.map(rowOf)} />}
    </>
  );
}
