// Applies one mapped ADT message inside the caller's transaction, which holds the locks on the
// patient and visit it touches: reads what is stored, folds the message in (visit-fold.ts,
// patient-state.ts) and writes through SourceWriter, so a re-sent message changes nothing. An A40
// also re-points the merged patient's encounters to the survivor, in the same transaction.
import type { Encounter, Patient, Resource } from '@medplum/fhirtypes';
import { lockResourceKeys } from '../../store/advisory-locks.ts';
import type { Queryable } from '../../store/driver.ts';
import { currentRowsPart, readCurrentRows, rememberLockedRows, type LockedRow } from '../../store/locked-reads.ts';
import { readTogether } from '../../store/read-together.ts';
import type { Repository } from '../../store/repository.ts';
import type { SqlPart } from '../../store/write-resources.ts';
import { hydrate } from '../../store/stored-row.ts';
import { fromSource, sourceIdentifierSystem, sourceResourceId } from '../provenance.ts';
import { registryPart, rememberRegistryRows, SourceWriter, type AppliedOutcome, type MappedRecord } from '../source-writer.ts';
import type { Hl7Envelope } from './adt-header.ts';
import type { MappedAdt } from './adt-message.ts';
import { hl7Invalid } from './hl7-errors.ts';
import { loggedAckOf, loggedAckPart, type LoggedAck } from './message-log.ts';
import { compareEvents, judgePatient, mergedPatient, nextPatient, replacedBy, takesDetails, type SnapshotEvent } from './patient-state.ts';
import { storedEvents, type VisitEvent } from './visit-event.ts';
import { latestMrn, visitEncounter, withEvent } from './visit-fold.ts';

/** How many merges deep a chain of `replaced-by` links is followed before it is called a loop. */
const MAX_MERGE_DEPTH = 8;

const patientId = (source: string, mrn: string): string => sourceResourceId(source, `patient/${mrn}`, 'Patient');
const encounterId = (source: string, visit: string): string => sourceResourceId(source, `visit/${visit}`, 'Encounter');

/**
 * Current, not deleted, versions of the given `Type/id`s; absent ones are mapped to undefined, so they
 * are not read again. Rows under this transaction's locks are remembered for the write that follows.
 */
async function readStored(sql: Queryable, keys: readonly string[], into = new Map<string, Resource | undefined>()): Promise<Map<string, Resource | undefined>> {
  return storedOf(sql, keys, await readCurrentRows(sql, keys), into);
}

function storedOf(sql: Queryable, keys: readonly string[], rows: readonly LockedRow[], into = new Map<string, Resource | undefined>()): Map<string, Resource | undefined> {
  rememberLockedRows(sql, keys, rows);
  for (const key of keys) into.set(key, undefined);
  for (const row of rows) if (!row.deleted && row.content) into.set(`${row.type}/${row.id}`, hydrate(row));
  return into;
}

/** What a message finds as it begins: the ACK if it was applied before, and its stored patient, visit and merged patient. */
export interface OpenedMessage {
  previous?: LoggedAck;
  stored: Map<string, Resource | undefined>;
}

/** The source records a message writes first (those of resourceKeysOf, in the same order). */
function recordKeysOf(mapped: MappedAdt): Array<{ recordType: 'patient' | 'visit'; localId: string }> {
  return [
    { recordType: 'patient', localId: mapped.patient.mrn },
    ...(mapped.visit ? [{ recordType: 'visit' as const, localId: mapped.visit.number }] : []),
    ...(mapped.mergedMrn ? [{ recordType: 'patient' as const, localId: mapped.mergedMrn }] : []),
  ];
}

/**
 * A message's first read, in one round trip, inside a transaction begun with the locks on
 * resourceKeysOf(mapped): the ACK log, the stored resources and their source records (remembered
 * for the write, which then reads neither again).
 */
export async function openMessage(sql: Queryable, mapped: MappedAdt, envelope: Hl7Envelope): Promise<OpenedMessage> {
  const keys = resourceKeysOf(mapped);
  const records = recordKeysOf(mapped);
  const { source } = mapped.header;
  const read = await readTogether(sql, [loggedAckPart(envelope), currentRowsPart(keys), registryPart(source, records)]);
  rememberRegistryRows(sql, source, records, read.get('registry rows')!);
  const previous = loggedAckOf(read.get('logged ack')!);
  return { ...(previous ? { previous } : {}), stored: storedOf(sql, keys, read.get('current rows') as unknown as LockedRow[]) };
}

/** The patient a reference ends at after following merges (`replaced-by`), refusing loops. */
async function survivorOf(sql: Queryable, start: string, known: Map<string, Resource | undefined>): Promise<string> {
  let reference = start;
  const seen = new Set<string>([reference]);
  for (let depth = 0; depth < MAX_MERGE_DEPTH; depth++) {
    if (!known.has(reference)) await readStored(sql, [reference], known);
    const next = replacedBy(known.get(reference) as Patient | undefined);
    if (!next) return reference;
    if (seen.has(next)) break;
    seen.add(next);
    reference = next;
  }
  throw hl7Invalid('INGEST_HL7_MERGE', 'The patient is part of a loop of merges', 'MRG-1');
}

function record(recordType: 'patient' | 'visit', localId: string, source: string, resource: Resource): MappedRecord {
  return { recordType, localId, resources: [fromSource(resource, source, `${recordType}/${localId}`)] };
}

function visitRecord(source: string, visit: string, events: readonly VisitEvent[], subject: string): MappedRecord {
  return record('visit', visit, source, visitEncounter(events, { source, visit, subject }));
}

/** Encounters whose subject is the patient (ids only, or whole when `full`). */
async function encountersOf(repo: Repository, patient: string, full = false): Promise<Encounter[]> {
  const found: Encounter[] = [];
  let query: ReadonlyArray<[string, string]> = [['subject', patient], ['_count', '500'], ...(full ? [] : [['_elements', 'id'] as [string, string]])];
  for (;;) {
    const page = await repo.search(repo.parseSearch('Encounter', query), { owner: 'hl7-adt', query });
    for (const m of page.matches) if (m.mode === 'match' && m.resource.id) found.push(m.resource as Encounter);
    if (!page.next) return found;
    query = page.next;
  }
}

/**
 * The newest visit event already applied for a hospital number: the evidence of visit messages that
 * repeated the stored details without stamping the Patient. Looked for only when details change.
 */
async function latestVisitEvent(repo: Repository, sql: Queryable, patientKey: string, mrn: string,
  known: Map<string, Resource | undefined>): Promise<SnapshotEvent | undefined> {
  const survivor = await survivorOf(sql, patientKey, known);
  const subjects = survivor === patientKey ? [patientKey] : [patientKey, survivor];
  let latest: SnapshotEvent | undefined;
  for (const subject of subjects) {
    for (const encounter of await encountersOf(repo, subject, true)) {
      for (const e of storedEvents(encounter)) if (e.mrn === mrn && (!latest || compareEvents(e, latest) > 0)) latest = { event: e.event, at: e.at };
    }
  }
  return latest;
}

async function mergeRecords(repo: Repository, sql: Queryable, mapped: MappedAdt, survivorKey: string,
  stored: Map<string, Resource | undefined>): Promise<MappedRecord[]> {
  const { source } = mapped.header;
  const mergedKey = `Patient/${patientId(source, mapped.mergedMrn!)}`;
  const finalSurvivor = await survivorOf(sql, survivorKey, stored);
  if (finalSurvivor === mergedKey) throw hl7Invalid('INGEST_HL7_MERGE', 'The surviving patient was already merged into the patient MRG-1 names', 'MRG-1');
  const visits = (await encountersOf(repo, mergedKey)).map((e) => `Encounter/${e.id}`);
  // Advisory locks on the merged patient's encounters, found only after the first locks.
  await lockResourceKeys(sql, visits);
  const current = await readStored(sql, visits);
  const records = [record('patient', mapped.mergedMrn!, source, mergedPatient(stored.get(mergedKey) as Patient | undefined, source, mapped.mergedMrn!, survivorKey))];
  for (const encounter of current.values() as Iterable<Encounter | undefined>) {
    if (!encounter) continue;
    const visit = encounter.identifier?.find((i) => i.system === sourceIdentifierSystem(source, 'visit'))?.value;
    const events = storedEvents(encounter);
    // Encounters of other sources, or not made from ADT events, are not ours to rewrite.
    if (!visit || events.length === 0 || encounter.id !== encounterId(source, visit)) continue;
    records.push(visitRecord(source, visit, events, finalSurvivor));
  }
  return records;
}

/** `Type/id` of the stored resources a message reads and writes first: its patient, its visit, the patient it merges away. */
export function resourceKeysOf(mapped: MappedAdt): string[] {
  const { source } = mapped.header;
  return [
    `Patient/${patientId(source, mapped.patient.mrn)}`,
    ...(mapped.visit ? [`Encounter/${encounterId(source, mapped.visit.number)}`] : []),
    ...(mapped.mergedMrn ? [`Patient/${patientId(source, mapped.mergedMrn)}`] : []),
  ];
}

/**
 * Applies the message, with the locks on resourceKeysOf(mapped) already held: the patient's
 * demographics (when it is their latest event), the visit's Encounter (folded with its earlier
 * events) and, for A40, the merge. `extra` rows (the ACK log) are written in the same statement.
 */
export async function applyAdt(repo: Repository, sql: Queryable, mapped: MappedAdt, runId: string,
  extra: readonly SqlPart[], stored: Map<string, Resource | undefined>): Promise<AppliedOutcome[]> {
  const { header, patient, visit, mergedMrn } = mapped;
  const { source } = header;
  const [patientKey, ...others] = resourceKeysOf(mapped);
  const visitKey = visit ? others[0] : undefined;
  const mergedKey = mergedMrn ? others.at(-1) : undefined;
  const links = mergedKey ? [{ other: { reference: mergedKey }, type: 'replaces' as const }] : [];
  const storedSelf = stored.get(patientKey!) as Patient | undefined;
  const snapshot: SnapshotEvent = { event: header.event, at: header.at };
  const judgement = judgePatient(storedSelf, patient.patient, snapshot);
  const evidence = !judgement.first && judgement.newer && !judgement.same
    ? await latestVisitEvent(repo, sql, patientKey!, patient.mrn, stored) : undefined;
  const take = takesDetails(judgement, snapshot, visit !== undefined, evidence);
  const nextSelf = nextPatient(storedSelf, patient.patient, snapshot, take, links);
  const records = [record('patient', patient.mrn, source, nextSelf)];
  if (visit && visitKey) {
    const storedEncounter = stored.get(visitKey) as Encounter | undefined;
    const events = withEvent(storedEvents(storedEncounter), visit.event);
    // The subject follows the visit's latest event; an older message keeps the subject already decided.
    const subject = latestMrn(events) === patient.mrn || !storedEncounter?.subject?.reference
      ? await survivorOf(sql, patientKey!, stored)
      : storedEncounter.subject.reference;
    records.push(visitRecord(source, visit.number, events, subject));
  }
  if (mergedKey) records.push(...(await mergeRecords(repo, sql, mapped, patientKey!, stored)));
  return new SourceWriter(repo, source, runId).apply(records, extra);
}
