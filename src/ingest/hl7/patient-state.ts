// How a stored Patient changes when an ADT message describes it: the PID of the latest event (by
// event time, not arrival) is the patient's demographics, and a merge (A40) is sticky — the patient
// merged away stays inactive with a `replaced-by` link whatever arrives later. Pure.
// See: https://hl7.org/fhir/R4/patient.html#links
import type { Extension, Patient, PatientLink } from '@medplum/fhirtypes';
import { UK_CORE_PATIENT_PROFILE } from '../../fhir/systems.ts';
import { sourceIdentifier } from '../provenance.ts';
import { SAME_TIME_RANK, type AdtEvent } from './adt-codes.ts';
import { instantOf } from './hl7-fields.ts';

/** Which event the demographics come from (sharedcare's own extension), so an older message never overwrites a newer one. */
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

/** Orders two snapshots: event time, then the natural order of events, then content (a stable tie-break). */
function compareSnapshots(a: SnapshotEvent, aContent: Demographics, b: SnapshotEvent, bContent: Demographics): number {
  const byTime = instantOf(a.at) - instantOf(b.at) || SAME_TIME_RANK[a.event] - SAME_TIME_RANK[b.event];
  if (byTime !== 0) return byTime;
  const ja = JSON.stringify(aContent);
  const jb = JSON.stringify(bContent);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
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
 * The patient after a message that describes them: the message's demographics when its event is
 * the latest seen (stamped with the event), else the stored ones; links (merges) always kept.
 */
export function nextPatient(stored: Patient | undefined, described: Patient, event: SnapshotEvent, extraLinks: readonly PatientLink[] = []): Patient {
  const incoming: Demographics = { ...demographics(described), extension: [...(described.extension ?? []), snapshotExtension(event)] };
  const storedEvent = snapshotOf(stored);
  const keep = stored && storedEvent && compareSnapshots(event, incoming, storedEvent, demographics(stored)) < 0;
  const links = [...(stored?.link ?? [])];
  for (const link of extraLinks) if (!links.some((l) => sameLink(l, link))) links.push(link);
  return build(keep ? demographics(stored) : incoming, links);
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
