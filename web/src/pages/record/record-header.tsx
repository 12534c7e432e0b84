// The top of the record: who the person is across their linked records — NHS number and whether it
// is verified, date of birth and age, address, GP practice, and which systems hold a record of them.
import type { Organization, Patient, Reference } from '@medplum/fhirtypes';
import type { ReactNode } from 'react';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { addressInWords, ageInWords, dateInWords, nhsIdentifierOf, formatNhsNumber, verificationText } from './person-format.ts';
import { reportedByOf } from './provenance.ts';
import { sourceName } from './source-name.ts';
import { ODS_ORGANIZATION_SYSTEM as ODS } from '../../../../src/fhir/systems.ts';


function NhsNumber({ patients }: { patients: readonly Patient[] }) {
  const identifier = patients.map(nhsIdentifierOf).find((i) => i !== undefined);
  if (!identifier) return <>Not recorded</>;
  const status = verificationText(identifier);
  return (
    <>
      <span className="nhsuk-u-font-weight-bold">{formatNhsNumber(identifier.value!)}</span>{' '}
      {status === 'Verified'
        ? <strong className="nhsuk-tag nhsuk-tag--green">Verified</strong>
        : <><strong className="nhsuk-tag nhsuk-tag--yellow">Not verified</strong> {status ?? 'No verification status recorded'}</>}
    </>
  );
}

function practiceName(ref: Reference, organizations: readonly Organization[]): string {
  const org = organizations.find((o) => `Organization/${o.id}` === ref.reference);
  const code = org?.identifier?.find((i) => i.system === ODS)?.value ?? (ref.identifier?.system === ODS ? ref.identifier.value : undefined);
  const name = org?.name ?? ref.display;
  if (name && code) return `${name} (${code})`;
  return name ?? code ?? 'Named, but not in the directory';
}

function dateOfBirth(patient: Patient): string {
  const born = dateInWords(patient.birthDate);
  const died = patient.deceasedDateTime;
  const age = ageInWords(patient.birthDate, died ? new Date(died) : undefined);
  if (died) return `${born} (died ${dateInWords(died)}${age ? `, aged ${age.replace(' old', '')}` : ''})`;
  return age ? `${born} (${age})` : born;
}

function Row({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions">
      <dt className="nhsuk-summary-list__key">{name}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

export function RecordHeader({ record }: { record: ConsolidatedRecord }) {
  const [best] = record.patients;
  if (!best) return null;
  const gp = record.patients.flatMap((p) => p.generalPractitioner ?? []).find((r) => r.reference?.startsWith('Organization/') || r.type === 'Organization' || r.identifier?.system === ODS);
  const address = record.patients.map((p) => addressInWords(p.address)).find(Boolean);
  const sources = [...new Set(record.patients.flatMap((p) => reportedByOf(p).map((r) => sourceName(r.source))))];
  return (
    <dl className="nhsuk-summary-list" aria-label="About this person">
      <Row name="NHS number"><NhsNumber patients={record.patients} /></Row>
      <Row name="Date of birth">{dateOfBirth(best)}</Row>
      <Row name="Address">{address ?? 'Not recorded'}</Row>
      <Row name="GP practice">{gp ? practiceName(gp, record.organizations) : 'Not recorded'}</Row>
      <Row name="Records held by">
        <ul className="nhsuk-list nhsuk-u-margin-bottom-0">{sources.map((s) => <li key={s} className="nhsuk-u-margin-bottom-1">{s}</li>)}</ul>
      </Row>
    </dl>
  );
}
