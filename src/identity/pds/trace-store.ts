// The SQL of tracing: which identity records to trace (keyset pages of identity_record), the latest
// trace of each, and the upsert that keeps one row per source Patient in identity_trace.
import type { Queryable } from '../../store/driver.ts';
import type { MatchRecord } from '../match-types.ts';
import type { TraceOutcome, TraceResult } from './trace-decision.ts';

export interface TraceCandidate {
  patientId: string;
  record: MatchRecord;
}

export interface LatestTrace {
  outcome: TraceOutcome;
  nhsNumber?: string;
}

/** One page of identity records in patient-id order; unless `all`, only those without a verified number. */
export async function readTraceCandidates(db: Queryable, options: { after?: string; all: boolean; limit: number }): Promise<TraceCandidate[]> {
  const { rows } = await db.query<{ patient_id: string; features: MatchRecord; nhs_number: string | null }>(
    `SELECT patient_id, features, nhs_number FROM identity_record
      WHERE ($1::text IS NULL OR patient_id > $1) AND ($2::boolean OR coalesce(features->>'nhsVerified', 'false') <> 'true')
      ORDER BY patient_id LIMIT $3`,
    [options.after ?? null, options.all, options.limit]);
  return rows.map((row) => {
    const features = typeof row.features === 'string' ? (JSON.parse(row.features) as MatchRecord) : row.features;
    const nhsNumber = features.nhsNumber ?? row.nhs_number ?? undefined;
    return { patientId: row.patient_id, record: { ...features, id: row.patient_id, ...(nhsNumber ? { nhsNumber } : {}) } };
  });
}

/** The stored trace of each of these patients, if any. */
export async function readLatestTraces(db: Queryable, patientIds: readonly string[]): Promise<Map<string, LatestTrace>> {
  if (patientIds.length === 0) return new Map();
  const { rows } = await db.query<{ patient_id: string; outcome: TraceOutcome; nhs_number: string | null }>(
    'SELECT patient_id, outcome, nhs_number FROM identity_trace WHERE patient_id = ANY($1::text[])', [patientIds]);
  return new Map(rows.map((r) => [r.patient_id, { outcome: r.outcome, ...(r.nhs_number ? { nhsNumber: r.nhs_number } : {}) }]));
}

/**
 * Keeps the latest result per patient. An error does not replace an earlier answer from PDS: it is
 * noted on that row (`detail.lastError`) so a failed re-check never un-verifies anyone.
 */
export async function saveTrace(db: Queryable, patientId: string, result: TraceResult): Promise<void> {
  if (result.outcome === 'error') {
    const { rows } = await db.query(
      `UPDATE identity_trace SET detail = detail || jsonb_build_object('lastError', $2::jsonb, 'lastErrorAt', now())
        WHERE patient_id = $1 AND outcome <> 'error' RETURNING patient_id`, [patientId, JSON.stringify(result.detail)]);
    if (rows.length > 0) return;
  }
  await db.query(
    `INSERT INTO identity_trace (patient_id, outcome, nhs_number, status_code, score, detail, traced_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, now())
     ON CONFLICT (patient_id) DO UPDATE SET outcome = EXCLUDED.outcome, nhs_number = EXCLUDED.nhs_number,
       status_code = EXCLUDED.status_code, score = EXCLUDED.score, detail = EXCLUDED.detail, traced_at = EXCLUDED.traced_at`,
    [patientId, result.outcome, result.nhsNumber ?? null, result.statusCode ?? null, result.score ?? null, JSON.stringify(result.detail)]);
}
