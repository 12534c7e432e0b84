// One ADT message read into what it says: the patient (PID/PD1), the visit event (PV1/PV2) for
// visit messages, and the patient merged away (MRG) for A40. Pure; refusals are FhirErrors.
// See: ../../../docs/mapping/hl7-adt.md
import type { Hl7Message } from '@medplum/core';
import { VISIT_EVENTS } from './adt-codes.ts';
import type { AdtHeader } from './adt-header.ts';
import { hospitalNumber, mapPatient, type MappedPatient } from './adt-patient.ts';
import { hl7Invalid } from './hl7-errors.ts';
import { readVisitEvent, visitNumber, type VisitEvent } from './visit-event.ts';

export interface MappedAdt {
  header: AdtHeader;
  patient: MappedPatient;
  /** The visit (PV1-19) and this message's event for it. */
  visit?: { number: string; event: VisitEvent };
  /** A40: the hospital number (MRG-1) of the patient merged into this one. */
  mergedMrn?: string;
}

export function mapAdt(message: Hl7Message, header: AdtHeader, timeZone?: string): MappedAdt {
  const patient = mapPatient(message.getSegment('PID'), message.getSegment('PD1'), header.source, header.facility, timeZone);
  if (header.event === 'A40') {
    const mrg = message.getSegment('MRG');
    if (!mrg) throw hl7Invalid('INGEST_HL7_SEGMENT', 'A40 needs the MRG segment naming the patient merged away', 'MRG');
    const mergedMrn = hospitalNumber(mrg, 1, header.facility);
    if (mergedMrn === patient.mrn) throw hl7Invalid('INGEST_HL7_MERGE', 'MRG-1 names the same hospital number as PID-3', 'MRG-1');
    return { header, patient, mergedMrn };
  }
  const pv1 = message.getSegment('PV1');
  const isVisitEvent = VISIT_EVENTS.has(header.event);
  if (!pv1) {
    if (isVisitEvent) throw hl7Invalid('INGEST_HL7_SEGMENT', `${header.event} needs the PV1 segment`, 'PV1');
    return { header, patient };
  }
  const number = visitNumber(pv1);
  if (!number) {
    if (isVisitEvent) throw hl7Invalid('INGEST_HL7_REQUIRED', 'PV1-19 (visit number) is required', 'PV1-19');
    return { header, patient };
  }
  // Person-level events (A28, A31) carry a placeholder PV1 at most; only A08 updates the visit too.
  if (!isVisitEvent && header.event !== 'A08') return { header, patient };
  return { header, patient, visit: { number, event: readVisitEvent(header, patient.mrn, pv1, message.getSegment('PV2'), timeZone) } };
}
