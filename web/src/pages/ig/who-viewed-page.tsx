// "Who viewed a record": the IG lead finds a person by NHS number, sees who they are (their
// demographics, which IG roles may see) and the access log of every record linked to them.
import type { Bundle, Patient, Person } from '@medplum/fhirtypes';
import { Loading, Problem } from '../../components/problem.tsx';
import { fhir, matches } from '../../lib/fhir.ts';
import { navigate, useLocation } from '../../lib/router.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { AccessLog } from './access-log.tsx';
import { nameText } from './directory-names.ts';
import { formatDate, formatNhsNumber } from './display-formats.ts';
import { NhsNumberForm } from './nhs-number-form.tsx';
import { NHS_NUMBER_SYSTEM, SOURCE_SYSTEM_PREFIX as SOURCE_PREFIX } from '../../../../src/fhir/systems.ts';


interface FoundPerson {
  name: string;
  birthDate?: string;
  /** The person's source records, `Patient/id`. */
  patients: string[];
  sources: string[];
}

/** The person with this NHS number and all their linked records (or the records alone, if not yet linked). */
async function findPerson(nhsNumber: string): Promise<FoundPerson | undefined> {
  const identifier = encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`);
  const bundle = await fhir<Bundle>(`Person?identifier=${identifier}&_include=Person:patient`);
  const persons = matches<Person>(bundle);
  let records = (bundle.entry ?? []).filter((e) => e.search?.mode === 'include' && e.resource?.resourceType === 'Patient').map((e) => e.resource as Patient);
  let patients = persons.flatMap((p) => (p.link ?? []).map((l) => l.target.reference ?? '').filter((r) => r.startsWith('Patient/')));
  if (patients.length === 0) {
    records = matches<Patient>(await fhir<Bundle>(`Patient?identifier=${identifier}`));
    patients = records.map((p) => `Patient/${p.id}`);
  }
  if (patients.length === 0) return undefined;
  const best = persons[0] ?? records[0]!;
  const sources = [...new Set(records.map((r) => r.meta?.source ?? '').filter((s) => s.startsWith(SOURCE_PREFIX)).map((s) => s.slice(SOURCE_PREFIX.length)))];
  return { name: nameText(best.name?.[0]), ...(best.birthDate ? { birthDate: best.birthDate } : {}), patients: [...new Set(patients)], sources };
}

function PersonAccess({ nhsNumber }: { nhsNumber: string }) {
  const [found] = useLoad(() => findPerson(nhsNumber), [nhsNumber]);
  if (found.state === 'loading') return <Loading what="the person" />;
  if (found.state === 'failed') return <Problem error={found.error} />;
  const person = found.data;
  if (!person) {
    return (
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>No one with NHS number {formatNhsNumber(nhsNumber)} is in the shared care record.</p>
      </div>
    );
  }
  return (
    <>
      <h2>{person.name}</h2>
      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">NHS number</dt>
          <dd className="nhsuk-summary-list__value">{formatNhsNumber(nhsNumber)}</dd>
        </div>
        {person.birthDate && (
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Date of birth</dt>
            <dd className="nhsuk-summary-list__value">{formatDate(person.birthDate)}</dd>
          </div>
        )}
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Records</dt>
          <dd className="nhsuk-summary-list__value">
            {person.patients.length} {person.patients.length === 1 ? 'record' : 'records'} linked to this person
            {person.sources.length > 0 && <>, from {person.sources.join(', ')}</>}
          </dd>
        </div>
      </dl>
      <AccessLog patients={person.patients} whose={`${person.name}’s`} />
    </>
  );
}

export function WhoViewedPage() {
  const location = useLocation();
  const nhsNumber = new URLSearchParams(location.split('?')[1] ?? '').get('nhs') ?? undefined;
  return (
    <>
      <p>Find a person by their NHS number to see everyone who accessed their record, including refused attempts.</p>
      <NhsNumberForm key={nhsNumber ?? ''} initial={nhsNumber} submitText="Show who viewed" onFind={(nhs) => navigate(`/ig?nhs=${nhs}`)} />
      {nhsNumber && <PersonAccess key={nhsNumber} nhsNumber={nhsNumber} />}
    </>
  );
}
