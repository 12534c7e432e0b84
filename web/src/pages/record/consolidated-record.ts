// The person's consolidated record as the page uses it, read from Patient/{id}/$summary: their
// linked source Patient records (best first), every consolidated item and other person-scoped
// resource, and the GP practices named. Reading $everything instead only needs `SUMMARY_PATH`
// changed: entries without $summary's extensions are reported by their own meta.source.
import type { Bundle, Organization, Patient, Resource } from '@medplum/fhirtypes';
import { fhir } from '../../lib/fhir.ts';

const SUMMARY_PATH = (patientId: string) => `Patient/${encodeURIComponent(patientId)}/$summary`;

export interface ConsolidatedRecord {
  /** Every linked source record, the one with a verified NHS number and the latest update first. */
  patients: Patient[];
  /** Everything else about the person the caller may see, each item once. */
  resources: Resource[];
  /** Organisations the record names (GP practices). */
  organizations: Organization[];
}

export function consolidatedRecordOf(bundle: Bundle): ConsolidatedRecord {
  const record: ConsolidatedRecord = { patients: [], resources: [], organizations: [] };
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (!resource || entry.search?.mode === 'outcome') continue;
    if (resource.resourceType === 'Patient') record.patients.push(resource);
    else if (resource.resourceType === 'Organization') record.organizations.push(resource);
    else record.resources.push(resource);
  }
  return record;
}

export async function loadConsolidatedRecord(patientId: string): Promise<ConsolidatedRecord> {
  return consolidatedRecordOf(await fhir<Bundle>(SUMMARY_PATH(patientId)));
}

/** The record's resources of the given types. */
export function ofType<T extends Resource>(record: ConsolidatedRecord, ...types: Array<T['resourceType']>): T[] {
  return record.resources.filter((r): r is T => (types as string[]).includes(r.resourceType));
}
