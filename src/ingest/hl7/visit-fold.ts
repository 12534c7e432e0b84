// A visit's Encounter is a fold of its ADT events in event-time order (EVN-2/MSH-7), never arrival
// order: the same set of messages gives the same Encounter whichever arrives first, so an A03 that
// overtakes its A01 makes a finished encounter the late A01 cannot reopen. Pure and deterministic.
// See: ../../../docs/mapping/hl7-adt.md#event-semantics
import type { Coding, Encounter, EncounterLocation, EncounterStatusHistory, Extension } from '@medplum/fhirtypes';
import { ODS_ORGANIZATION_SYSTEM, V3_ACT_CODE_SYSTEM } from '../../fhir/systems.ts';
import { sourceIdentifier, sourceIdentifierSystem } from '../provenance.ts';
import {
  ADMISSION_METHOD_EXTENSION,
  ADMISSION_METHOD_SYSTEM,
  ADMISSION_METHODS,
  DISCHARGE_DESTINATION_SYSTEM,
  DISCHARGE_DESTINATIONS,
  PATIENT_CLASSES,
  SAME_TIME_RANK,
  UK_CORE_ENCOUNTER_PROFILE,
  V2_ADMISSION_TYPE_SYSTEM,
  V2_ADMISSION_TYPES,
  V3_NULL_FLAVOR_SYSTEM,
  V3_PARTICIPATION_TYPE_SYSTEM,
} from './adt-codes.ts';
import { HL7_NULL, instantOf } from './hl7-fields.ts';
import { toExtension, type VisitEvent } from './visit-event.ts';

type Status = Encounter['status'];

interface Stay {
  location: string;
  name?: string;
  start?: string;
  end?: string;
  /** Made by an A02, so an A12 may take it back. */
  transfer: boolean;
}

interface VisitState {
  status?: Status;
  history: Array<{ status: Status; start: string }>;
  patientClass?: string;
  admitMethod?: string;
  disposition?: string;
  attending?: string;
  hospital?: string;
  start?: string;
  end?: string;
  expected?: string;
  stays: Stay[];
}

const keyOf = (e: VisitEvent): string => JSON.stringify(toExtension(e));

/** Events in the order they happened: event time, then the natural order of a stay, then content (a stable tie-break). */
export function sortEvents(events: readonly VisitEvent[]): VisitEvent[] {
  return [...events].sort((a, b) => instantOf(a.at) - instantOf(b.at) || SAME_TIME_RANK[a.event] - SAME_TIME_RANK[b.event]
    || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** The visit's events with one more; an event already held (same content) adds nothing. */
export function withEvent(events: readonly VisitEvent[], event: VisitEvent): VisitEvent[] {
  const key = keyOf(event);
  return events.some((e) => keyOf(e) === key) ? sortEvents(events) : sortEvents([...events, event]);
}

/** Hospital number of the patient the visit belongs to: the one named by its latest event. */
export function latestMrn(events: readonly VisitEvent[]): string {
  return sortEvents(events).at(-1)!.mrn;
}

function setStatus(state: VisitState, status: Status, at: string): void {
  if (state.status === status) return;
  state.status = status;
  state.history.push({ status, start: at });
}

/** General PV1 facts: a later event's non-empty value replaces an earlier one; HL7 "" removes it. */
function applyGeneral(state: VisitState, e: VisitEvent): void {
  if (e.patientClass) state.patientClass = e.patientClass;
  if (e.admitMethod) state.admitMethod = e.admitMethod === HL7_NULL ? undefined : e.admitMethod;
  if (e.attending) state.attending = e.attending === HL7_NULL ? undefined : e.attending;
  if (e.hospital) state.hospital = e.hospital;
  if (e.admitted) state.start = e.admitted;
}

const current = (state: VisitState): Stay | undefined => state.stays.at(-1);

/**
 * Puts the patient somewhere when nothing has placed them yet; an arrival or admission also settles
 * the first place before any transfer (a pre-admission's planned ward). Only A02 moves them on.
 */
function place(state: VisitState, e: VisitEvent, start: string | undefined, settles = false): void {
  const first = state.stays.length === 1 && !state.stays[0]!.transfer ? state.stays[0]! : undefined;
  if (settles && first) {
    if (e.location && e.location !== first.location) {
      state.stays[0] = { location: e.location, ...(e.locationName ? { name: e.locationName } : {}), transfer: false };
    }
    if (start) state.stays[0]!.start = start;
    return;
  }
  if (!e.location || state.stays.length > 0) return;
  state.stays.push({ location: e.location, ...(e.locationName ? { name: e.locationName } : {}), ...(start ? { start } : {}), transfer: false });
}

function transfer(state: VisitState, e: VisitEvent): void {
  if (!state.status) setStatus(state, 'in-progress', e.at);
  if (state.stays.length === 0 && e.priorLocation) state.stays.push({ location: e.priorLocation, ...(state.start ? { start: state.start } : {}), transfer: false });
  const at = e.occurred ?? e.at;
  const here = current(state);
  if (!e.location || here?.location === e.location) return;
  if (here) here.end = at;
  state.stays.push({ location: e.location, ...(e.locationName ? { name: e.locationName } : {}), start: at, transfer: true });
}

function cancelTransfer(state: VisitState): void {
  if (!current(state)?.transfer) return;
  state.stays.pop();
  const back = current(state);
  if (back) delete back.end;
}

function discharge(state: VisitState, e: VisitEvent): void {
  setStatus(state, 'finished', e.at);
  state.end = e.discharged ?? e.occurred ?? e.at;
  state.disposition = e.disposition;
  place(state, e, state.start);
  const here = current(state);
  if (here) here.end = state.end;
}

function cancelDischarge(state: VisitState, e: VisitEvent): void {
  if (state.status !== 'finished') return;
  setStatus(state, 'in-progress', e.at);
  delete state.end;
  delete state.disposition;
  const here = current(state);
  if (here) delete here.end;
}

function apply(state: VisitState, e: VisitEvent): void {
  applyGeneral(state, e);
  switch (e.event) {
    case 'A05':
      if (!state.status || state.status === 'planned') setStatus(state, 'planned', e.at);
      if (e.expected) state.expected = e.expected;
      place(state, e, undefined);
      break;
    case 'A04':
      if (!state.status || state.status === 'planned') setStatus(state, 'arrived', e.at);
      state.start ??= e.occurred ?? e.at;
      place(state, e, state.start, true);
      break;
    case 'A01':
      setStatus(state, 'in-progress', e.at);
      state.start = e.admitted ?? state.start ?? e.occurred ?? e.at;
      delete state.end;
      delete state.disposition;
      place(state, e, state.start, true);
      break;
    case 'A02': transfer(state, e); break;
    case 'A12': cancelTransfer(state); break;
    case 'A03': discharge(state, e); break;
    case 'A13': cancelDischarge(state, e); break;
    case 'A11':
      // A pre-admission that never happened is cancelled; an admission sent in error is entered-in-error.
      setStatus(state, !state.status || state.status === 'planned' ? 'cancelled' : 'entered-in-error', e.at);
      break;
    default:
      place(state, e, state.start);
  }
}

/** Folds events (any order) into the state of the visit. */
export function foldEvents(events: readonly VisitEvent[]): VisitState {
  const state: VisitState = { history: [], stays: [] };
  for (const e of sortEvents(events)) apply(state, e);
  return state;
}

export interface VisitContext {
  source: string;
  /** PV1-19. */
  visit: string;
  /** `Patient/<id>` of the (surviving) patient. */
  subject: string;
}

function encounterClass(state: VisitState): Coding {
  const known = state.patientClass ? PATIENT_CLASSES[state.patientClass] : undefined;
  return known ? { system: V3_ACT_CODE_SYSTEM, ...known } : { system: V3_NULL_FLAVOR_SYSTEM, code: 'UNK', display: 'unknown' };
}

function admissionMethod(code: string): Extension {
  const england = ADMISSION_METHODS[code];
  const v2 = V2_ADMISSION_TYPES[code];
  const valueCodeableConcept = england ? { coding: [{ system: ADMISSION_METHOD_SYSTEM, code, display: england }] }
    : v2 ? { coding: [{ system: V2_ADMISSION_TYPE_SYSTEM, code, display: v2 }] } : { text: code };
  return { url: ADMISSION_METHOD_EXTENSION, valueCodeableConcept };
}

function hospitalization(state: VisitState): Encounter['hospitalization'] {
  const disposition = state.disposition;
  const display = disposition ? DISCHARGE_DESTINATIONS[disposition] : undefined;
  if (!state.admitMethod && !disposition) return undefined;
  return {
    ...(state.admitMethod ? { extension: [admissionMethod(state.admitMethod)] } : {}),
    ...(disposition ? { dischargeDisposition: display ? { coding: [{ system: DISCHARGE_DESTINATION_SYSTEM, code: disposition, display }] } : { text: disposition } } : {}),
  };
}

function locations(state: VisitState, source: string): EncounterLocation[] {
  return state.stays.map((stay, i) => {
    const last = i === state.stays.length - 1;
    const status = last && state.status === 'planned' ? 'planned' : stay.end || (last && state.status === 'finished') ? 'completed' : last ? 'active' : 'completed';
    return {
      location: { identifier: { system: sourceIdentifierSystem(source, 'location'), value: stay.location },
        display: stay.name ?? stay.location.split('^').filter(Boolean).join(' ') },
      status,
      ...(stay.start || stay.end ? { period: { ...(stay.start ? { start: stay.start } : {}), ...(stay.end ? { end: stay.end } : {}) } } : {}),
    };
  });
}

function statusHistory(state: VisitState): EncounterStatusHistory[] {
  return state.history.map((h, i) => ({ status: h.status, period: { start: h.start, ...(state.history[i + 1] ? { end: state.history[i + 1]!.start } : {}) } }));
}

/** The UK Core Encounter for a visit's events (any order), carrying the events so later ones can be folded in. */
export function visitEncounter(events: readonly VisitEvent[], context: VisitContext): Encounter {
  const sorted = sortEvents(events);
  const state = foldEvents(sorted);
  const start = state.start ?? (state.status === 'planned' ? state.expected : undefined);
  const stay = hospitalization(state);
  const where = locations(state, context.source);
  return {
    resourceType: 'Encounter',
    meta: { profile: [UK_CORE_ENCOUNTER_PROFILE] },
    extension: sorted.map(toExtension),
    identifier: [sourceIdentifier(context.source, 'visit', context.visit)],
    status: state.status ?? 'unknown',
    ...(state.history.length ? { statusHistory: statusHistory(state) } : {}),
    class: encounterClass(state),
    subject: { reference: context.subject },
    ...(state.attending ? { participant: [{ type: [{ coding: [{ system: V3_PARTICIPATION_TYPE_SYSTEM, code: 'ATND', display: 'attender' }] }],
      individual: { display: state.attending } }] } : {}),
    ...(start || state.end ? { period: { ...(start ? { start } : {}), ...(state.end ? { end: state.end } : {}) } } : {}),
    ...(stay ? { hospitalization: stay } : {}),
    ...(where.length ? { location: where } : {}),
    ...(state.hospital ? { serviceProvider: { type: 'Organization', identifier: { system: ODS_ORGANIZATION_SYSTEM, value: state.hospital } } } : {}),
  };
}
