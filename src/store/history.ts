// Instance, type and system history: current rows and superseded versions in one ordered list,
// newest first, paged by a (lastUpdated, rid, version) keyset so concurrent writes never shift pages.
// See: https://hl7.org/fhir/R4/http.html#history
import { invalid } from '../fhir/errors.ts';
import { parseDateRange } from '../fhir/date-range.ts';
import type { Queryable } from './driver.ts';
import { hydrate, toInstant } from './stored-row.ts';
import type { AccessFilter, HistoryEntry, HistoryOptions, HistoryPage } from './repository.ts';
import { accessPredicate, SqlParams } from './search/search-sql.ts';
import { toTimestamp } from './index-rows.ts';

interface Row {
  type: string;
  id: string;
  rid: string;
  version_id: number;
  last_updated: string;
  deleted: boolean;
  content: Record<string, unknown> | null;
}

function decodeCursor(cursor: string): [string, string, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(cursor);
  if (!m) throw invalid('HISTORY_CURSOR', 'Malformed history page cursor', '_before');
  return [new Date(Number(m[1])).toISOString(), m[2]!, Number(m[3])];
}

/** History newest first. `rid` narrows to one resource (instance history), `type` to one type. */
export async function readHistory(
  q: Queryable,
  scope: { type?: string; rid?: string },
  options: HistoryOptions,
  filter?: AccessFilter,
): Promise<HistoryPage> {
  const params = new SqlParams();
  const conditions: string[] = [];
  if (scope.rid) conditions.push(`r.rid = ${params.add(scope.rid)}`);
  else if (scope.type) conditions.push(`r.type = ${params.add(scope.type)}`);
  const access = accessPredicate('r', params, filter, scope.type);
  if (access) conditions.push(access);
  const versionConditions: string[] = [];
  if (options.since) {
    const since = parseDateRange(options.since);
    if (!since) throw invalid('HISTORY_SINCE', '_since must be an instant', '_since');
    versionConditions.push(`v.last_updated >= ${params.add(toTimestamp(since.low))}::timestamptz`);
  }
  if (options.before) {
    const [lu, rid, version] = decodeCursor(options.before);
    versionConditions.push(`(v.last_updated, v.rid, v.version_id) < (${params.add(lu)}::timestamptz, ${params.add(rid)}::bigint, ${params.add(version)}::int)`);
  }
  const where = conditions.length ? conditions.join(' AND ') : 'TRUE';
  const versionWhere = versionConditions.length ? versionConditions.join(' AND ') : 'TRUE';
  const sql = `
    SELECT v.* FROM (
      SELECT r.type, r.id, r.rid, r.version_id, r.last_updated, r.deleted, r.content FROM resource r WHERE ${where}
      UNION ALL
      SELECT r.type, r.id, h.rid, h.version_id, h.last_updated, h.deleted, h.content
        FROM resource_history h JOIN resource r ON r.rid = h.rid WHERE ${where}
    ) v WHERE ${versionWhere}
    ORDER BY v.last_updated DESC, v.rid DESC, v.version_id DESC LIMIT ${options.count + 1}`;
  const { rows } = await q.query<Row>(sql, params.values);
  const more = rows.length > options.count;
  const page = rows.slice(0, options.count);
  const entries: HistoryEntry[] = page.map((row) => ({
    type: row.type,
    id: row.id,
    versionId: row.version_id,
    lastUpdated: toInstant(row.last_updated),
    deleted: row.deleted,
    method: row.deleted ? 'DELETE' : row.version_id === 1 ? 'POST' : 'PUT',
    ...(row.content ? { resource: hydrate({ ...row, content: row.content }) } : {}),
  }));
  const last = page[page.length - 1];
  return {
    entries,
    ...(more && last ? { next: `${new Date(last.last_updated).getTime()}.${last.rid}.${last.version_id}` } : {}),
  };
}
