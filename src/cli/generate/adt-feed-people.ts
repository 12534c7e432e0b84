// What an ADT feed says about a synthetic person and their clinicians: the PID a trust's PAS would
// send for a generated Patient, and the directory (ODS codes, consultants) it is written with.
import type { Organization, Patient, Practitioner, Resource } from '@medplum/fhirtypes';
import {
  ETHNIC_CATEGORY_EXTENSION,
  GMC_NUMBER_SYSTEM,
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  ODS_ORGANIZATION_SYSTEM,
} from '../../fhir/systems.ts';
import type { AdtPatientSpec, AdtVisitSpec } from '../../ingest/hl7/adt-writer.ts';
import { toHl7DateTime } from '../../ingest/hl7/hl7-fields.ts';
import { localIdentifierSystem } from './source-systems.ts';

export interface FeedDirectory {
  /** Organization id (e.g. ods-RK5) → ODS code. */
  readonly ods: ReadonlyMap<string, string>;
  /** Practitioner id → the consultant as PV1-7 names them. */
  readonly practitioners: ReadonlyMap<string, NonNullable<AdtVisitSpec['attending']>>;
}

/** Adds the shared bundle's organisations and practitioners to the directory. */
export function buildFeedDirectory(resources: readonly Resource[], base?: FeedDirectory): FeedDirectory {
  const ods = new Map(base?.ods ?? []);
  const practitioners = new Map(base?.practitioners ?? []);
  for (const r of resources) {
    if (r.resourceType === 'Organization') {
      const code = (r as Organization).identifier?.find((i) => i.system === ODS_ORGANIZATION_SYSTEM)?.value;
      if (code && r.id) ods.set(r.id, code);
    } else if (r.resourceType === 'Practitioner' && r.id) {
      const p = r as Practitioner;
      const name = p.name?.[0];
      if (!name?.family) continue;
      practitioners.set(r.id, {
        family: name.family,
        ...(name.given?.[0] ? { given: name.given[0] } : {}),
        ...(name.prefix?.[0] ? { prefix: name.prefix[0] } : {}),
        ...(p.identifier?.find((i) => i.system === GMC_NUMBER_SYSTEM)?.value ? { id: p.identifier.find((i) => i.system === GMC_NUMBER_SYSTEM)!.value! } : {}),
      });
    }
  }
  return { ods, practitioners };
}

const SEX: Record<string, AdtPatientSpec['sex']> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

/** The PID a trust sends for a Patient: its hospital number for that trust, NHS number and status, and demographics. */
export function patientSpec(patient: Patient, source: string, dir: FeedDirectory): AdtPatientSpec | undefined {
  const mrn = patient.identifier?.find((i) => i.system === localIdentifierSystem(source, 'mrn'))?.value;
  if (!mrn) return undefined;
  const nhs = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM);
  const status = nhs?.extension?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION)?.valueCodeableConcept?.coding?.[0]?.code;
  const name = patient.name?.[0];
  const address = patient.address?.[0];
  const phone = (use: string) => patient.telecom?.find((t) => t.system === 'phone' && t.use === use)?.value;
  const email = patient.telecom?.find((t) => t.system === 'email')?.value;
  const ethnic = patient.extension?.find((e) => e.url === ETHNIC_CATEGORY_EXTENSION)?.valueCodeableConcept?.coding?.[0]?.code;
  const gp = patient.generalPractitioner?.[0];
  const gpOds = gp?.reference ? dir.ods.get(gp.reference.split('/')[1] ?? '') : undefined;
  return {
    mrn,
    ...(nhs?.value ? { nhsNumber: nhs.value, ...(status ? { nhsNumberStatus: status } : {}) } : {}),
    ...(name?.family ? { family: name.family } : {}),
    ...(name?.given ? { given: name.given } : {}),
    ...(name?.prefix?.[0] ? { prefix: name.prefix[0] } : {}),
    ...(patient.birthDate ? { birthDate: patient.birthDate.replaceAll('-', '') } : {}),
    ...(patient.gender ? { sex: SEX[patient.gender] } : {}),
    ...(address?.line ? { address: { lines: address.line, city: address.city, district: address.district, postcode: address.postalCode } } : {}),
    ...(phone('home') ? { homePhone: phone('home') } : {}),
    ...(phone('mobile') ? { mobilePhone: phone('mobile') } : {}),
    ...(email ? { email } : {}),
    ...(ethnic ? { ethnicCategory: ethnic } : {}),
    ...(patient.deceasedDateTime ? { deceased: toHl7DateTime(patient.deceasedDateTime) } : {}),
    ...(gpOds ? { gp: { ods: gpOds, ...(gp?.display ? { name: gp.display } : {}) } } : {}),
  };
}
