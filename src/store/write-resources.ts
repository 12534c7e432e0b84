// Writes resource versions and their index rows in a handful of set-based statements, however
// many resources a bundle holds: existing rows move to history, then rows and index are replaced.
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from './driver.ts';
import type { IndexRows } from './index-rows.ts';

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

const arrayLiteral = (values: readonly string[]): string => `{${values.join(',')}}`;

/** Writes every version; all-or-nothing within the caller's transaction. */
export async function writeVersions(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  if (versions.length === 0) return;
  const existing = versions.filter((v) => v.rid !== undefined);
  const fresh = versions.filter((v) => v.rid === undefined);
  if (existing.length > 0) await replaceExisting(tx, existing);
  if (fresh.length > 0) await insertFresh(tx, fresh);
  await insertIndexRows(tx, versions);
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
    `UPDATE resource AS r SET version_id = u.v, last_updated = u.lu::timestamptz, deleted = u.del,
       person_key = u.pk::bigint, content = u.c::jsonb, tokens = u.tk::bigint[]
     FROM unnest($1::bigint[], $2::int[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[]) AS u(rid, v, lu, del, pk, c, tk)
     WHERE r.rid = u.rid`,
    [
      rids,
      versions.map((v) => v.versionId),
      versions.map((v) => v.lastUpdated),
      versions.map((v) => v.deleted),
      versions.map((v) => v.rows.personKey),
      versions.map((v) => (v.content ? JSON.stringify(v.content) : null)),
      versions.map((v) => arrayLiteral(v.rows.tokens)),
    ],
  );
}

async function insertFresh(tx: Queryable, versions: readonly PreparedVersion[]): Promise<void> {
  const { rows } = await tx.query<{ rid: string; type: string; id: string }>(
    `INSERT INTO resource (type, id, version_id, last_updated, deleted, person_key, content, tokens)
     SELECT t, i, v, lu::timestamptz, del, pk::bigint, c::jsonb, tk::bigint[]
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[]) AS u(t, i, v, lu, del, pk, c, tk)
     RETURNING rid, type, id`,
    [
      versions.map((v) => v.type),
      versions.map((v) => v.id),
      versions.map((v) => v.versionId),
      versions.map((v) => v.lastUpdated),
      versions.map((v) => v.deleted),
      versions.map((v) => v.rows.personKey),
      versions.map((v) => (v.content ? JSON.stringify(v.content) : null)),
      versions.map((v) => arrayLiteral(v.rows.tokens)),
    ],
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
}

function pushRow(columns: unknown[][], ...values: unknown[]): void {
  values.forEach((v, i) => columns[i]!.push(v));
}

// JavaScript infinities travel as the strings PostgreSQL understands.
function encodeInfinity(column: unknown[]): unknown[] {
  return column.map((v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v));
}
