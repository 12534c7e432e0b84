// Current rows a transaction read while holding their resources' advisory locks. No other writer
// can change them before the transaction ends, so the put that follows takes them instead of
// reading them again: an HL7 message reads its patient and visit, then writes them, in one
// statement fewer. Each row is taken once, and any write of the resource forgets it.
import { holdsResourceLock, markHeld, resourceLockKeys } from './advisory-locks.ts';
import type { Queryable } from './driver.ts';
import { ReadEarlier } from './read-earlier.ts';
import type { ReadPart } from './read-together.ts';
import { SqlParams } from './search/search-sql.ts';
import { RESOURCE_COLUMNS, type StoredRow } from './stored-row.ts';

/** A resource's current row as a put needs it (alias `r`). */
export interface LockedRow extends StoredRow {
  rid: string;
  deleted: boolean;
  person_key: string | null;
  tokens: string[];
}

const LOCKED_ROW_COLUMNS = `r.rid, r.deleted, r.person_key, r.tokens, ${RESOURCE_COLUMNS}`;

/** The SELECT of the current rows (deleted ones included) of these `Type/id` keys; absent keys have none. */
function currentRowsSql(keys: readonly string[], param: (value: unknown) => string): string {
  const pairs = keys.map((k) => k.split('/') as [string, string]);
  return `SELECT ${LOCKED_ROW_COLUMNS} FROM resource r JOIN unnest(${param(pairs.map((p) => p[0]))}::text[], ${param(pairs.map((p) => p[1]))}::text[]) AS k(t, i)
    ON r.type = k.t AND r.id = k.i`;
}

/** The current rows (deleted ones included) of these `Type/id` keys; absent keys have none. */
export async function readCurrentRows(q: Queryable, keys: readonly string[]): Promise<LockedRow[]> {
  const params = new SqlParams();
  const { rows } = await q.query<LockedRow>(currentRowsSql(keys, (v) => params.add(v)), params.values);
  return rows;
}

/** The same read as a part of readTogether (its rows are LockedRows). */
export function currentRowsPart(keys: readonly string[]): ReadPart {
  return {
    name: 'current rows',
    columns: [['rid', 'bigint'], ['deleted', 'boolean'], ['person_key', 'bigint'], ['tokens', 'bigint[]'],
      ['type', 'text'], ['id', 'text'], ['version_id', 'integer'], ['last_updated', 'timestamptz'], ['content', 'jsonb']],
    sql: (param) => currentRowsSql(keys, param),
  };
}

const remembered = new ReadEarlier<LockedRow>();

/** Remembers what a read of `Type/id` keys found, for the keys whose locks the transaction holds. */
export function rememberLockedRows(tx: Queryable, keys: readonly string[], rows: readonly LockedRow[]): void {
  const found = new Map(rows.map((row) => [`${row.type}/${row.id}`, row]));
  for (const key of keys) if (holdsResourceLock(tx, key)) remembered.remember(tx, key, found.get(key) ?? null);
}

/**
 * Resources whose ids this transaction made up (fresh UUIDs): no other writer can know them before it
 * commits, so writing them takes no lock and reads no stored row, for there is none.
 */
export function claimNewResources(tx: Queryable, keys: readonly string[]): void {
  if (keys.length === 0) return;
  markHeld(tx, resourceLockKeys(keys));
  rememberLockedRows(tx, keys, []);
}

/** Takes (and forgets) the remembered rows of these keys (`null`: not stored); keys never read are not in the result. */
export function takeLockedRows(tx: Queryable, keys: readonly string[]): Map<string, LockedRow | null> {
  return remembered.take(tx, keys);
}

/** Forgets rows a write is about to change. */
export function forgetLockedRows(tx: Queryable, keys: Iterable<string>): void {
  remembered.forget(tx, keys);
}
