// Matches source Patients as they arrive, inside the transaction that writes them: each new or
// changed record is compared with the records sharing a blocking key, linked to the person of its
// strongest acceptable match (or a person of its own), and pairs in the review band are queued.
// Incremental matching is conservative: it never merges two existing persons (batch `link` and
// reviewers do), it only places the arriving record.
import type { Patient } from '@medplum/fhirtypes';
import type { Queryable } from '../store/driver.ts';
import type { Repository } from '../store/repository.ts';
import { blockingKeys } from './blocking.ts';
import { EncodedRecords } from './encoded-records.ts';
import { LinkStore, type HeldRecords } from './links/link-store.ts';
import type { LinkChange } from './links/link-types.ts';
import type { MatchRecord, PairScore } from './match-types.ts';
import { PairScorer } from './pair-scorer.ts';
import { matchRecordFromPatient } from './patient-features.ts';
import { currentModel, lockBlockingKeys, readArrivalState, recordsAround, sameFeatures, withTrace, writeRecordsFindingPartners, type StoredRecord } from './record-store.ts';

export const MATCHER = 'sharedcare:matcher';

export interface ArrivalOutcome {
  patientId: string;
  personId: string;
  /** linked: placed with a match; new: a person of its own; unchanged: nothing identifying changed; kept: a manual link holds it. */
  outcome: 'linked' | 'new' | 'unchanged' | 'kept';
  match?: PairScore;
  reviews: number;
}

/** What the linker knows of the neighbourhood: persons and their members, NHS numbers, and rules. */
class Neighbourhood {
  readonly personOf = new Map<string, string>();
  readonly members = new Map<string, Set<string>>();
  readonly nhsOf = new Map<string, string>();
  readonly different = new Set<string>();

  constructor(records: Iterable<[string, StoredRecord]>, rules: readonly { left: string; right: string; rule: string }[]) {
    for (const [id, stored] of records) this.add(id, stored);
    for (const r of rules) if (r.rule === 'different') this.different.add(`${r.left}|${r.right}`);
  }

  add(id: string, stored: StoredRecord): void {
    if (stored.record.nhsNumber) this.nhsOf.set(id, stored.record.nhsNumber);
    if (stored.personId) this.place(id, stored.personId);
  }

  place(id: string, personId: string): void {
    const previous = this.personOf.get(id);
    if (previous) this.members.get(previous)?.delete(id);
    this.personOf.set(id, personId);
    const set = this.members.get(personId) ?? new Set<string>();
    set.add(id);
    this.members.set(personId, set);
  }

  /** Whether `id` may join `personId`: no other NHS number there, and no reviewer said "different" to any member. */
  canJoin(id: string, personId: string): boolean {
    const nhs = this.nhsOf.get(id);
    for (const member of this.members.get(personId) ?? []) {
      if (member === id) continue;
      const other = this.nhsOf.get(member);
      if (nhs && other && other !== nhs) return false;
      if (this.different.has(id < member ? `${id}|${member}` : `${member}|${id}`)) return false;
    }
    return true;
  }
}

/**
 * Matches the given source Patients (just written in this transaction) and records the outcome:
 * links, persons rebuilt, review candidates. Records whose identifying details did not change are skipped.
 */
export async function linkArrivals(repo: Repository, sql: Queryable, patients: readonly Patient[], actor = MATCHER): Promise<ArrivalOutcome[]> {
  if (patients.length === 0) return [];
  const ids = patients.map((p) => p.id!);
  const { stored, traced: traces, linkKinds } = await readArrivalState(sql, ids);
  const arrivals = patients.map((p) => withTrace(matchRecordFromPatient(p), traces.get(p.id!)));
  const changed = arrivals.filter((r) => {
    const before = stored.get(r.id);
    return !before || !before.personId || !sameFeatures(before.record, r);
  });
  const changedIds = new Set(changed.map((r) => r.id));
  const outcomes: ArrivalOutcome[] = arrivals
    .filter((r) => !changedIds.has(r.id))
    .map((r) => ({ patientId: r.id, personId: stored.get(r.id)!.personId!, outcome: 'unchanged', reviews: 0 }));
  if (changed.length > 0) {
    const keysOf = new Map(changed.map((r) => [r.id, blockingKeys(r)]));
    await lockBlockingKeys(sql, [...keysOf.values()].flat());
    const byKey = await writeRecordsFindingPartners(sql, changed, keysOf);
    const patientOf = new Map(patients.map((p) => [p.id!, p]));
    const held: HeldRecords = new Map(changed.map((r) => [r.id, { patient: patientOf.get(r.id)!, record: r, linked: linkKinds.has(r.id) }]));
    outcomes.push(...(await placeArrivals(repo, sql, changed, keysOf, byKey, held, stored, linkKinds, actor)));
  }
  await applySourceMerges(repo, sql, patients);
  return outcomes;
}

/**
 * A source system that merged two of its records (HL7 A40: `link` replaced-by) has said they are one
 * person: a standing `same` rule, and the merged record joins its survivor's person as a manual link.
 */
async function applySourceMerges(repo: Repository, sql: Queryable, patients: readonly Patient[]): Promise<void> {
  const merges = patients.flatMap((p) => {
    const survivor = p.link?.find((l) => l.type === 'replaced-by')?.other?.reference;
    return survivor?.startsWith('Patient/') ? [{ merged: p.id!, survivor: survivor.slice('Patient/'.length), source: p.meta?.source }] : [];
  });
  if (merges.length === 0) return;
  const store = new LinkStore(repo, sql);
  for (const { merged, survivor, source } of merges) {
    const actor = source ?? MATCHER;
    const reason = `Merged into Patient/${survivor} by its source system`;
    await store.addRule(merged, survivor, 'same', actor, reason);
    const persons = await store.personsOf([merged, survivor]);
    const target = persons.get(survivor);
    if (target && persons.get(merged) !== target) {
      await store.applyLinks([{ patientId: merged, personId: target, kind: 'manual', basis: 'manual', reason }], actor);
    }
  }
}

async function placeArrivals(
  repo: Repository,
  sql: Queryable,
  arrivals: readonly MatchRecord[],
  keysOf: ReadonlyMap<string, readonly string[]>,
  byKey: ReadonlyMap<string, readonly string[]>,
  held: HeldRecords,
  stored: ReadonlyMap<string, StoredRecord>,
  linkKinds: ReadonlyMap<string, 'auto' | 'manual'>,
  actor: string,
): Promise<ArrivalOutcome[]> {
  const candidateIds = new Set<string>();
  for (const ids of byKey.values()) for (const id of ids) candidateIds.add(id);
  for (const r of arrivals) candidateIds.delete(r.id);
  const arrivalPersons = [...stored.values()].flatMap((s) => (s.personId ? [s.personId] : []));
  // The candidates, and every record of their persons and the arrivals' persons (for the constraints).
  const everyone = await recordsAround(sql, [...candidateIds], arrivalPersons);
  const store = new LinkStore(repo, sql);
  for (const r of arrivals) everyone.set(r.id, { record: r, ...(stored.get(r.id)?.personId ? { personId: stored.get(r.id)!.personId } : {}) });
  // A record that shares no key with any other (a new person, the commonest arrival) needs no rules and no model.
  const anyPartners = [...byKey.values()].some((ids) => ids.length > 1);
  const rules = anyPartners ? await store.rulesAmong([...everyone.keys()]) : [];
  const hood = new Neighbourhood(everyone, rules);
  const records = [...everyone.values()].map((s) => s.record);
  const index = new Map(records.map((r, i) => [r.id, i]));
  const scorer = anyPartners ? new PairScorer(new EncodedRecords(records), (await currentModel(sql)).model) : undefined;

  const changes: LinkChange[] = [];
  const reviews: PairScore[] = [];
  const outcomes: ArrivalOutcome[] = [];
  for (const arrival of arrivals) {
    const x = index.get(arrival.id)!;
    const partners = new Set<string>();
    for (const key of keysOf.get(arrival.id)!) for (const id of byKey.get(key) ?? []) if (id !== arrival.id) partners.add(id);
    const scored = [...partners].map((id) => {
      const y = index.get(id)!;
      const weight = scorer!.weight(x, y);
      return { id, y, weight, decision: scorer!.decide(x, y, weight), rule: scorer!.rule };
    }).sort((a, b) => b.weight - a.weight);
    const manual = linkKinds.get(arrival.id) === 'manual';
    const current = hood.personOf.get(arrival.id);
    let placed: { personId: string; pair?: (typeof scored)[number] } | undefined;
    if (manual && current) placed = { personId: current };
    else {
      for (const pair of scored) {
        const personId = hood.personOf.get(pair.id);
        if (pair.decision !== 'link' || !personId || !hood.canJoin(arrival.id, personId)) continue;
        placed = { personId, pair };
        break;
      }
    }
    // A record alone in its person keeps that person; otherwise it starts a new one.
    const alone = current !== undefined && [...(hood.members.get(current) ?? [])].every((m) => m === arrival.id);
    const personId = placed?.personId ?? (alone ? current! : store.newPersonId());
    const partnerWasAlone = placed?.pair !== undefined && hood.members.get(personId)?.size === 1;
    hood.place(arrival.id, personId);
    const match = placed?.pair ? scorer!.explain(x, placed.pair.y) : undefined;
    const basis = !match ? 'sole' : match.rule === 'nhs-number' ? 'nhs-number' : 'probabilistic';
    const link = (patientId: string): LinkChange => ({ patientId, personId, kind: 'auto', basis, ...(match ? { weight: match.weight, explanation: match } : {}) });
    if (!manual) changes.push(link(arrival.id));
    // The record it joined was a person of one: it is now held there by the same evidence.
    if (partnerWasAlone) {
      const partner = changes.findIndex((c) => c.patientId === placed!.pair!.id);
      if (partner >= 0) changes[partner] = link(placed!.pair!.id);
      else changes.push(link(placed!.pair!.id));
    }
    let queued = 0;
    for (const pair of scored) {
      const other = hood.personOf.get(pair.id);
      if (pair.decision === 'no-link' || other === personId) continue;
      reviews.push(scorer!.explain(x, pair.y));
      queued++;
    }
    const outcome = manual ? 'kept' : match ? 'linked' : 'new';
    outcomes.push({ patientId: arrival.id, personId, outcome, ...(match ? { match } : {}), reviews: queued });
  }
  await store.applyLinks(changes, actor, held);
  // A refused link (it would join two NHS numbers) is queued as a review like any other.
  if (reviews.length > 0) await store.upsertCandidates(reviews.map((r) => (r.decision === 'link' ? { ...r, decision: 'review' } : r)));
  for (const personId of new Set(changes.filter((c) => c.basis !== 'sole').map((c) => c.personId))) await store.supersedeCandidatesWithin(personId);
  return outcomes;
}

/**
 * Matches these stored source Patients again (after PDS tracing changed what is known of them), in
 * one transaction; ids whose Patient is no longer stored are passed over.
 */
export async function relinkPatients(repo: Repository, patientIds: readonly string[], actor = MATCHER): Promise<ArrivalOutcome[]> {
  if (patientIds.length === 0) return [];
  return repo.transaction(async (r, sql) => {
    const found = await r.search(r.parseSearch('Patient', [['_id', patientIds.join(',')], ['_count', String(patientIds.length)]]), { owner: 'identity' });
    const patients = found.matches.map((m) => m.resource as Patient);
    return linkArrivals(r, sql, patients, actor);
  });
}
