// How a stored Patient changes when an ADT message describes it: the PID of the latest event (by
// event time, not arrival) is the patient's demographics, and a merge (A40) is sticky — the patient
// merged away stays inactive with a `replaced-by` link whatever arrives later. Pure.
// See: https://hl7.org/fhir/R4/patient.html#links
import type { Extension, Patient, PatientLink } from '@medplum/fhirtypes';
import { UK_CORE_PATIENT_PROFILE } from '../../fhir/systems.ts';
import { sameJson } from '../../store/put-many.ts';
import { sourceIdentifier } from '../provenance.ts';
import { SAME_TIME_RANK, type AdtEvent } from './adt-codes.ts';
import { instantOf } from './hl7-fields.ts';

/**
 * The event the stored demographics came from (sharedcare's own extension). It moves only when the
 * details change or a person-level message (no visit) repeats them: a visit message repeating the
 * same details is remembered in its visit's event log instead, so the Patient gets no new version.
 */
export const PATIENT_SNAPSHOT_EXTENSION = 'urn:sharedcare:extension:hl7v2-patient-snapshot';

export interface SnapshotEvent {
  event: AdtEvent;
  at: string;
}

/** Parts of a Patient that are ours to keep across messages rather than the sender's to replace. */
type Demographics = Omit<Patient, 'resourceType' | 'id' | 'meta' | 'link' | 'active'>;

function snapshotExtension(event: SnapshotEvent): Extension {
  return { url: PATIENT_SNAPSHOT_EXTENSION, extension: [{ url: 'event', valueCode: event.event }, { url: 'at', valueDateTime: event.at }] };
}

export function snapshotOf(patient: Patient | undefined): SnapshotEvent | undefined {
  const ext = patient?.extension?.find((e) => e.url === PATIENT_SNAPSHOT_EXTENSION);
  const event = ext?.extension?.find((e) => e.url === 'event')?.valueCode as AdtEvent | undefined;
  const at = ext?.extension?.find((e) => e.url === 'at')?.valueDateTime;
  return event && at && event in SAME_TIME_RANK ? { event, at } : undefined;
}

function demographics(patient: Patient): Demographics {
  const { resourceType: _type, id: _id, meta: _meta, link: _link, active: _active, ...rest } = patient;
  return rest;
}

/** The details a message gives, without our stamp. */
function details(patient: Patient): Demographics {
  const { extension, ...rest } = demographics(patient);
  const kept = (extension ?? []).filter((e) => e.url !== PATIENT_SNAPSHOT_EXTENSION);
  return kept.length ? { ...rest, extension: kept } : rest;
}

/** JSON with object keys sorted, so content compares the same however the database ordered it. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Orders two events: event time, then the natural order of events; 0 when they are the same instant and kind. */
export function compareEvents(a: SnapshotEvent, b: SnapshotEvent): number {
  return instantOf(a.at) - instantOf(b.at) || SAME_TIME_RANK[a.event] - SAME_TIME_RANK[b.event];
}

export interface PatientJudgement {
  /** Nothing is stored about the patient's details yet. */
  first: boolean;
  /** The message gives the details already stored. */
  same: boolean;
  /** The message's event is later than the stored stamp (or, at the same instant and kind, sorts after by content). */
  newer: boolean;
  /** The message's details sort after the stored ones: the tie-break between events of the same instant and kind. */
  greater: boolean;
}

/** How a message's PID compares with the stored patient. */
export function judgePatient(stored: Patient | undefined, described: Patient, event: SnapshotEvent): PatientJudgement {
  const stamp = snapshotOf(stored);
  if (!stored || !stamp) return { first: true, same: false, newer: true, greater: true };
  const same = sameJson(details(stored), details(described));
  const greater = canonical(details(described)) > canonical(details(stored));
  return { first: false, same, newer: (compareEvents(event, stamp) || (greater ? 1 : -1)) > 0, greater };
}

/**
 * Whether the message's details replace the stored ones. `latestVisitEvent` is the newest visit
 * event already applied for this hospital number: a visit message that repeated the stored details
 * left no stamp on the Patient, only that event, and a message older than it must not win.
 */
export function takesDetails(judgement: PatientJudgement, event: SnapshotEvent, isVisitMessage: boolean, latestVisitEvent?: SnapshotEvent): boolean {
  if (judgement.first) return true;
  if (!judgement.newer) return false;
  // Same details: only a person-level message moves the stamp (its time is kept nowhere else).
  if (judgement.same) return !isVisitMessage;
  // That event repeated the stored details, so at the same instant and kind the content decides, as above.
  return !latestVisitEvent || (compareEvents(event, latestVisitEvent) || (judgement.greater ? 1 : -1)) > 0;
}

function sameLink(a: PatientLink, b: PatientLink): boolean {
  return a.type === b.type && a.other?.reference === b.other?.reference;
}

function build(content: Demographics, unordered: readonly PatientLink[]): Patient {
  // Sorted, so the same merges give the same resource whatever order they arrived in.
  const links = [...unordered].sort((a, b) => `${a.type} ${a.other?.reference}`.localeCompare(`${b.type} ${b.other?.reference}`));
  const mergedAway = links.some((l) => l.type === 'replaced-by');
  return {
    resourceType: 'Patient',
    meta: { profile: [UK_CORE_PATIENT_PROFILE] },
    ...content,
    active: !mergedAway,
    ...(links.length ? { link: links } : {}),
  };
}

/**
 * The patient after a message that describes them: the message's details stamped with its event
 * when `take` (see takesDetails), else the stored ones; links (merges) always kept.
 */
export function nextPatient(stored: Patient | undefined, described: Patient, event: SnapshotEvent, take: boolean,
  extraLinks: readonly PatientLink[] = []): Patient {
  const content: Demographics = take || !stored
    ? { ...details(described), extension: [...(details(described).extension ?? []), snapshotExtension(event)] }
    : demographics(stored);
  const links = [...(stored?.link ?? [])];
  for (const link of extraLinks) if (!links.some((l) => sameLink(l, link))) links.push(link);
  return build(content, links);
}

/** The patient merged away by an A40: what we hold of them (or just the hospital number), inactive and linked to the survivor. */
export function mergedPatient(stored: Patient | undefined, source: string, mrn: string, survivor: string): Patient {
  const link: PatientLink = { other: { reference: survivor }, type: 'replaced-by' };
  const links = [...(stored?.link ?? [])];
  if (!links.some((l) => sameLink(l, link))) links.push(link);
  return build(stored ? demographics(stored) : { identifier: [sourceIdentifier(source, 'mrn', mrn)] }, links);
}

/** `Patient/<id>` this patient was merged into, if any. */
export function replacedBy(patient: Patient | undefined): string | undefined {
  return patient?.link?.find((l) => l.type === 'replaced-by')?.other?.reference;
}
