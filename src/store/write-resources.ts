// Writes resource versions and their index rows in a handful of set-based statements, however
// many resources a bundle holds: existing rows move to history, then rows and index are replaced.
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from './driver.ts';
import type { IndexRows } from './index-rows.ts';
import { dehydrate } from './stored-row.ts';

export interface PreparedVersion {
  type: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  content: Resource | null;
  rows: IndexRows;
  /** Internal row id when the resource already exists (update or delete). */
  rid?: string;
}

/** Writes every version; all-or-nothing within the caller's transaction. */
export async function writeVersions(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  if (versions.length === 0) return;
  const existing = versions.filter((v) => v.rid !== undefined);
  const fresh = versions.filter((v) => v.rid === undefined);
  if (existing.length > 0) await replaceExisting(tx, existing);
  if (fresh.length > 0) await insertFresh(tx, fresh);
  await insertIndexRows(tx, versions);
}

// Rows travel as one JSON document per statement: resource content is embedded once, not
// escaped again inside a text[] literal (that escaping cost more than the rest of the write).
const ROW_COLUMNS = 'rid bigint, t text, i text, v int, lu timestamptz, del boolean, pk bigint, c jsonb, tk bigint[]';

function rowsDocument(versions: readonly PreparedVersion[]): string {
  return JSON.stringify(
    versions.map((v) => ({ rid: v.rid ?? null, t: v.type, i: v.id, v: v.versionId, lu: v.lastUpdated, del: v.deleted, pk: v.rows.personKey, c: v.content ? dehydrate(v.content) : null, tk: v.rows.tokens })),
  );
}

async function replaceExisting(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  const rids = versions.map((v) => v.rid!);
  await tx.query(
    `WITH moved AS (
       INSERT INTO resource_history (rid, version_id, person_key, last_updated, deleted, content)
       SELECT rid, version_id, person_key, last_updated, deleted, content FROM resource WHERE rid = ANY($1::bigint[])
     ), s AS (DELETE FROM search_string WHERE rid = ANY($1::bigint[])),
        d AS (DELETE FROM search_date WHERE rid = ANY($1::bigint[])),
        q AS (DELETE FROM search_quantity WHERE rid = ANY($1::bigint[])),
        r AS (DELETE FROM search_reference WHERE rid = ANY($1::bigint[]))
     SELECT 1`,
    [rids],
  );
  await tx.query(
    `UPDATE resource AS r SET version_id = u.v, last_updated = u.lu, deleted = u.del, person_key = u.pk, content = u.c, tokens = u.tk
     FROM jsonb_to_recordset($1::jsonb) AS u(${ROW_COLUMNS})
     WHERE r.rid = u.rid`,
    [rowsDocument(versions)],
  );
}

async function insertFresh(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  const { rows } = await tx.query<{ rid: string; type: string; id: string }>(
    `INSERT INTO resource (type, id, version_id, last_updated, deleted, person_key, content, tokens)
     SELECT t, i, v, lu, del, pk, c, tk FROM jsonb_to_recordset($1::jsonb) AS u(${ROW_COLUMNS})
     RETURNING rid, type, id`,
    [rowsDocument(versions)],
  );
  const byKey = new Map(rows.map((r) => [`${r.type}/${r.id}`, r.rid]));
  for (const v of versions) v.rid = byKey.get(`${v.type}/${v.id}`);
}

async function insertIndexRows(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  const strings: unknown[][] = [[], [], [], []];
  const dates: unknown[][] = [[], [], [], [], []];
  const quantities: unknown[][] = [[], [], [], [], [], [], []];
  const references: unknown[][] = [[], [], [], []];
  for (const v of versions) {
    if (v.deleted) continue;
    const { rid } = v;
    const pk = v.rows.personKey;
    for (const [param, value] of v.rows.strings) pushRow(strings, rid, pk, param, value);
    for (const [param, low, high] of v.rows.dates) pushRow(dates, rid, pk, param, low, high);
    for (const [param, usc, uc, low, high] of v.rows.quantities) pushRow(quantities, rid, pk, param, usc, uc, low, high);
    for (const [param, target] of v.rows.references) pushRow(references, rid, pk, param, target);
  }
  const statements: Array<[string, unknown[][]]> = [
    ['INSERT INTO search_string (rid, person_key, param, value) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[])', strings],
    ['INSERT INTO search_date (rid, person_key, param, low, high) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::timestamptz[], $5::timestamptz[])', dates],
    [
      'INSERT INTO search_quantity (rid, person_key, param, unit_system_code, unit_code, low, high) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[], $5::bigint[], $6::float8[], $7::float8[])',
      quantities,
    ],
    ['INSERT INTO search_reference (rid, person_key, param, target) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[])', references],
  ];
  for (const [sql, columns] of statements) {
    if (columns[0]!.length > 0) await tx.query(sql, columns.map(encodeInfinity));
  }
  await insertDisplays(tx, versions);
}

/**
 * Adds new terminology displays to the shared vocabulary. Sorted, so concurrent transactions take
 * the unique-key locks in one order and cannot deadlock.
 */
async function insertDisplays(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  const distinct = new Map<string, [number, string]>();
  for (const v of versions) for (const [param, value] of v.rows.displays) distinct.set(`${param}\u0001${value}`, [param, value]);
  if (distinct.size === 0) return;
  const rows = [...distinct.values()].sort(([p1, v1], [p2, v2]) => p1 - p2 || (v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  await tx.query(
    `INSERT INTO search_display (param, value)
     SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT DO NOTHING`,
    [rows.map((r) => r[0]), rows.map((r) => r[1])],
  );
}

function pushRow(columns: unknown[][], ...values: unknown[]): void {
  values.forEach((v, i) => columns[i]!.push(v));
}

// JavaScript infinities travel as the strings PostgreSQL understands.
function encodeInfinity(column: unknown[]): unknown[] {
  return column.map((v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v));
}
