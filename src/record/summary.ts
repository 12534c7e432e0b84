// One person's consolidated record, from the resources of all their linked source records: the
// Patient records (whose NHS number is verified, which GP practice each names), the clinical items
// de-duplicated across sources, and everything else person-scoped passed through as it came.
import type { Identifier, Organization, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION } from '../fhir/systems.ts';
import { toClinicalItem, type ClinicalItem } from './clinical-item.ts';
import { consolidate, type ConsolidatedItem } from './consolidate.ts';
import { referenceOf, reportedByOf, type ReportedBy } from './reported-by.ts';

/** One linked source record of the person. */
export interface PatientRecord {
  patient: Patient;
  reportedBy: ReportedBy;
  nhsNumber?: string;
  /** Its NHS number is verified (UK Core verification status 01). */
  nhsNumberVerified: boolean;
  /** The GP practice the record names (`generalPractitioner` pointing at an Organization). */
  gpPractice?: Reference;
}

export interface PersonSummary {
  /** Records with a verified NHS number first, then any NHS number, then the most recently updated. */
  patients: PatientRecord[];
  items: ConsolidatedItem[];
  /** Person-scoped resources of kinds not consolidated (care teams, episodes, plans, flags, results…). */
  others: Array<{ resource: Resource; reportedBy: ReportedBy }>;
  /** The GP practices the records name, when the caller may read them. */
  practices: Organization[];
}

const VERIFIED = '01';

function nhsNumberOf(patient: Patient): { value?: string; verified: boolean } {
  const id: Identifier | undefined = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM && i.value);
  if (!id) return { verified: false };
  const status = id.extension?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION)?.valueCodeableConcept?.coding?.[0]?.code;
  return { value: id.value!, verified: status === VERIFIED };
}

function patientRecord(patient: Patient): PatientRecord {
  const nhs = nhsNumberOf(patient);
  const gpPractice = patient.generalPractitioner?.find((r) => r.reference?.startsWith('Organization/') || r.type === 'Organization');
  return {
    patient,
    reportedBy: reportedByOf(patient),
    ...(nhs.value ? { nhsNumber: nhs.value } : {}),
    nhsNumberVerified: nhs.verified,
    ...(gpPractice ? { gpPractice } : {}),
  };
}

function byStanding(a: PatientRecord, b: PatientRecord): number {
  const rank = (r: PatientRecord) => (r.nhsNumberVerified ? 0 : r.nhsNumber ? 1 : 2);
  const updated = (r: PatientRecord) => Date.parse(r.reportedBy.lastUpdated ?? '') || 0;
  return rank(a) - rank(b) || updated(b) - updated(a) || (a.reportedBy.reference < b.reportedBy.reference ? -1 : 1);
}

/**
 * The person's summary from the resources of their records' compartments (`resources`) and the
 * shared resources those reference (`shared`: organisations, practitioners…).
 */
export function summarisePerson(resources: readonly Resource[], shared: readonly Resource[] = []): PersonSummary {
  const patients: PatientRecord[] = [];
  const items: ClinicalItem[] = [];
  const others: PersonSummary['others'] = [];
  for (const resource of resources) {
    if (resource.resourceType === 'Patient') {
      patients.push(patientRecord(resource));
      continue;
    }
    const item = toClinicalItem(resource);
    if (item) items.push(item);
    else others.push({ resource, reportedBy: reportedByOf(resource) });
  }
  patients.sort(byStanding);
  // By type, then by reference: the same record always reads the same way.
  others.sort((a, b) => a.reportedBy.reference.localeCompare(b.reportedBy.reference, 'en'));
  const named = new Set(patients.flatMap((p) => (p.gpPractice?.reference ? [p.gpPractice.reference] : [])));
  const practices = shared.filter((r): r is Organization => r.resourceType === 'Organization' && named.has(referenceOf(r)));
  return { patients, items: consolidate(items), others, practices };
}
