// One ADT message's facts about a hospital visit (PV1, PV2, EVN), kept as a small record. A visit's
// Encounter is rebuilt from all of its events in event-time order (visit-fold.ts), so the events
// themselves are stored on the Encounter, one extension each, to make that possible whatever order
// messages arrive in.
import type { Extension, Encounter } from '@medplum/fhirtypes';
import type { Hl7Segment } from '@medplum/core';
import { isAdtEvent, PATIENT_CLASSES, type AdtEvent } from './adt-codes.ts';
import type { AdtHeader } from './adt-header.ts';
import { hl7Invalid } from './hl7-errors.ts';
import { HL7_NULL, hl7DateTime, present, value } from './hl7-fields.ts';

/** The extension holding one applied ADT event on an Encounter (sharedcare's own, not a profile element). */
export const VISIT_EVENT_EXTENSION = 'urn:sharedcare:extension:hl7v2-visit-event';

export interface VisitEvent {
  event: AdtEvent;
  /** EVN-2 or MSH-7: the ordering time. */
  at: string;
  /** Hospital number of the patient the message was about. */
  mrn: string;
  /** EVN-6: when it happened (a transfer's time). */
  occurred?: string;
  /** PV1-2 (HL7 table 0004). */
  patientClass?: string;
  /** PV1-3 point of care ^ room ^ bed. */
  location?: string;
  /** PV1-3.9 location description. */
  locationName?: string;
  /** PV1-6 prior location (transfers). */
  priorLocation?: string;
  /** PV1-4 admission method (England code or HL7 table 0007). */
  admitMethod?: string;
  /** PV1-7 attending doctor as a display name, or "" to remove it. */
  attending?: string;
  /** PV1-39, else MSH-4: the hospital's ODS code. */
  hospital?: string;
  /** PV1-44 admit date/time. */
  admitted?: string;
  /** PV1-45 discharge date/time. */
  discharged?: string;
  /** PV2-8 expected admit date/time (pre-admissions). */
  expected?: string;
  /** PV1-37 discharged to location (England discharge destination code). */
  disposition?: string;
}

/** Field order of the stored form, so the same event always serialises the same way. */
const KEYS = ['event', 'at', 'mrn', 'occurred', 'patientClass', 'location', 'locationName', 'priorLocation', 'admitMethod', 'attending',
  'hospital', 'admitted', 'discharged', 'expected', 'disposition'] as const satisfies readonly (keyof VisitEvent)[];

/** PV1-3 / PV1-6 as `ward^room^bed` (trailing empty parts dropped). */
function pointOfCare(pv1: Hl7Segment, field: number): string | undefined {
  const parts = [1, 2, 3].map((c) => value(pv1, field, c));
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.length ? parts.join('^') : undefined;
}

/** PV1-7 as "Dr Given Family"; "" (HL7 null) to clear it. */
function attending(pv1: Hl7Segment): string | undefined {
  if (value(pv1, 7) === HL7_NULL) return HL7_NULL;
  const display = [value(pv1, 7, 6), value(pv1, 7, 3), value(pv1, 7, 2)].filter((p) => present(p)).join(' ');
  return display || undefined;
}

/** The visit number (PV1-19), or undefined when the message has none. */
export function visitNumber(pv1: Hl7Segment | undefined): string | undefined {
  const number = present(value(pv1, 19));
  if (number && (number.length > 64 || /[\u0000-\u001f]/.test(number))) throw hl7Invalid('INGEST_HL7_REQUIRED', 'PV1-19 is not a usable visit number', 'PV1-19');
  return number;
}

function patientClass(pv1: Hl7Segment, header: AdtHeader): string | undefined {
  const code = value(pv1, 2).toUpperCase();
  const needed = ['A01', 'A02', 'A03', 'A04', 'A05'].includes(header.event);
  if (code === '' || code === 'N' || code === 'U') {
    if (needed && code === '') throw hl7Invalid('INGEST_HL7_REQUIRED', 'PV1-2 (patient class) is required', 'PV1-2');
    return undefined;
  }
  if (!PATIENT_CLASSES[code]) throw hl7Invalid('INGEST_HL7_CODE', 'PV1-2 is not a patient class from HL7 table 0004', 'PV1-2');
  return code;
}

/** Reads a message's facts about its visit. Throws FhirErrors (AE) for malformed fields. */
export function readVisitEvent(header: AdtHeader, mrn: string, pv1: Hl7Segment, pv2: Hl7Segment | undefined, timeZone?: string): VisitEvent {
  const ods = present(value(pv1, 39)) ?? present(header.facility);
  const event: VisitEvent = {
    event: header.event,
    at: header.at,
    mrn,
    occurred: header.occurred,
    patientClass: patientClass(pv1, header),
    location: pointOfCare(pv1, 3),
    locationName: present(value(pv1, 3, 9)),
    priorLocation: pointOfCare(pv1, 6),
    admitMethod: present(value(pv1, 4).toUpperCase()),
    attending: attending(pv1),
    hospital: ods && /^[A-Za-z0-9]{3,10}$/.test(ods) ? ods.toUpperCase() : undefined,
    admitted: hl7DateTime(value(pv1, 44), 'PV1-44', timeZone),
    discharged: hl7DateTime(value(pv1, 45), 'PV1-45', timeZone),
    expected: hl7DateTime(value(pv2, 8), 'PV2-8', timeZone),
    disposition: present(value(pv1, 37).toUpperCase()),
  };
  return compact(event);
}

function compact(event: VisitEvent): VisitEvent {
  const out: Record<string, string> = {};
  for (const key of KEYS) {
    const v = event[key];
    if (v !== undefined) out[key] = v;
  }
  return out as unknown as VisitEvent;
}

/**
 * The stored form: one extension per event holding its fields as compact JSON in a fixed key order
 * (a string validates in a fraction of the time nested extensions take, and stays readable).
 */
export function toExtension(event: VisitEvent): Extension {
  return { url: VISIT_EVENT_EXTENSION, valueString: JSON.stringify(compact(event)) };
}

function parseEvent(text: string): VisitEvent | undefined {
  try {
    const fields = JSON.parse(text) as Record<string, unknown>;
    if (typeof fields !== 'object' || fields === null) return undefined;
    const known: Record<string, string> = {};
    for (const key of KEYS) if (typeof fields[key] === 'string') known[key] = fields[key];
    return known.event && known.at && known.mrn && isAdtEvent(known.event) ? compact(known as unknown as VisitEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** The events stored on an Encounter, skipping any that cannot be read (e.g. written by a future version). */
export function storedEvents(encounter: Encounter | undefined): VisitEvent[] {
  const out: VisitEvent[] = [];
  for (const ext of encounter?.extension ?? []) {
    const event = ext.url === VISIT_EVENT_EXTENSION && ext.valueString ? parseEvent(ext.valueString) : undefined;
    if (event) out.push(event);
  }
  return out;
}
