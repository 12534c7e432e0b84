// What the record page reads, in the order the access rules need: first the caller's standing
// ($access); without a relationship only the Patient's demographics (to say whose record it is);
// with one, the consolidated record, the CP-IS plans when the role sees alerts, and the directory
// entries the social-care record names.
import type { Bundle, CareTeam, Parameters, Patient } from '@medplum/fhirtypes';
import { fhir } from '../../lib/fhir.ts';
import { accessStatusOf, type AccessStatus } from './access-status.ts';
import { loadConsolidatedRecord, type ConsolidatedRecord } from './consolidated-record.ts';
import { loadDirectory, type Directory } from './directory.ts';

export interface AccessChoiceData {
  kind: 'choice';
  access: AccessStatus;
  patient: Patient;
}

export interface RecordData {
  kind: 'record';
  access: AccessStatus;
  record: ConsolidatedRecord;
  /** CP-IS plans as CP-IS CareTeams; `failed` when CP-IS could not be asked; undefined when the role does not see alerts. */
  cpis?: CareTeam[] | 'failed';
  directory: Directory;
}

export type RecordPageData = AccessChoiceData | RecordData;

const path = (patientId: string, operation: string) => `Patient/${encodeURIComponent(patientId)}/${operation}`;

async function loadCpis(patientId: string): Promise<CareTeam[] | 'failed'> {
  try {
    const bundle = await fhir<Bundle>(path(patientId, '$cpis'));
    return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is CareTeam => r?.resourceType === 'CareTeam');
  } catch {
    // The alerts banner says CP-IS could not be checked rather than implying there is no plan.
    return 'failed';
  }
}

export async function loadRecordPage(patientId: string): Promise<RecordPageData> {
  const access = accessStatusOf(await fhir<Parameters>(path(patientId, '$access')));
  if (!access.visible) return { kind: 'choice', access, patient: await fhir<Patient>(`Patient/${encodeURIComponent(patientId)}`) };
  const [record, cpis] = await Promise.all([
    loadConsolidatedRecord(patientId),
    access.categories.includes('alerts') ? loadCpis(patientId) : Promise.resolve(undefined),
  ]);
  const directory = access.categories.includes('social-care') ? await loadDirectory(record.resources) : new Map();
  return { kind: 'record', access, record, ...(cpis ? { cpis } : {}), directory };
}
