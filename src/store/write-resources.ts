// Writes resource versions and their index rows in one round trip, however many resources a
// Bundle holds: one statement of data-modifying CTEs draws new rids from the sequence, moves old
// versions to history, replaces rows and index, and adds new displays.
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from './driver.ts';
import type { IndexRows } from './index-rows.ts';
import { forgetLockedRows } from './locked-reads.ts';
import { SqlParams } from './search/search-sql.ts';
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

// Rows travel as one JSON document: resource content is embedded once, not escaped again inside
// a text[] literal (that escaping cost more than the rest of the write).
const ROW_COLUMNS = 'rid bigint, t text, i text, v int, lu timestamptz, del boolean, pk bigint, c jsonb, tk bigint[]';

function rowsDocument(versions: readonly PreparedVersion[], rids: ReadonlyMap<PreparedVersion, string>): string {
  return JSON.stringify(
    versions.map((v) => ({ rid: rids.get(v), t: v.type, i: v.id, v: v.versionId, lu: v.lastUpdated, del: v.deleted, pk: v.rows.personKey, c: v.content ? dehydrate(v.content) : null, tk: v.rows.tokens })),
  );
}

/**
 * New resources' rids come from the sequence inside the statement (CTE `new_rids`, computed once
 * however often it is read): until then the n-th new version is known by the placeholder -n.
 */
const NEW_RIDS = 'new_rids';

/** Each version's rid, or its placeholder when it is new. */
function ridsOf(versions: readonly PreparedVersion[]): Map<PreparedVersion, string> {
  let fresh = 0;
  return new Map(versions.map((v) => [v, v.rid ?? String(-++fresh)]));
}

/** Collects the CTEs of the one write statement and their bound values. */
class WriteStatement {
  private readonly parts: string[] = [];
  private readonly params = new SqlParams();

  param(value: unknown): string {
    return this.params.add(value);
  }

  add(sql: string, name = `w${this.parts.length}`): void {
    this.parts.push(`${name} AS (${sql})`);
  }

  run(tx: Queryable): Promise<unknown> {
    return tx.query(`WITH ${this.parts.join(',\n')} SELECT 1`, this.params.values);
  }
}

/**
 * A data-modifying statement that commits with a write, built with the write statement's own
 * parameter numbering (e.g. the ingest registry row or the HL7 ACK log): it travels in the same
 * round trip as the resources, as one more CTE.
 */
export type SqlPart = (param: (value: unknown) => string) => string;

/** Writes every version, and any parts alongside, in one statement; all-or-nothing within the caller's transaction. */
export async function writeVersions(tx: Queryable, versions: readonly PreparedVersion[], alongside: readonly SqlPart[] = []): Promise<void> {
  if (versions.length === 0) {
    if (alongside.length === 0) return;
    const statement = new WriteStatement();
    for (const part of alongside) statement.add(part((v) => statement.param(v)));
    await statement.run(tx);
    return;
  }
  forgetLockedRows(tx, versions.map((v) => `${v.type}/${v.id}`));
  const existing = versions.filter((v) => v.rid !== undefined);
  const fresh = versions.filter((v) => v.rid === undefined);
  const rids = ridsOf(versions);
  // All parts see the same snapshot: the history copy and the deletes see only the old rows.
  const statement = new WriteStatement();
  if (existing.length > 0) replaceExisting(statement, existing, rids);
  if (fresh.length > 0) {
    statement.add(`SELECT n, nextval(pg_get_serial_sequence('resource', 'rid')) AS rid FROM generate_series(1, ${statement.param(fresh.length)}::int) AS n`, NEW_RIDS);
    statement.add(`INSERT INTO resource (rid, type, id, version_id, last_updated, deleted, person_key, content, tokens)
      SELECT n.rid, u.t, u.i, u.v, u.lu, u.del, u.pk, u.c, u.tk FROM jsonb_to_recordset(${statement.param(rowsDocument(fresh, rids))}::jsonb) AS u(${ROW_COLUMNS})
      JOIN ${NEW_RIDS} n ON n.n = -u.rid`);
  }
  insertIndexRows(statement, versions, rids, fresh.length > 0);
  insertDisplays(statement, versions);
  insertOutboxRows(statement, versions);
  for (const part of alongside) statement.add(part((v) => statement.param(v)));
  await statement.run(tx);
}

function replaceExisting(statement: WriteStatement, versions: readonly PreparedVersion[], rids: ReadonlyMap<PreparedVersion, string>): void {
  const ridList = `${statement.param(versions.map((v) => v.rid!))}::bigint[]`;
  statement.add(`INSERT INTO resource_history (rid, version_id, person_key, last_updated, deleted, content)
    SELECT rid, version_id, person_key, last_updated, deleted, content FROM resource WHERE rid = ANY(${ridList})`);
  for (const table of ['search_string', 'search_date', 'search_quantity', 'search_reference']) {
    statement.add(`DELETE FROM ${table} WHERE rid = ANY(${ridList})`);
  }
  statement.add(`UPDATE resource AS r SET version_id = u.v, last_updated = u.lu, deleted = u.del, person_key = u.pk, content = u.c, tokens = u.tk
    FROM jsonb_to_recordset(${statement.param(rowsDocument(versions, rids))}::jsonb) AS u(${ROW_COLUMNS})
    WHERE r.rid = u.rid`);
}

/**
 * One outbox row per version, in the write's own statement: the event exists if and only if the
 * change committed (the transactional outbox; events/ routes and delivers it).
 */
function insertOutboxRows(statement: WriteStatement, versions: readonly PreparedVersion[]): void {
  const column = <T>(pick: (v: PreparedVersion) => T) => statement.param(versions.map(pick));
  statement.add(`INSERT INTO event_outbox (resource_type, resource_id, version_id, person_key, deleted)
    SELECT * FROM unnest(${column((v) => v.type)}::text[], ${column((v) => v.id)}::text[], ${column((v) => v.versionId)}::int[],
      ${column((v) => v.rows.personKey)}::bigint[], ${column((v) => v.deleted)}::boolean[])`);
}

const INDEX_TABLES: Array<[table: string, columns: string, types: string[]]> = [
  ['search_string', 'rid, person_key, param, value', ['bigint', 'bigint', 'int', 'text']],
  ['search_date', 'rid, person_key, param, low, high', ['bigint', 'bigint', 'int', 'timestamptz', 'timestamptz']],
  ['search_quantity', 'rid, person_key, param, unit_system_code, unit_code, low, high', ['bigint', 'bigint', 'int', 'bigint', 'bigint', 'float8', 'float8']],
  ['search_reference', 'rid, person_key, param, target', ['bigint', 'bigint', 'int', 'bigint']],
];

function insertIndexRows(statement: WriteStatement, versions: readonly PreparedVersion[], rids: ReadonlyMap<PreparedVersion, string>, anyNew: boolean): void {
  const columns = INDEX_TABLES.map(([, , types]) => types.map(() => [] as unknown[]));
  for (const v of versions) {
    if (v.deleted) continue;
    const head = [rids.get(v), v.rows.personKey];
    v.rows.strings.forEach((row) => pushRow(columns[0]!, [...head, ...row]));
    v.rows.dates.forEach((row) => pushRow(columns[1]!, [...head, ...row]));
    v.rows.quantities.forEach((row) => pushRow(columns[2]!, [...head, ...row]));
    v.rows.references.forEach((row) => pushRow(columns[3]!, [...head, ...row]));
  }
  INDEX_TABLES.forEach(([table, names, types], t) => {
    const cols = columns[t]!;
    if (cols[0]!.length === 0) return;
    const arrays = cols.map((values, i) => `${statement.param(encodeInfinity(values))}::${types[i]}[]`);
    if (!anyNew) {
      statement.add(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays.join(', ')})`);
      return;
    }
    const aliases = types.map((_, i) => `c${i}`);
    statement.add(`INSERT INTO ${table} (${names}) SELECT ${['coalesce(n.rid, u.c0)', ...aliases.slice(1).map((a) => `u.${a}`)].join(', ')}
      FROM unnest(${arrays.join(', ')}) AS u(${aliases.join(', ')}) LEFT JOIN ${NEW_RIDS} n ON n.n = -u.c0`);
  });
}

/**
 * Adds new terminology displays to the shared vocabulary. Sorted, so concurrent transactions take
 * the unique-key locks in one order and cannot deadlock.
 */
function insertDisplays(statement: WriteStatement, versions: readonly PreparedVersion[]): void {
  const distinct = new Map<string, [number, string]>();
  for (const v of versions) for (const [param, value] of v.rows.displays) distinct.set(`${param}\u0001${value}`, [param, value]);
  if (distinct.size === 0) return;
  const rows = [...distinct.values()].sort(([p1, v1], [p2, v2]) => p1 - p2 || (v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  statement.add(`INSERT INTO search_display (param, value)
    SELECT * FROM unnest(${statement.param(rows.map((r) => r[0]))}::int[], ${statement.param(rows.map((r) => r[1]))}::text[]) ON CONFLICT DO NOTHING`);
}

function pushRow(columns: unknown[][], values: readonly unknown[]): void {
  values.forEach((v, i) => columns[i]!.push(v));
}

// JavaScript infinities travel as the strings PostgreSQL understands.
function encodeInfinity(column: unknown[]): unknown[] {
  return column.map((v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v));
}
