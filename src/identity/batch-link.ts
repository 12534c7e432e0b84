// Re-links the whole population at once (`sharedcare link`), for back-loads and after a model change:
// refreshes every source Patient's match record, optionally retrains the model, de-duplicates in
// memory under reviewers' rules, then writes only what changed (links, persons, review queue) in
// small transactions. Person ids are kept wherever a cluster still holds most of a person's records.
import type { Patient } from '@medplum/fhirtypes';
import type { Queryable } from '../store/driver.ts';
import type { Repository } from '../store/repository.ts';
import { scanResources } from '../store/scan.ts';
import { dedupe, type DedupeResult } from './dedupe.ts';
import { MATCHER } from './linker.ts';
import { LinkStore } from './links/link-store.ts';
import type { LinkBasis, LinkChange, LinkKind } from './links/link-types.ts';
import type { MatchRecord, PairScore } from './match-types.ts';
import type { MatchModel } from './model.ts';
import { matchRecordFromPatient } from './patient-features.ts';
import { currentModel, readArrivalState, sameFeatures, saveModel, withTrace, writeRecords } from './record-store.ts';
import { trainModel } from './train.ts';

export interface BatchLinkOptions {
  /** Retrain the model on the current records first (always done when none is stored). */
  train?: boolean;
  actor?: string;
  /** Changes written per transaction. */
  chunk?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface BatchLinkReport {
  records: number;
  persons: number;
  /** Records whose person or basis changed (and were written). */
  changed: number;
  reviewsQueued: number;
  pairsCompared: number;
  modelVersion: number;
  trained: boolean;
  timingsMs: Record<string, number>;
}

interface Population {
  records: MatchRecord[];
  personOf: (string | undefined)[];
  kindOf: (LinkKind | undefined)[];
  basisOf: (LinkBasis | undefined)[];
}

/** Brings identity_record up to date with every current Patient; returns how many changed. */
async function refreshRecords(repo: Repository): Promise<number> {
  let changed = 0;
  await repo.transaction(async (_r, sql) => {
    for await (const page of scanResources(sql, 'Patient')) {
      const ids = page.map((p) => p.id!);
      const { stored, traced } = await readArrivalState(sql, ids);
      const fresh = page.map((p) => withTrace(matchRecordFromPatient(p as Patient), traced.get(p.id!)));
      const different = fresh.filter((r) => !sameFeatures(r, stored.get(r.id)?.record));
      await writeRecords(sql, different);
      changed += different.length;
    }
  });
  return changed;
}

async function loadPopulation(sql: Queryable): Promise<Population> {
  const { rows } = await sql.query<{ features: MatchRecord; person_id: string | null; kind: LinkKind | null; basis: LinkBasis | null }>(
    `SELECT r.features, l.person_id, l.kind, l.basis FROM identity_record r LEFT JOIN identity_link l ON l.patient_id = r.patient_id
     ORDER BY r.patient_id`,
  );
  return {
    records: rows.map((r) => r.features),
    personOf: rows.map((r) => r.person_id ?? undefined),
    kindOf: rows.map((r) => r.kind ?? undefined),
    basisOf: rows.map((r) => r.basis ?? undefined),
  };
}

/** Reviewers' rules and manual links as record-index pairs the clustering must honour. */
async function constraints(sql: Queryable, population: Population): Promise<{ same: [number, number][]; different: [number, number][] }> {
  const index = new Map(population.records.map((r, i) => [r.id, i]));
  const { rows } = await sql.query<{ left_id: string; right_id: string; rule: string }>('SELECT left_id, right_id, rule FROM identity_rule');
  const same: [number, number][] = [];
  const different: [number, number][] = [];
  for (const row of rows) {
    const a = index.get(row.left_id);
    const b = index.get(row.right_id);
    if (a === undefined || b === undefined) continue;
    (row.rule === 'same' ? same : different).push([a, b]);
  }
  // Records a reviewer placed stay together.
  const manualAnchor = new Map<string, number>();
  population.kindOf.forEach((kind, i) => {
    const personId = population.personOf[i];
    if (kind !== 'manual' || !personId) return;
    const anchor = manualAnchor.get(personId);
    if (anchor === undefined) manualAnchor.set(personId, i);
    else same.push([anchor, i]);
  });
  return { same, different };
}

/** One person id per cluster: the id most of its records already have, else a new one; never one id for two clusters. */
function assignPersons(result: DedupeResult, population: Population, newId: () => string): string[] {
  const clusters = new Map<number, number[]>();
  result.clusterOf.forEach((root, i) => {
    const list = clusters.get(root);
    if (list) list.push(i);
    else clusters.set(root, [i]);
  });
  const taken = new Set<string>();
  const personOfRecord: string[] = new Array(population.records.length);
  for (const members of [...clusters.values()].sort((a, b) => b.length - a.length)) {
    const votes = new Map<string, number>();
    for (const i of members) {
      const p = population.personOf[i];
      if (p && !taken.has(p)) votes.set(p, (votes.get(p) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? newId();
    taken.add(best);
    for (const i of members) personOfRecord[i] = best;
  }
  return personOfRecord;
}

/** For each record, the strongest link pair that holds it in its cluster, to explain its link. */
function strongestPairs(result: DedupeResult): Map<number, { a: number; b: number; weight: number }> {
  const best = new Map<number, { a: number; b: number; weight: number }>();
  for (const pair of result.linkPairs) {
    for (const end of [pair.a, pair.b]) {
      const current = best.get(end);
      if (!current || current.weight < pair.weight) best.set(end, pair);
    }
  }
  return best;
}

export async function batchLink(repo: Repository, options: BatchLinkOptions = {}): Promise<BatchLinkReport> {
  const actor = options.actor ?? MATCHER;
  const chunk = options.chunk ?? 1000;
  const timingsMs: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    timingsMs[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };
  await refreshRecords(repo);
  lap('refresh');
  const { population, limits, stored } = await repo.transaction(async (_r, sql) => {
    const population = await loadPopulation(sql);
    return { population, limits: await constraints(sql, population), stored: await currentModel(sql) };
  });
  lap('load');
  let model: MatchModel = stored.model;
  let modelVersion = stored.version;
  const trained = options.train === true || stored.version === 0;
  if (trained) {
    model = trainModel(population.records, { thresholds: stored.model.thresholds });
    modelVersion = await repo.transaction((_r, sql) => saveModel(sql, model));
  }
  lap('train');
  const result = dedupe(model, population.records, limits);
  lap('dedupe');
  const store = (r: Repository, sql: Queryable) => new LinkStore(r, sql);
  const personOfRecord = assignPersons(result, population, () => crypto.randomUUID());
  const strongest = strongestPairs(result);
  const sizes = new Map<string, number>();
  for (const p of personOfRecord) sizes.set(p, (sizes.get(p) ?? 0) + 1);
  const changes: LinkChange[] = [];
  population.records.forEach((record, i) => {
    if (population.kindOf[i] === 'manual') return;
    const personId = personOfRecord[i]!;
    const pair = sizes.get(personId)! > 1 ? strongest.get(i) : undefined;
    const basis = !pair ? 'sole' : record.nhsNumber && population.records[pair.a === i ? pair.b : pair.a]!.nhsNumber === record.nhsNumber ? 'nhs-number' : 'probabilistic';
    if (population.personOf[i] === personId && population.basisOf[i] === basis) return;
    const explanation: PairScore | undefined = pair && population.personOf[i] !== personId ? result.explain(pair.a, pair.b) : undefined;
    changes.push({ patientId: record.id, personId, kind: 'auto', basis, ...(pair ? { weight: Math.round(pair.weight * 100) / 100 } : {}), ...(explanation ? { explanation } : {}) });
  });
  for (let k = 0; k < changes.length; k += chunk) {
    await repo.transaction((r, sql) => store(r, sql).applyLinks(changes.slice(k, k + chunk), actor));
    options.onProgress?.('links', Math.min(k + chunk, changes.length), changes.length);
  }
  lap('write-links');
  const reviews = result.reviewPairs.map((p) => result.explain(p.a, p.b)).map((s) => (s.decision === 'link' ? { ...s, decision: 'review' as const } : s));
  for (let k = 0; k < reviews.length; k += chunk) {
    await repo.transaction((r, sql) => store(r, sql).upsertCandidates(reviews.slice(k, k + chunk)));
  }
  lap('write-reviews');
  return {
    records: population.records.length,
    persons: sizes.size,
    changed: changes.length,
    reviewsQueued: reviews.length,
    pairsCompared: result.pairsCompared,
    modelVersion,
    trained,
    timingsMs: { ...timingsMs, ...Object.fromEntries(Object.entries(result.timingsMs).map(([k, v]) => [`dedupe.${k}`, v])) },
  };
}
