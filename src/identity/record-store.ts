// The SQL behind what matching knows of each source Patient: its MatchRecord (identity_record), its
// blocking keys (identity_block_key), PDS trace results, and the stored model.
import { lockKeys } from '../store/advisory-locks.ts';
import type { Queryable } from '../store/driver.ts';
import { hash64 } from '../store/hash.ts';
import { blockingKeys, MAX_BLOCK } from './blocking.ts';
import type { MatchRecord } from './match-types.ts';
import { defaultModel, type MatchModel } from './model.ts';

export interface StoredRecord {
  record: MatchRecord;
  personId?: string;
}

interface RecordRow {
  patient_id: string;
  features: MatchRecord;
  person_id: string | null;
}

/** Field-by-field equality (jsonb keeps keys in its own order, so serialised forms differ). */
export function sameFeatures(a: MatchRecord, b: MatchRecord | undefined): boolean {
  if (!b) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof MatchRecord)[]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function toStored(row: RecordRow): StoredRecord {
  return { record: row.features, ...(row.person_id ? { personId: row.person_id } : {}) };
}

export async function readRecords(sql: Queryable, patientIds: readonly string[]): Promise<Map<string, StoredRecord>> {
  if (patientIds.length === 0) return new Map();
  const { rows } = await sql.query<RecordRow>(
    'SELECT patient_id, features, person_id FROM identity_record WHERE patient_id = ANY($1::text[])',
    [patientIds],
  );
  return new Map(rows.map((row) => [row.patient_id, toStored(row)]));
}

/** What matching knows of arriving records, in one round trip: stored record and person, link kind, traced number. */
export interface ArrivalState {
  stored: Map<string, StoredRecord>;
  linkKinds: Map<string, 'auto' | 'manual'>;
  traced: Map<string, string>;
}

export async function readArrivalState(sql: Queryable, patientIds: readonly string[]): Promise<ArrivalState> {
  const { rows } = await sql.query<RecordRow & { id: string; kind: 'auto' | 'manual' | null; traced: string | null }>(
    `SELECT p.id, r.patient_id, r.features, r.person_id, l.kind, t.nhs_number AS traced
     FROM unnest($1::text[]) AS p(id)
     LEFT JOIN identity_record r ON r.patient_id = p.id
     LEFT JOIN identity_link l ON l.patient_id = p.id
     LEFT JOIN identity_trace t ON t.patient_id = p.id AND t.outcome IN ('traced', 'restricted') AND t.nhs_number IS NOT NULL`,
    [patientIds],
  );
  const state: ArrivalState = { stored: new Map(), linkKinds: new Map(), traced: new Map() };
  for (const row of rows) {
    if (row.patient_id) state.stored.set(row.id, toStored(row));
    if (row.kind) state.linkKinds.set(row.id, row.kind);
    if (row.traced) state.traced.set(row.id, row.traced);
  }
  return state;
}

/** These records, and every record of their persons and of the other persons named, in one query. */
export async function recordsAround(sql: Queryable, patientIds: readonly string[], personIds: readonly string[]): Promise<Map<string, StoredRecord>> {
  if (patientIds.length === 0 && personIds.length === 0) return new Map();
  const { rows } = await sql.query<RecordRow>(
    // Two index lookups joined, not one OR, which PostgreSQL can only answer by reading every record.
    `SELECT patient_id, features, person_id FROM identity_record WHERE patient_id = ANY($1::text[])
     UNION ALL
     SELECT patient_id, features, person_id FROM identity_record
     WHERE person_id IN (SELECT person_id FROM identity_record WHERE patient_id = ANY($1::text[]) UNION SELECT unnest($2::text[]))
       AND patient_id <> ALL($1::text[])`,
    [patientIds, personIds],
  );
  return new Map(rows.map((row) => [row.patient_id, toStored(row)]));
}

/** The records' rows and blocking keys as bound values, and the CTEs writing them (named `fresh`, `saved`, `stale`, `added`). */
function recordWrite(records: readonly MatchRecord[], keysOf?: ReadonlyMap<string, readonly string[]>): { ctes: string; values: unknown[] } {
  const ids = records.map((r) => r.id);
  const keys: string[] = [];
  const owners: string[] = [];
  for (const record of records) {
    for (const key of new Set(keysOf?.get(record.id) ?? blockingKeys(record))) {
      keys.push(key);
      owners.push(record.id);
    }
  }
  // The records, the keys they no longer have removed, the new ones added.
  const ctes = `WITH fresh (key, patient_id) AS (SELECT * FROM unnest($5::text[], $6::text[])),
     saved AS (
       INSERT INTO identity_record (patient_id, source, features, nhs_number)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[])
       ON CONFLICT (patient_id) DO UPDATE SET source = EXCLUDED.source, features = EXCLUDED.features,
         nhs_number = EXCLUDED.nhs_number, updated_at = now()
       RETURNING 1),
     stale AS (
       DELETE FROM identity_block_key k WHERE k.patient_id = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.key = k.key AND f.patient_id = k.patient_id)
       RETURNING 1),
     added AS (INSERT INTO identity_block_key (key, patient_id) SELECT key, patient_id FROM fresh ON CONFLICT DO NOTHING RETURNING 1)`;
  return { ctes, values: [ids, records.map((r) => r.source ?? null), records.map((r) => JSON.stringify(r)), records.map((r) => r.nhsNumber ?? null), keys, owners] };
}

/** Saves the records' features and replaces their blocking keys (computed here unless the caller has them), in one statement. */
export async function writeRecords(sql: Queryable, records: readonly MatchRecord[], keysOf?: ReadonlyMap<string, readonly string[]>): Promise<void> {
  if (records.length === 0) return;
  const { ctes, values } = recordWrite(records, keysOf);
  await sql.query(`${ctes} SELECT 1`, values);
}

/**
 * writeRecords, and recordsByKey for the records' keys as they are once written, in one statement.
 * Its SELECT sees the table as the statement began (after the caller's locks on the keys): other
 * records' keys come from the table, the written records' own from what the statement writes.
 */
export async function writeRecordsFindingPartners(sql: Queryable, records: readonly MatchRecord[],
  keysOf: ReadonlyMap<string, readonly string[]>): Promise<Map<string, string[]>> {
  if (records.length === 0) return new Map();
  const { ctes, values } = recordWrite(records, keysOf);
  const { rows } = await sql.query<{ key: string; ids: string[] }>(
    `${ctes}
     SELECT key, array_agg(patient_id) AS ids FROM (
       SELECT key, patient_id FROM identity_block_key WHERE key = ANY($5::text[]) AND patient_id <> ALL($1::text[])
       UNION ALL SELECT key, patient_id FROM fresh) AS k
     GROUP BY key HAVING count(*) <= $7`,
    [...values, MAX_BLOCK],
  );
  return new Map(rows.map((row) => [row.key, row.ids]));
}

/** Removes what matching knew of a record (its features and blocking keys). */
export async function forgetRecord(sql: Queryable, patientId: string): Promise<void> {
  await sql.query(
    `WITH keys AS (DELETE FROM identity_block_key WHERE patient_id = $1 RETURNING 1)
     DELETE FROM identity_record WHERE patient_id = $1`,
    [patientId],
  );
}

/**
 * Serialises, until the transaction ends, the matching of records that share a blocking key: two
 * records of one new person arriving at once on two connections would otherwise each miss the other
 * and become two persons. Sorted, so two transactions never wait on each other in a circle.
 */
export async function lockBlockingKeys(sql: Queryable, keys: readonly string[]): Promise<void> {
  await lockKeys(sql, keys.map((k) => hash64(`identity-key:${k}`)));
}

/** For each key, the records sharing it (keys shared by more than MAX_BLOCK records are left out, as in batch). */
export async function recordsByKey(sql: Queryable, keys: readonly string[]): Promise<Map<string, string[]>> {
  if (keys.length === 0) return new Map();
  const { rows } = await sql.query<{ key: string; ids: string[] }>(
    `SELECT key, array_agg(patient_id) AS ids FROM identity_block_key WHERE key = ANY($1::text[])
     GROUP BY key HAVING count(*) <= $2`,
    [keys, MAX_BLOCK],
  );
  return new Map(rows.map((row) => [row.key, row.ids]));
}

/**
 * The record as matching should see it: a number PDS traced counts as verified, unless the source
 * holds a different verified number (a conflict tracing leaves for review).
 */
export function withTrace(record: MatchRecord, traced: string | undefined): MatchRecord {
  if (!traced || (record.nhsVerified && record.nhsNumber !== traced)) return record;
  return { ...record, nhsNumber: traced, nhsVerified: true };
}

const modelCache = new Map<string, MatchModel>();

/** The newest trained model, or the untrained default. Parsed models are remembered by version and training time. */
export async function currentModel(sql: Queryable): Promise<{ model: MatchModel; version: number }> {
  const { rows } = await sql.query<{ version: number; trained_at: string }>(
    'SELECT version, trained_at::text AS trained_at FROM identity_model ORDER BY version DESC LIMIT 1',
  );
  const latest = rows[0];
  if (!latest) return { model: defaultModel(), version: 0 };
  const key = `${latest.version}|${latest.trained_at}`;
  let model = modelCache.get(key);
  if (!model) {
    const { rows: full } = await sql.query<{ model: MatchModel }>('SELECT model FROM identity_model WHERE version = $1', [latest.version]);
    model = full[0]!.model;
    if (modelCache.size > 8) modelCache.clear();
    modelCache.set(key, model);
  }
  return { model, version: Number(latest.version) };
}

export async function saveModel(sql: Queryable, model: MatchModel): Promise<number> {
  const { rows } = await sql.query<{ version: number }>(
    `INSERT INTO identity_model (version, model, trained_on)
     SELECT coalesce(max(version), 0) + 1, $1::jsonb, $2 FROM identity_model RETURNING version`,
    [JSON.stringify(model), model.trainedOn],
  );
  return Number(rows[0]!.version);
}
