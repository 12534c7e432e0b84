// Loads the signed-in person's own record: the consolidated `$summary` across all their linked
// records (one item per medicine, condition… however many services recorded it), and the
// organisations it names, so the page can say "Homerton Hospital" rather than a code.
import type { Bundle, Organization, Patient, Resource } from '@medplum/fhirtypes';
import { fhir, matches } from '../../lib/fhir.ts';

export interface MyRecord {
  patient?: Patient;
  resources: Resource[];
  /** By reference (`Organization/<id>`). */
  organisations: Map<string, Organization>;
}

/** Every `Organization/<id>` the resources refer to. */
function organisationReferences(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) organisationReferences(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string' && /^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(v)) found.add(v);
      else organisationReferences(v, found);
    }
  }
  return found;
}

export async function loadMyRecord(patientId: string): Promise<MyRecord> {
  const summary = await fhir<Bundle>(`Patient/${encodeURIComponent(patientId)}/$summary`);
  const resources = (summary.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);
  const organisations = new Map<string, Organization>();
  for (const r of resources) if (r.resourceType === 'Organization') organisations.set(`Organization/${r.id}`, r);
  const missing = [...organisationReferences(resources)].filter((ref) => !organisations.has(ref)).map((ref) => ref.slice('Organization/'.length));
  if (missing.length > 0) {
    const found = await fhir<Bundle>(`Organization?_id=${missing.map(encodeURIComponent).join(',')}&_count=${missing.length}`);
    for (const org of matches<Organization>(found)) organisations.set(`Organization/${org.id}`, org);
  }
  const patients = resources.filter((r): r is Patient => r.resourceType === 'Patient');
  const patient = patients.find((p) => p.id === patientId) ?? patients[0];
  return { ...(patient ? { patient } : {}), resources, organisations };
}
