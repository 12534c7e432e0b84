// PID and PD1 → UK Core Patient: the hospital number (the source record id), the NHS number with its
// verification status, names, date of birth, sex, addresses, phones, death, ethnic category and
// registered GP practice. Pure: the merge rules and the stored state are applied in adt-patient-state.ts.
// See: ../../../docs/mapping/hl7-adt.md#patient
import type { Address, ContactPoint, Extension, HumanName, Identifier, Organization, Patient, Reference } from '@medplum/fhirtypes';
import type { Hl7Segment } from '@medplum/core';
import { isPlaceholderNhsNumber, isValidNhsNumber } from '../../fhir/nhs-number.ts';
import {
  ETHNIC_CATEGORY_EXTENSION,
  ETHNIC_CATEGORY_SYSTEM,
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
  ODS_ORGANIZATION_SYSTEM,
  UK_CORE_PATIENT_PROFILE,
  NHS_NUMBER_VERIFICATION_STATUSES,
} from '../../fhir/systems.ts';
import { sourceIdentifier } from '../provenance.ts';
import { ADDRESS_USES, ETHNIC_CATEGORIES, NAME_USES, SEXES } from './adt-codes.ts';
import { hl7Invalid } from './hl7-errors.ts';
import { hl7Date, hl7DateTime, present, repetitionCount, value } from './hl7-fields.ts';

/** The NHS number's OID, which some senders put in CX-4.2 instead of "NHS". */
const NHS_NUMBER_OID = '2.16.840.1.113883.2.1.4.1';
/** UK Core says the status SHOULD be given; a PAS that sends none has not told us it traced the number. */
const DEFAULT_NHS_NUMBER_STATUS = '02';

export interface MappedPatient {
  /** The hospital number: the patient's source record id (`patient/<mrn>`). */
  mrn: string;
  /** The Patient as this message describes it, without id, meta.source, `active` or merge links. */
  patient: Patient;
}

/** One repetition of a CX identifier list (PID-2, PID-3, MRG-1). */
interface Cx {
  id: string;
  authority: string;
  authorityOid: string;
  type: string;
  location: string;
}

function identifierList(segment: Hl7Segment | undefined, field: number): Cx[] {
  const out: Cx[] = [];
  for (let rep = 0; rep < repetitionCount(segment, field); rep++) {
    const id = value(segment, field, 1, rep);
    if (!present(id)) continue;
    out.push({
      id, authority: value(segment, field, 4, rep, 1), authorityOid: value(segment, field, 4, rep, 2), type: value(segment, field, 5, rep).toUpperCase(),
      location: `${segment!.name}-${field}${rep > 0 ? `[${rep + 1}]` : ''}`,
    });
  }
  return out;
}

function isNhsNumber(cx: Cx): boolean {
  return cx.type === 'NH' || /^NHS/i.test(cx.authority) || cx.authorityOid === NHS_NUMBER_OID;
}

/** The hospital number among a CX list: the sending facility's MR/PI number, else any MR, PI, then the first local id. */
export function hospitalNumber(segment: Hl7Segment | undefined, field: number, facility: string): string {
  const local = identifierList(segment, field).filter((cx) => !isNhsNumber(cx));
  const ranked = [
    local.find((cx) => facility !== '' && cx.authority.toUpperCase() === facility.toUpperCase() && ['MR', 'PI', ''].includes(cx.type)),
    local.find((cx) => cx.type === 'MR'),
    local.find((cx) => cx.type === 'PI'),
    local[0],
  ].find((cx) => cx !== undefined);
  const location = `${segment?.name ?? 'PID'}-${field}`;
  if (!ranked) throw hl7Invalid('INGEST_HL7_REQUIRED', `${location} must include the hospital number (a local patient identifier)`, location);
  if (ranked.id.length > 64 || /[\u0000-\u001f]/.test(ranked.id)) {
    throw hl7Invalid('INGEST_HL7_REQUIRED', `${ranked.location} is not a usable hospital number`, ranked.location);
  }
  return ranked.id;
}

function nhsNumberIdentifier(pid: Hl7Segment): Identifier | undefined {
  const candidates = [...identifierList(pid, 3), ...identifierList(pid, 2)].filter(isNhsNumber);
  for (const cx of candidates) {
    const digits = cx.id.replace(/\s+/g, '');
    // Ten repeated digits mean "unknown" to many systems: no NHS number, not a wrong one.
    if (isPlaceholderNhsNumber(digits)) continue;
    if (!isValidNhsNumber(digits)) {
      throw hl7Invalid('INGEST_HL7_NHS_NUMBER', `${cx.location} is not a valid NHS number (10 digits with a Modulus 11 check digit)`, cx.location);
    }
    const status = verificationStatus(pid);
    return {
      system: NHS_NUMBER_SYSTEM,
      value: digits,
      extension: [{
        url: NHS_NUMBER_VERIFICATION_EXTENSION,
        valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: status, display: NHS_NUMBER_VERIFICATION_STATUSES[status] }] },
      }],
    };
  }
  return undefined;
}

/** PID-32 identity reliability: NSTS01…NSTS08 (HL7 UK table 0445), or the bare code. */
function verificationStatus(pid: Hl7Segment): string {
  for (let rep = 0; rep < repetitionCount(pid, 32); rep++) {
    const code = value(pid, 32, 1, rep).toUpperCase().replace(/^NSTS/, '');
    if (NHS_NUMBER_VERIFICATION_STATUSES[code]) return code;
  }
  return DEFAULT_NHS_NUMBER_STATUS;
}

function names(pid: Hl7Segment): HumanName[] {
  const out: HumanName[] = [];
  for (let rep = 0; rep < repetitionCount(pid, 5); rep++) {
    const family = present(value(pid, 5, 1, rep, 1));
    const given = [value(pid, 5, 2, rep), ...value(pid, 5, 3, rep).split(/\s+/)].filter((g) => present(g));
    const prefix = present(value(pid, 5, 5, rep));
    const suffix = present(value(pid, 5, 4, rep));
    const use = NAME_USES[value(pid, 5, 7, rep).toUpperCase()];
    if (!family && given.length === 0) continue;
    out.push({ ...(use ? { use } : {}), ...(family ? { family } : {}), ...(given.length ? { given } : {}),
      ...(prefix ? { prefix: [prefix] } : {}), ...(suffix ? { suffix: [suffix] } : {}) });
  }
  return out;
}

function addresses(pid: Hl7Segment): Address[] {
  const out: Address[] = [];
  for (let rep = 0; rep < repetitionCount(pid, 11); rep++) {
    const line = [value(pid, 11, 1, rep, 1), value(pid, 11, 2, rep)].filter((l) => present(l));
    const city = present(value(pid, 11, 3, rep));
    const district = present(value(pid, 11, 4, rep));
    const postalCode = present(value(pid, 11, 5, rep));
    const country = present(value(pid, 11, 6, rep));
    if (!line.length && !city && !postalCode) continue;
    const kind = ADDRESS_USES[value(pid, 11, 7, rep).toUpperCase()] ?? {};
    out.push({ ...kind, ...(line.length ? { line } : {}), ...(city ? { city } : {}), ...(district ? { district } : {}),
      ...(postalCode ? { postalCode } : {}), ...(country ? { country } : {}) });
  }
  return out;
}

function telecoms(pid: Hl7Segment, field: 13 | 14): ContactPoint[] {
  const out: ContactPoint[] = [];
  for (let rep = 0; rep < repetitionCount(pid, field); rep++) {
    const use = value(pid, field, 2, rep).toUpperCase();
    const equipment = value(pid, field, 3, rep).toUpperCase();
    const email = use === 'NET' || equipment === 'INTERNET' || equipment === 'X.400';
    const number = present(value(pid, field, 12, rep)) ?? present(value(pid, field, 1, rep))
      ?? present(`${value(pid, field, 6, rep)}${value(pid, field, 7, rep)}`);
    const text = email ? (present(value(pid, field, 4, rep)) ?? number) : number;
    if (!text) continue;
    out.push({ system: email ? 'email' : equipment === 'FX' ? 'fax' : 'phone', value: text,
      use: field === 14 || use === 'WPN' ? 'work' : equipment === 'CP' ? 'mobile' : 'home' });
  }
  return out;
}

function ethnicCategory(pid: Hl7Segment): Extension[] {
  const code = value(pid, 22, 1).toUpperCase();
  const display = ETHNIC_CATEGORIES[code];
  if (!display) return [];
  return [{ url: ETHNIC_CATEGORY_EXTENSION, valueCodeableConcept: { coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code, display }] } }];
}

/** PD1-3: the registered GP practice (XON-10, or XON-3 in v2.3/2.4) by ODS code. */
function practice(pd1: Hl7Segment | undefined): Reference<Organization>[] {
  const name = present(value(pd1, 3, 1));
  const ods = present(value(pd1, 3, 10)) ?? present(value(pd1, 3, 3));
  if (!ods && !name) return [];
  const identified = ods && /^[A-Za-z0-9]{3,10}$/.test(ods);
  return [{ type: 'Organization', ...(identified ? { identifier: { system: ODS_ORGANIZATION_SYSTEM, value: ods.toUpperCase() } } : {}),
    ...(name ? { display: name } : {}) }];
}

/** Maps PID (and PD1) to the Patient this message describes. Throws FhirErrors (AE) for missing or malformed fields. */
export function mapPatient(pid: Hl7Segment | undefined, pd1: Hl7Segment | undefined, source: string, facility: string,
  timeZone?: string): MappedPatient {
  if (!pid) throw hl7Invalid('INGEST_HL7_SEGMENT', 'The PID segment is required', 'PID');
  const mrn = hospitalNumber(pid, 3, facility);
  const nhs = nhsNumberIdentifier(pid);
  const birthDate = hl7Date(value(pid, 7), 'PID-7');
  const deceasedAt = hl7DateTime(value(pid, 29), 'PID-29', timeZone);
  const deceased: Pick<Patient, 'deceasedDateTime' | 'deceasedBoolean'> = deceasedAt ? { deceasedDateTime: deceasedAt }
    : value(pid, 30).toUpperCase() === 'Y' ? { deceasedBoolean: true } : {};
  const gender = present(value(pid, 8).toUpperCase());
  const name = names(pid);
  const telecom = [...telecoms(pid, 13), ...telecoms(pid, 14)];
  const address = addresses(pid);
  const extension = ethnicCategory(pid);
  const generalPractitioner = practice(pd1);
  const patient: Patient = {
    resourceType: 'Patient',
    meta: { profile: [UK_CORE_PATIENT_PROFILE] },
    ...(extension.length ? { extension } : {}),
    identifier: [...(nhs ? [nhs] : []), sourceIdentifier(source, 'mrn', mrn)],
    ...(name.length ? { name } : {}),
    ...(telecom.length ? { telecom } : {}),
    ...(gender ? { gender: SEXES[gender] ?? 'unknown' } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...deceased,
    ...(address.length ? { address } : {}),
    ...(generalPractitioner.length ? { generalPractitioner } : {}),
  };
  return { mrn, patient };
}
