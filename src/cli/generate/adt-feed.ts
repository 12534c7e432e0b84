// The synthetic population's hospital visits as each trust's PAS would send them: ADT messages per
// trust, ordered by event time — A04/A03 for emergency attendances, A01/A03 for admissions, with
// now and then an A02 transfer (sometimes cancelled by A12), an A08, an admission sent in error
// (A11), a discharge cancelled (A13), one or two A40 merges per 1,000 people, and ~1% bad messages.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle, Encounter, Patient, Resource } from '@medplum/fhirtypes';
import { writeAdtMessage, type AdtMessageSpec, type AdtPatientSpec, type AdtVisitSpec } from '../../ingest/hl7/adt-writer.ts';
import { toHl7DateTime } from '../../ingest/hl7/hl7-fields.ts';
import { SOURCE_SYSTEM_PREFIX } from '../../fhir/systems.ts';
import { buildFeedDirectory, patientSpec, type FeedDirectory } from './adt-feed-people.ts';
import { Random } from './random.ts';

/**
 * Every 400th person with hospital visits (about 3 in 5 people have them) first came in under a
 * temporary hospital number, merged into their own later: ≈1.5 merges per 1,000 people, the first early on.
 */
const MERGE_EVERY = 400;
const MERGE_FIRST = 50;
const BAD_MESSAGE_SHARE = 0.01;
const WARDS = ['AMU', 'EAU', 'W12', 'W14', 'W20', 'W21', 'CCU', 'SAU', 'ELD1', 'ELD2'];
const HOUR = 3_600_000;

type Corruption = 'nhs-number' | 'no-mrn' | 'date';

interface Planned {
  source: string;
  at: number;
  /** Tie-break: planning order, so one person's messages at the same instant keep their order. */
  order: number;
  spec: Omit<AdtMessageSpec, 'controlId'>;
  corruption?: Corruption;
}

export interface AdtFeed {
  /** Source system, e.g. "epr-rk5"; the file is hl7/<source>.hl7. */
  source: string;
  /** Message texts (segments separated by CR), in event-time order. */
  messages: string[];
}

interface PersonPlan {
  random: Random;
  source: string;
  facility: string;
  index: number;
  out: Planned[];
  counter: Counters;
}

interface Counters {
  /** Messages planned, for a stable order. */
  next: number;
  /** People with hospital visits so far. */
  visitors: number;
}

function at(iso: string | undefined): number {
  return iso ? Date.parse(iso) : NaN;
}

function plan(p: PersonPlan, time: number, spec: Omit<AdtMessageSpec, 'controlId' | 'sent' | 'sendingFacility'>): void {
  const full = { ...spec, sendingFacility: p.facility, sent: toHl7DateTime(new Date(time).toISOString()) };
  // Now and then the PAS sends a broken copy first (then the corrected message).
  if (p.random.chance(BAD_MESSAGE_SHARE)) {
    const kinds: Corruption[] = full.patient.nhsNumber ? ['nhs-number', 'no-mrn', 'date'] : ['no-mrn', 'date'];
    p.out.push({ source: p.source, at: time, order: p.counter.next++, spec: full, corruption: p.random.pick(kinds) });
  }
  p.out.push({ source: p.source, at: time, order: p.counter.next++, spec: full });
}

function visitOf(p: PersonPlan, encounter: Encounter, k: number, dir: FeedDirectory): AdtVisitSpec {
  const emergency = encounter.class?.code === 'EMER';
  const doctor = dir.practitioners.get(encounter.participant?.[0]?.individual?.reference?.split('/')[1] ?? '');
  const method = encounter.hospitalization?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code;
  return {
    number: String(p.index * 100 + k + 1).padStart(9, '0'),
    patientClass: emergency ? 'E' : 'I',
    ward: emergency ? 'ED' : p.random.pick(WARDS),
    ...(emergency ? {} : { bed: String(p.random.int(1, 28)) }),
    ...(method ? { admitMethod: method } : {}),
    ...(doctor ? { attending: doctor } : {}),
    admitted: toHl7DateTime(encounter.period!.start!),
    hospital: p.facility,
  };
}

/** An admission's messages: A01, perhaps a transfer (perhaps cancelled), perhaps a cancelled discharge, A03. */
function planAdmission(p: PersonPlan, patient: AdtPatientSpec, visit: AdtVisitSpec, start: number, end: number, destination?: string): void {
  let ward = visit.ward!;
  plan(p, start, { event: 'A01', patient, visit });
  if (p.random.chance(0.05) && start + HOUR < end) plan(p, start + HOUR / 2, { event: 'A08', patient, visit });
  if (end - start > 2 * HOUR * 24 && p.random.chance(0.3)) {
    const moved = start + Math.floor((end - start) * p.random.next() * 0.6) + HOUR;
    const to = p.random.pick(WARDS.filter((w) => w !== ward));
    plan(p, moved, { event: 'A02', patient, visit: { ...visit, ward: to, priorWard: ward } });
    if (p.random.chance(0.1)) plan(p, moved + HOUR / 3, { event: 'A12', patient, visit: { ...visit, ward: to, priorWard: ward } });
    else ward = to;
  }
  const discharge = { ...visit, ward, discharged: toHl7DateTime(new Date(end).toISOString()), ...(destination ? { destination } : {}) };
  if (p.random.chance(0.03) && end - 2 * HOUR > start) {
    const early = end - 2 * HOUR;
    plan(p, early, { event: 'A03', patient, visit: { ...discharge, discharged: toHl7DateTime(new Date(early).toISOString()) } });
    plan(p, early + HOUR, { event: 'A13', patient, visit: { ...visit, ward } });
  }
  plan(p, end, { event: 'A03', patient, visit: discharge });
}

function planVisit(p: PersonPlan, patient: AdtPatientSpec, encounter: Encounter, k: number, dir: FeedDirectory): number {
  const start = at(encounter.period?.start);
  const end = at(encounter.period?.end);
  const visit = visitOf(p, encounter, k, dir);
  if (visit.patientClass === 'E') {
    plan(p, start, { event: 'A04', patient, visit });
    plan(p, end, { event: 'A03', patient, visit: { ...visit, discharged: toHl7DateTime(encounter.period!.end!) } });
  } else {
    planAdmission(p, patient, visit, start, end, encounter.hospitalization?.dischargeDisposition?.coding?.[0]?.code);
  }
  return end;
}

/** One person's messages: their hospital encounters (meta.source epr-…) in time order. */
function planPerson(patient: Patient, encounters: readonly Encounter[], dir: FeedDirectory, index: number, counter: Counters): Planned[] {
  const visits = encounters
    .filter((e) => e.meta?.source?.startsWith(`${SOURCE_SYSTEM_PREFIX}epr-`) && e.period?.start && e.period.end)
    .sort((a, b) => at(a.period!.start) - at(b.period!.start));
  if (visits.length === 0) return [];
  const source = visits[0]!.meta!.source!.slice(SOURCE_SYSTEM_PREFIX.length);
  const facility = dir.ods.get(visits[0]!.serviceProvider?.reference?.split('/')[1] ?? '') ?? source.slice(4).toUpperCase();
  const p: PersonPlan = { random: new Random(0xad7f, index), source, facility, index, out: [], counter };
  const person = patientSpec(patient, source, dir);
  if (!person) return [];
  // A few people first came in unidentified: a temporary number, merged into their own (A40) later.
  const merged = counter.visitors++ % MERGE_EVERY === MERGE_FIRST;
  const temporary: AdtPatientSpec = { mrn: `${facility}T${String(index).padStart(7, '0')}`, family: person.family, given: person.given,
    birthDate: person.birthDate, sex: person.sex };
  if (p.random.chance(0.01)) {
    const wrong = at(visits[0]!.period!.start) - 3 * 24 * HOUR;
    const visit: AdtVisitSpec = { number: `${String(index * 100 + 99).padStart(9, '0')}`, patientClass: 'I', ward: p.random.pick(WARDS), hospital: facility };
    plan(p, wrong, { event: 'A01', patient: person, visit });
    plan(p, wrong + HOUR, { event: 'A11', patient: person, visit });
  }
  visits.forEach((encounter, k) => {
    const end = planVisit(p, merged && k === 0 ? temporary : person, encounter, k, dir);
    if (merged && k === 0) plan(p, end + 2 * HOUR, { event: 'A40', patient: person, mergedMrn: temporary.mrn });
  });
  return p.out;
}

function corrupt(spec: Omit<AdtMessageSpec, 'controlId'>, corruption: Corruption | undefined): Omit<AdtMessageSpec, 'controlId'> {
  if (!corruption) return spec;
  const patient = { ...spec.patient };
  if (corruption === 'nhs-number' && patient.nhsNumber) patient.nhsNumber = patient.nhsNumber.slice(0, 9) + ((Number(patient.nhsNumber[9]) + 1) % 10);
  if (corruption === 'no-mrn') patient.mrn = '';
  if (corruption === 'date') patient.birthDate = `${(patient.birthDate ?? '1970').slice(0, 4)}1340`;
  return { ...spec, patient };
}

/** Every trust's feed for a population (the shared bundle first, then person bundles, as generatePopulation yields them). */
export function adtMessagesFor(bundles: Iterable<Bundle>): AdtFeed[] {
  let dir: FeedDirectory = buildFeedDirectory([]);
  const planned: Planned[] = [];
  const counter: Counters = { next: 0, visitors: 0 };
  let index = 0;
  for (const bundle of bundles) {
    const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);
    const patient = resources.find((r): r is Patient => r.resourceType === 'Patient');
    if (!patient) {
      dir = buildFeedDirectory(resources, dir);
      continue;
    }
    planned.push(...planPerson(patient, resources.filter((r): r is Encounter => r.resourceType === 'Encounter'), dir, index++, counter));
  }
  const bySource = new Map<string, Planned[]>();
  for (const m of planned) {
    const list = bySource.get(m.source);
    if (list) list.push(m);
    else bySource.set(m.source, [m]);
  }
  return [...bySource.keys()].sort().map((source) => {
    const messages = bySource.get(source)!.sort((a, b) => a.at - b.at || a.order - b.order);
    return { source, messages: messages.map((m, n) =>
      writeAdtMessage({ ...corrupt(m.spec, m.corruption), controlId: `${m.spec.sendingFacility}${String(n + 1).padStart(8, '0')}` })) };
  });
}

/** Writes `hl7/<source>.hl7` per trust (segments CRLF, a blank line after each message); returns the counts. */
export async function writeAdtFeeds(bundles: Iterable<Bundle>, outDir: string): Promise<{ files: number; messages: number }> {
  const dir = join(outDir, 'hl7');
  await mkdir(dir, { recursive: true });
  let messages = 0;
  const feeds = adtMessagesFor(bundles);
  for (const feed of feeds) {
    await writeFile(join(dir, `${feed.source}.hl7`), feed.messages.map((m) => `${m.replaceAll('\r', '\r\n')}\r\n\r\n`).join(''));
    messages += feed.messages.length;
  }
  return { files: feeds.length, messages };
}
