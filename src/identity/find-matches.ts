// Finds the people a set of demographics may belong to, without storing anything: the engine behind
// Patient/$match. Candidates come from the same blocking keys as matching on arrival, and each is
// scored and explained; the best record per person stands for that person.
// See: https://hl7.org/fhir/R4/patient-operation-match.html
import type { Patient } from '@medplum/fhirtypes';
import type { Queryable } from '../store/driver.ts';
import { blockingKeys } from './blocking.ts';
import { EncodedRecords } from './encoded-records.ts';
import type { MatchRecord, PairScore } from './match-types.ts';
import { PairScorer } from './pair-scorer.ts';
import { matchRecordFromPatient } from './patient-features.ts';
import { currentModel, readRecords, recordsByKey } from './record-store.ts';

export interface FoundMatch {
  /** The source Patient that scored best for this person. */
  patientId: string;
  personId?: string;
  /** The pair's score and explanation; `left` is the query, written `$input`. */
  score: PairScore;
}

/** The id the query record carries inside explanations. */
export const QUERY_ID = '$input';

/** Candidates for the demographics in `patient`, best first, one per person; `no-link` pairs are left out. */
export async function findMatches(sql: Queryable, patient: Patient, count: number): Promise<{ query: MatchRecord; matches: FoundMatch[] }> {
  const query = { ...matchRecordFromPatient({ ...patient, id: QUERY_ID }), id: QUERY_ID };
  const byKey = await recordsByKey(sql, blockingKeys(query));
  const ids = [...new Set([...byKey.values()].flat())];
  const stored = await readRecords(sql, ids);
  if (stored.size === 0) return { query, matches: [] };
  const { model } = await currentModel(sql);
  const records = [query, ...[...stored.values()].map((s) => s.record)];
  const scorer = new PairScorer(new EncodedRecords(records), model);
  const best = new Map<string, FoundMatch>();
  for (let j = 1; j < records.length; j++) {
    const score = scorer.explain(0, j);
    if (score.decision === 'no-link') continue;
    const patientId = records[j]!.id;
    const personId = stored.get(patientId)?.personId;
    const key = personId ?? patientId;
    const current = best.get(key);
    if (!current || current.score.weight < score.weight) best.set(key, { patientId, ...(personId ? { personId } : {}), score });
  }
  const matches = [...best.values()].sort((a, b) => b.score.weight - a.score.weight).slice(0, count);
  return { query, matches };
}
