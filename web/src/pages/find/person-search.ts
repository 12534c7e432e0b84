// Finding people: searches source Patient records (by NHS number, or by name and date of birth) with
// the Person each belongs to, and shows one result per human — the records of one person from the
// GP, the hospital and the council, linked by identity matching, are one result listing every source.
// See: docs/identity/fhir.md
import type { Bundle, Patient, Person } from '@medplum/fhirtypes';
import { fhir } from '../../lib/fhir.ts';
import { nhsIdentifierOf, verificationText } from '../record/person-format.ts';
import { NHS_NUMBER_SYSTEM } from '../../../../src/fhir/systems.ts';

export interface FoundPerson {
  /** `Person/{id}`, or the Patient's own reference when it is linked to no person. */
  key: string;
  /** The record to open: the one with a verified NHS number, else the most recently updated. */
  best: Patient;
  /** The person's records that matched the search, best first. */
  records: Patient[];
}

export type PersonQuery = { nhsNumber: string } | { family: string; given?: string; birthDate: string };

const MAX_RESULTS = 50;

export function searchQueryOf(query: PersonQuery): string {
  const params = new URLSearchParams();
  if ('nhsNumber' in query) params.set('identifier', `${NHS_NUMBER_SYSTEM}|${query.nhsNumber}`);
  else {
    params.set('name', query.family);
    if (query.given) params.set('given', query.given);
    params.set('birthdate', query.birthDate);
  }
  params.set('_revinclude', 'Person:patient');
  params.set('_count', String(MAX_RESULTS));
  return `Patient?${params}`;
}

function standing(p: Patient): number {
  const nhs = nhsIdentifierOf(p);
  return nhs ? (verificationText(nhs) === 'Verified' ? 0 : 1) : 2;
}

const byStanding = (a: Patient, b: Patient) => standing(a) - standing(b) || (b.meta?.lastUpdated ?? '').localeCompare(a.meta?.lastUpdated ?? '');

/** Groups matched records by the Person linking them, best record first in each, best people first. */
export function groupByPerson(patients: readonly Patient[], persons: readonly Person[]): FoundPerson[] {
  const personOf = new Map<string, string>();
  for (const person of persons) {
    if (person.active === false) continue;
    for (const link of person.link ?? []) if (link.target.reference) personOf.set(link.target.reference, `Person/${person.id}`);
  }
  const groups = new Map<string, Patient[]>();
  for (const patient of patients) {
    const key = personOf.get(`Patient/${patient.id}`) ?? `Patient/${patient.id}`;
    groups.set(key, [...(groups.get(key) ?? []), patient]);
  }
  return [...groups].map(([key, records]) => {
    const sorted = [...records].sort(byStanding);
    return { key, best: sorted[0]!, records: sorted };
  }).sort((a, b) => byStanding(a.best, b.best));
}

export async function searchPeople(query: PersonQuery): Promise<FoundPerson[]> {
  const bundle = await fhir<Bundle>(searchQueryOf(query));
  const entries = bundle.entry ?? [];
  const patients = entries.filter((e) => e.resource?.resourceType === 'Patient' && e.search?.mode !== 'include').map((e) => e.resource as Patient);
  const persons = entries.filter((e) => e.resource?.resourceType === 'Person').map((e) => e.resource as Person);
  return groupByPerson(patients, persons);
}
