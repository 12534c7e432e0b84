// Runs a parsed search: the page of matches (keyset paging by default, frozen snapshots when
// sorted), totals that never count hidden rows, and bounded _include/_revinclude.
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import type { Queryable } from '../driver.ts';
import { paramKeyOf } from '../index-rows.ts';
import { hydrate, RESOURCE_COLUMNS, type StoredRow } from '../stored-row.ts';
import type { AccessFilter, SearchMatch, SearchResult } from '../repository.ts';
import { collectIncludes, type ParamLookup } from './includes.ts';
import type { SearchRequest, SortKey } from './search-request.ts';
import { accessPredicate, SqlParams, whereClause } from './search-sql.ts';

export interface SearchRunLimits {
  /** Most ids frozen for a sorted search; beyond it, no further pages are offered. */
  snapshotCap: number;
  /** Most resources added by _include/_revinclude to one page. */
  includeCap: number;
  /** Totals above this are only counted when `_total=accurate`. */
  countCap: number;
}

export const DEFAULT_RUN_LIMITS: SearchRunLimits = { snapshotCap: 10_000, includeCap: 1_000, countCap: 10_000 };

export interface SearchRunContext {
  owner: string;
  filter?: AccessFilter;
  limits?: SearchRunLimits;
  /** Reference parameters of a type, for `_include=Type:*`. */
  paramsOf: ParamLookup;
  /** The original query parameters, echoed into next/previous links. */
  query: ReadonlyArray<[string, string]>;
}

const PAGING_PARAMS = new Set(['_cursor', '_before', '_maxrid', '_page', '_offset']);

function sortExpression(key: SortKey, type: string, params: SqlParams): string {
  if (key.code === '_id') return 'r.id';
  if (key.code === '_lastUpdated') return 'r.last_updated';
  const def = key.def!;
  const param = params.add(paramKeyOf(def));
  const agg = (low: string, high: string, table: string) =>
    `(SELECT ${key.descending ? `max(${high})` : `min(${low})`} FROM ${table} WHERE rid = r.rid AND param = ${param})`;
  if (def.type === 'date') return agg('low', 'high', 'search_date');
  if (def.type === 'string') return agg('value', 'value', 'search_string');
  return agg('low', 'high', 'search_quantity');
}

export async function fetchByRids(q: Queryable, rids: readonly string[], filter?: AccessFilter): Promise<Resource[]> {
  if (rids.length === 0) return [];
  const params = new SqlParams();
  const ridParam = params.add(rids);
  const predicate = accessPredicate('r', params, filter);
  const access = predicate ? ` AND ${predicate}` : '';
  const { rows } = await q.query<StoredRow & { rid: string }>(
    `SELECT r.rid, ${RESOURCE_COLUMNS} FROM resource r WHERE r.rid = ANY(${ridParam}::bigint[]) AND NOT r.deleted${access}`,
    params.values,
  );
  const byRid = new Map(rows.map((r) => [r.rid, r]));
  return rids.map((rid) => byRid.get(rid)).filter((r): r is StoredRow & { rid: string } => r !== undefined).map(hydrate);
}

async function countMatches(q: Queryable, request: SearchRequest, filter: AccessFilter | undefined, cap?: number): Promise<number | undefined> {
  const params = new SqlParams();
  const where = whereClause('r', request.resourceType, request.criteria, params, filter);
  const sql = cap === undefined
    ? `SELECT count(*)::int AS n FROM resource r WHERE ${where}`
    : `SELECT count(*)::int AS n FROM (SELECT 1 FROM resource r WHERE ${where} LIMIT ${cap + 1}) x`;
  const { rows } = await q.query<{ n: number }>(sql, params.values);
  const n = Number(rows[0]!.n);
  return cap !== undefined && n > cap ? undefined : n;
}

function withoutPaging(query: ReadonlyArray<[string, string]>): Array<[string, string]> {
  return query.filter(([k]) => !PAGING_PARAMS.has(k));
}

/** Executes a search request and returns one page. */
export async function runSearch(q: Queryable, request: SearchRequest, ctx: SearchRunContext): Promise<SearchResult> {
  const limits = ctx.limits ?? DEFAULT_RUN_LIMITS;
  if (request.summary === 'count') {
    return { matches: [], total: await countMatches(q, request, ctx.filter), warnings: [] };
  }
  const page = request.page
    ? await snapshotPage(q, request, ctx)
    : request.sort.length > 0
      ? await sortedFirstPage(q, request, ctx, limits)
      : await keysetPage(q, request, ctx, limits);
  const matches: SearchMatch[] = page.resources.map((resource) => ({ resource, mode: 'match' }));
  const warnings = [...page.warnings];
  if (request.include.length > 0 || request.revinclude.length > 0) {
    const included = await collectIncludes(q, request, page.resources, ctx.filter, limits.includeCap, ctx.paramsOf);
    for (const resource of included.resources) matches.push({ resource, mode: 'include' });
    if (included.truncated) warnings.push(`Included resources were limited to ${limits.includeCap}`);
  }
  return { matches, ...(page.total !== undefined ? { total: page.total } : {}), ...(page.next ? { next: page.next } : {}), ...(page.previous ? { previous: page.previous } : {}), warnings };
}

interface Page {
  resources: Resource[];
  total?: number;
  next?: Array<[string, string]>;
  previous?: Array<[string, string]>;
  warnings: string[];
}

async function keysetPage(q: Queryable, request: SearchRequest, ctx: SearchRunContext, limits: SearchRunLimits): Promise<Page> {
  const params = new SqlParams();
  const where = whereClause('r', request.resourceType, request.criteria, params, ctx.filter);
  const backwards = request.cursor?.before !== undefined;
  const bound = backwards ? `r.rid < ${params.add(request.cursor!.before)}` : request.cursor?.after ? `r.rid > ${params.add(request.cursor.after)}` : 'TRUE';
  // The first page fixes the snapshot later pages keep to (no row written since appears in them):
  // the newest rid, read by the same statement as the page, so it is of the same moment. The page
  // is found by rid alone (a narrow row, the plans the foundation benchmark measured) and its
  // resources fetched after.
  const given = request.cursor?.maxRid;
  const { rows } = await q.query<{ rid: string; max_rid?: string | null }>(
    `SELECT r.rid${given ? '' : ', (SELECT max(rid) FROM resource) AS max_rid'} FROM resource r
      WHERE ${where}${given ? ` AND r.rid <= ${params.add(given)}` : ''} AND ${bound}
     ORDER BY r.rid ${backwards ? 'DESC' : 'ASC'} LIMIT ${request.count + 1}`,
    params.values,
  );
  const maxRid = given ?? rows[0]?.max_rid ?? '0';
  const more = rows.length > request.count;
  const rids = rows.slice(0, request.count).map((r) => r.rid);
  if (backwards) rids.reverse();
  const resources = await fetchByRids(q, rids);
  const base = withoutPaging(ctx.query);
  const first = rids[0];
  const last = rids[rids.length - 1];
  const hasNext = backwards ? true : more;
  const hasPrevious = backwards ? more : request.cursor?.after !== undefined;
  let total: number | undefined;
  const isFirstPage = !request.cursor?.after && !backwards;
  if (request.total !== 'none') {
    total = isFirstPage && !more ? rids.length : await countMatches(q, request, ctx.filter, request.total === 'accurate' ? undefined : limits.countCap);
  }
  return {
    resources,
    ...(total !== undefined ? { total } : {}),
    ...(hasNext && last && request.count > 0 ? { next: [...base, ['_cursor', last], ['_maxrid', maxRid]] as Array<[string, string]> } : {}),
    ...(hasPrevious && first ? { previous: [...base, ['_before', first], ['_maxrid', maxRid]] as Array<[string, string]> } : {}),
    warnings: [],
  };
}

async function sortedFirstPage(q: Queryable, request: SearchRequest, ctx: SearchRunContext, limits: SearchRunLimits): Promise<Page> {
  const params = new SqlParams();
  const where = whereClause('r', request.resourceType, request.criteria, params, ctx.filter);
  const order = request.sort.map((k) => `${sortExpression(k, request.resourceType, params)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`);
  const { rows } = await q.query<{ rid: string }>(
    `SELECT r.rid FROM resource r WHERE ${where} ORDER BY ${[...order, 'r.rid'].join(', ')} LIMIT ${limits.snapshotCap + 1}`,
    params.values,
  );
  const capped = rows.length > limits.snapshotCap;
  const rids = rows.slice(0, limits.snapshotCap).map((r) => r.rid);
  const warnings = capped ? [`Only the first ${limits.snapshotCap} sorted results can be paged; narrow the search`] : [];
  let total: number | undefined = capped ? undefined : rids.length;
  if (capped && request.total === 'accurate') total = await countMatches(q, request, ctx.filter);
  const resources = await fetchByRids(q, rids.slice(0, request.count));
  // _count=0 asks for the total only: a snapshot's next link would never advance.
  if (rids.length <= request.count || request.count === 0) return { resources, ...(request.total !== 'none' && total !== undefined ? { total } : {}), warnings };
  const id = randomUUID();
  await q.query('INSERT INTO search_page (id, owner, total, rids) VALUES ($1, $2, $3, $4::bigint[])', [id, ctx.owner, total ?? -1, rids]);
  // Expire old snapshots opportunistically; cheap with the created_at index.
  await q.query("DELETE FROM search_page WHERE created_at < now() - interval '1 hour'");
  const base = withoutPaging(ctx.query);
  return {
    resources,
    ...(request.total !== 'none' && total !== undefined ? { total } : {}),
    next: [...base, ['_page', id], ['_offset', String(request.count)]],
    warnings,
  };
}

async function snapshotPage(q: Queryable, request: SearchRequest, ctx: SearchRunContext): Promise<Page> {
  const { id, offset } = request.page!;
  const { rows } = await q.query<{ total: number; rids: string[] | string; owner: string }>(
    'SELECT total, owner, rids[$2:$3] AS rids FROM search_page WHERE id = $1',
    [id, offset + 1, offset + request.count],
  );
  const row = rows[0];
  // Another caller's snapshot looks exactly like an expired one.
  if (!row || row.owner !== ctx.owner) throw new FhirError('gone', 'SEARCH_PAGE_EXPIRED', 'This page of results has expired; repeat the search', '_page');
  const rids = parseBigintArray(row.rids);
  const resources = await fetchByRids(q, rids, ctx.filter);
  const base = withoutPaging(ctx.query);
  const total = row.total >= 0 ? row.total : undefined;
  const more = total === undefined ? rids.length === request.count : offset + request.count < total;
  return {
    resources,
    ...(request.total !== 'none' && total !== undefined ? { total } : {}),
    ...(more ? { next: [...base, ['_page', id], ['_offset', String(offset + request.count)]] as Array<[string, string]> } : {}),
    ...(offset > 0 ? { previous: [...base, ['_page', id], ['_offset', String(Math.max(0, offset - request.count))]] as Array<[string, string]> } : {}),
    warnings: [],
  };
}

/** Drivers return bigint[] either parsed or as a '{1,2}' literal. */
export function parseBigintArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}
