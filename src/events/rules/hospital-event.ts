// What an Encounter's new version means for social care, by comparing it with the version before:
// an admission, a move between wards, a discharge, or a stay recorded in error. Works the same for
// Encounters made from HL7 v2 ADT and those written as FHIR, whatever order messages arrived in.
import type { Encounter } from '@medplum/fhirtypes';
import type { HospitalEventKind } from '../event-codes.ts';

/** Encounter classes of hospital stays and attendances (v3 ActCode). */
const HOSPITAL_CLASSES = new Set(['IMP', 'ACUTE', 'NONAC', 'EMER', 'SS', 'OBSENC', 'PRENC']);
const UNDERWAY = new Set(['arrived', 'triaged', 'in-progress', 'onleave']);
const CANCELLED = new Set(['cancelled', 'entered-in-error']);

export interface HospitalEvent {
  kind: HospitalEventKind;
  /** When it happened, as the record says (admission or discharge time), else when it was recorded. */
  at: string;
  ward?: string;
}

export function hospitalEventOf(previous: Encounter | undefined, current: Encounter): HospitalEvent | undefined {
  if (!HOSPITAL_CLASSES.has(current.class?.code ?? '')) return undefined;
  const was = previous?.status;
  const now = current.status;
  const recorded = current.meta?.lastUpdated ?? new Date().toISOString();
  const ward = wardOf(current);
  const base = ward ? { ward } : {};
  if (CANCELLED.has(now)) return was && !CANCELLED.has(was) && was !== 'planned' ? { kind: 'cancelled', at: recorded, ...base } : undefined;
  if (now === 'finished') return was === 'finished' ? undefined : { kind: 'discharge', at: current.period?.end ?? recorded, ...base };
  if (!UNDERWAY.has(now)) return undefined;
  if (!was || !UNDERWAY.has(was)) return { kind: 'admission', at: current.period?.start ?? recorded, ...base };
  const wasWard = previous ? wardOf(previous) : undefined;
  return ward && wasWard && ward !== wasWard ? { kind: 'transfer', at: recorded, ward } : undefined;
}

/** The ward the person is on now: the active location, else the last one listed. */
function wardOf(encounter: Encounter): string | undefined {
  const locations = encounter.location ?? [];
  const here = locations.find((l) => l.status === 'active') ?? locations.at(-1);
  return here?.location.display ?? here?.location.identifier?.value ?? here?.location.reference;
}
