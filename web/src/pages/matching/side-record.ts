// One side of a candidate pair as a reviewer reads it: the source Patient's details as its system
// recorded them, or the normalised match features when the record cannot be read.
import type { ContactPoint, Patient } from '@medplum/fhirtypes';
import type { MatchSide } from './match-review.ts';
import { titleCase } from './match-words.ts';
import { NHS_NUMBER_SYSTEM, SOURCE_SYSTEM_PREFIX as SOURCE_PREFIX } from '../../../../src/fhir/systems.ts';

const GENDERS: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown', F: 'Female', M: 'Male' };

export interface SideRecord {
  patient: string;
  name?: string;
  birthDate?: string;
  nhsNumber?: string;
  /** Verified, not verified, or not known. */
  nhsStatus?: string;
  gender?: string;
  address?: string;
  postcode?: string;
  town?: string;
  phone?: string;
  email?: string;
  source?: string;
  updated?: string;
}

const telecom = (patient: Patient | undefined, system: ContactPoint['system']): string | undefined =>
  patient?.telecom?.find((t) => t.system === system)?.value;

function nhsStatus(side: MatchSide, nhsNumber: string | undefined): string | undefined {
  if (!nhsNumber) return undefined;
  if (side.nhsVerified === true) return 'Verified';
  if (side.nhsVerified === false) return 'Not verified';
  return 'Verification not known';
}

export function sideRecord(side: MatchSide, patient: Patient | undefined): SideRecord {
  const name = patient?.name?.find((n) => n.use === 'official') ?? patient?.name?.[0];
  const address = patient?.address?.find((a) => a.use === 'home') ?? patient?.address?.[0];
  const nhsNumber = patient?.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value ?? side.nhsNumber;
  const source = patient?.meta?.source?.startsWith(SOURCE_PREFIX) ? patient.meta.source.slice(SOURCE_PREFIX.length) : side.source;
  const record: Record<string, string | undefined> = {
    patient: side.patient,
    name: (name && (name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(' '))) || titleCase([side.given, side.middle, side.family].filter(Boolean).join(' ')),
    birthDate: patient?.birthDate ?? side.birthDate,
    nhsNumber,
    nhsStatus: nhsStatus(side, nhsNumber),
    gender: GENDERS[patient?.gender ?? side.sex ?? ''],
    address: address?.line?.join(', '),
    postcode: address?.postalCode ?? side.postcode,
    town: address?.city ?? titleCase(side.town),
    phone: telecom(patient, 'phone') ?? side.phone,
    email: telecom(patient, 'email') ?? side.email,
    source,
    updated: patient?.meta?.lastUpdated,
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v)) as unknown as SideRecord;
}
