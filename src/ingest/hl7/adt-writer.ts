// Writes ADT messages (HL7 v2.4, as NHS trusts send them) from a plain description of the event:
// the synthetic hospital feeds the generator produces, and messages in tests. Field placement
// follows the mapping in docs/mapping/hl7-adt.md, so what this writes, the ingestor reads back.
import type { AdtEvent } from './adt-codes.ts';
import { components, escapeText, message, repeat, segment } from './hl7-writer.ts';

export interface AdtPatientSpec {
  mrn: string;
  nhsNumber?: string;
  /** NHS number status 01–08, sent as NSTS01… in PID-32. */
  nhsNumberStatus?: string;
  family?: string;
  given?: readonly string[];
  prefix?: string;
  /** YYYYMMDD. */
  birthDate?: string;
  sex?: 'M' | 'F' | 'U' | 'O';
  address?: { lines: readonly string[]; city?: string; district?: string; postcode?: string };
  homePhone?: string;
  mobilePhone?: string;
  email?: string;
  /** England ethnic category code (A…Z, 99). */
  ethnicCategory?: string;
  /** HL7 DTM. */
  deceased?: string;
  gp?: { ods: string; name?: string };
}

export interface AdtVisitSpec {
  number: string;
  /** HL7 table 0004: I, E, O, P… */
  patientClass: string;
  ward?: string;
  room?: string;
  bed?: string;
  priorWard?: string;
  admitMethod?: string;
  attending?: { id?: string; family: string; given?: string; prefix?: string };
  /** HL7 DTM. */
  admitted?: string;
  discharged?: string;
  /** Discharge destination (PV1-37). */
  destination?: string;
  hospital?: string;
}

export interface AdtMessageSpec {
  event: AdtEvent;
  controlId: string;
  sendingApplication?: string;
  sendingFacility: string;
  /** MSH-7 (HL7 DTM). */
  sent: string;
  /** EVN-2 (HL7 DTM); MSH-7 when absent. */
  recorded?: string;
  processingId?: string;
  patient: AdtPatientSpec;
  visit?: AdtVisitSpec;
  /** A40: hospital number of the patient merged away. */
  mergedMrn?: string;
}

const STRUCTURES: Partial<Record<AdtEvent, string>> = {
  A01: 'ADT_A01', A04: 'ADT_A01', A08: 'ADT_A01', A13: 'ADT_A01', A05: 'ADT_A05', A28: 'ADT_A05', A31: 'ADT_A05',
  A02: 'ADT_A02', A03: 'ADT_A03', A11: 'ADT_A09', A12: 'ADT_A12', A40: 'ADT_A39',
};

function pid(p: AdtPatientSpec, facility: string): string {
  const t = (v: string | undefined) => (v === undefined ? undefined : escapeText(v));
  const address = p.address
    ? components(t(p.address.lines[0]), t(p.address.lines.slice(1).join(', ')), t(p.address.city), t(p.address.district), t(p.address.postcode), 'GBR', 'H')
    : undefined;
  return segment('PID', {
    1: '1',
    3: repeat(components(p.mrn, '', '', facility, 'MR'), p.nhsNumber ? components(p.nhsNumber, '', '', 'NHS', 'NH') : undefined),
    5: components(t(p.family), t(p.given?.[0]), t(p.given?.slice(1).join(' ')), '', t(p.prefix), '', 'L'),
    7: p.birthDate,
    8: p.sex,
    11: address,
    13: repeat(p.homePhone ? components(p.homePhone, 'PRN', 'PH') : undefined, p.mobilePhone ? components(p.mobilePhone, 'PRN', 'CP') : undefined,
      p.email ? components('', 'NET', 'Internet', p.email) : undefined),
    22: p.ethnicCategory,
    29: p.deceased,
    30: p.deceased ? 'Y' : undefined,
    32: p.nhsNumber && p.nhsNumberStatus ? `NSTS${p.nhsNumberStatus}` : undefined,
  });
}

function pv1(v: AdtVisitSpec): string {
  const doctor = v.attending;
  return segment('PV1', {
    1: '1',
    2: v.patientClass,
    3: v.ward ? components(v.ward, v.room, v.bed, v.hospital) : undefined,
    4: v.admitMethod,
    6: v.priorWard ? components(v.priorWard, '', '', v.hospital) : undefined,
    7: doctor ? components(doctor.id, escapeText(doctor.family), doctor.given ? escapeText(doctor.given) : undefined, '', '', doctor.prefix) : undefined,
    19: v.number,
    37: v.destination,
    39: v.hospital,
    44: v.admitted,
    45: v.discharged,
  });
}

/** The message text (segments separated by CR). */
export function writeAdtMessage(spec: AdtMessageSpec): string {
  const segments = [
    segment('MSH', {
      3: spec.sendingApplication ?? 'PAS', 4: spec.sendingFacility, 5: 'SHAREDCARE', 6: 'SHAREDCARE', 7: spec.sent,
      9: components('ADT', spec.event, STRUCTURES[spec.event]), 10: spec.controlId, 11: spec.processingId ?? 'P', 12: '2.4',
    }),
    segment('EVN', { 1: spec.event, 2: spec.recorded ?? spec.sent }),
    pid(spec.patient, spec.sendingFacility),
  ];
  if (spec.patient.gp) segments.push(segment('PD1', { 3: components(escapeText(spec.patient.gp.name ?? ''), '', spec.patient.gp.ods) }));
  if (spec.mergedMrn) segments.push(segment('MRG', { 1: components(spec.mergedMrn, '', '', spec.sendingFacility, 'MR') }));
  if (spec.visit) segments.push(pv1(spec.visit));
  return message(...segments);
}
