// Which source record a person's demographics come from. The rule, field by field: take the field
// from the best-ranked record that has it, where records rank by (1) a verified NHS number,
// (2) not a placeholder (BABY BOY, UNKNOWN, a filler date of birth), (3) most recently updated,
// (4) patient id, so that the same records always give the same person.
import type { Address, ContactPoint, HumanName, Patient } from '@medplum/fhirtypes';
import { isPlaceholderNhsNumber, isValidNhsNumber } from '../../fhir/nhs-number.ts';
import { NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION } from '../../fhir/systems.ts';
import type { MatchRecord } from '../match-types.ts';
import type { LinkRow } from './link-types.ts';

/** One linked source record: its link, the stored Patient (absent once deleted) and its match features. */
export interface PersonSource {
  link: LinkRow;
  patient?: Patient;
  record?: MatchRecord;
}

export interface NhsNumberClaim {
  value: string;
  verified: boolean;
}

/** The verification code meaning "number present and verified" (UK Core). */
const VERIFIED_CODE = '01';

function verifiedInResource(patient: Patient, value: string): boolean {
  const identifier = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM && i.value?.replace(/\s+/g, '') === value);
  const status = identifier?.extension?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION)?.valueCodeableConcept;
  return status?.coding?.some((c) => c.code === VERIFIED_CODE) ?? false;
}

/** The record's NHS number: matching's normalised one, else a valid one on the Patient. */
export function nhsNumberOf(source: PersonSource): NhsNumberClaim | undefined {
  const fromRecord = source.record?.nhsNumber;
  const value = fromRecord ?? source.patient?.identifier
    ?.filter((i) => i.system === NHS_NUMBER_SYSTEM && i.value)
    .map((i) => i.value!.replace(/\s+/g, ''))
    .find((v) => isValidNhsNumber(v) && !isPlaceholderNhsNumber(v));
  if (!value) return undefined;
  const verified = source.record?.nhsVerified ?? (source.patient ? verifiedInResource(source.patient, value) : false);
  return { value, verified };
}

function isPlaceholder(source: PersonSource): boolean {
  return source.record?.placeholder !== undefined;
}

/** The records best first, by the survivorship rule above. */
export function rankSources(sources: readonly PersonSource[]): PersonSource[] {
  const key = (s: PersonSource) => ({
    verified: nhsNumberOf(s)?.verified ? 0 : 1,
    placeholder: isPlaceholder(s) ? 1 : 0,
    updated: s.patient?.meta?.lastUpdated ?? '',
  });
  return [...sources].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.verified - kb.verified || ka.placeholder - kb.placeholder
      || (ka.updated === kb.updated ? 0 : ka.updated > kb.updated ? -1 : 1)
      || (a.link.patientId < b.link.patientId ? -1 : a.link.patientId > b.link.patientId ? 1 : 0);
  });
}

/** The demographics a person shows, each taken from the best-ranked record that has it. */
export interface SurvivingFields {
  name?: HumanName[];
  gender?: Patient['gender'];
  birthDate?: string;
  address?: Address[];
  telecom?: ContactPoint[];
}

const nonEmpty = <T>(v: T[] | undefined): T[] | undefined => (v && v.length > 0 ? v : undefined);

export function survivingFields(sources: readonly PersonSource[]): SurvivingFields {
  const ranked = rankSources(sources).map((s) => s.patient).filter((p): p is Patient => p !== undefined);
  const first = <T>(pick: (p: Patient) => T | undefined): T | undefined => {
    for (const p of ranked) {
      const value = pick(p);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const fields: SurvivingFields = {};
  const name = first((p) => nonEmpty(p.name));
  if (name) fields.name = name;
  const gender = first((p) => p.gender);
  if (gender) fields.gender = gender;
  const birthDate = first((p) => p.birthDate);
  if (birthDate) fields.birthDate = birthDate;
  const address = first((p) => nonEmpty(p.address));
  if (address) fields.address = address;
  const telecom = first((p) => nonEmpty(p.telecom));
  if (telecom) fields.telecom = telecom;
  return fields;
}
