// _include and _revinclude (with :iterate), bounded in depth and count, under the same access
// filter as the matches so nothing hidden slips in through a reference.
// See: https://hl7.org/fhir/R4/search.html#include
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../driver.ts';
import { hash64 } from '../hash.ts';
import { paramKeyOf, referenceTarget } from '../index-rows.ts';
import { hydrate, RESOURCE_COLUMNS, type StoredRow } from '../stored-row.ts';
import type { AccessFilter } from '../repository.ts';
import type { IncludeSpec, SearchRequest } from './search-request.ts';
import { accessPredicate, SqlParams } from './search-sql.ts';
import type { SearchParamDef } from '../../fhir/search-parameters.ts';

const MAX_ITERATIONS = 3;

export interface IncludeResult {
  resources: Resource[];
  truncated: boolean;
}

export type ParamLookup = (type: string) => readonly SearchParamDef[];

function referenceDefs(spec: IncludeSpec, lookup: ParamLookup): SearchParamDef[] {
  if (spec.def !== '*') return [spec.def];
  return lookup(spec.sourceType).filter((d) => d.type === 'reference');
}

const keyOf = (r: Resource): string => `${r.resourceType}/${r.id}`;

/** Resources referenced from / referring to the page, never repeating a match. */
export async function collectIncludes(
  q: Queryable,
  request: SearchRequest,
  page: readonly Resource[],
  filter: AccessFilter | undefined,
  cap: number,
  lookup: ParamLookup,
): Promise<IncludeResult> {
  const seen = new Set(page.map(keyOf));
  const out: Resource[] = [];
  let frontier: readonly Resource[] = page;
  for (let round = 0; round < MAX_ITERATIONS && frontier.length > 0; round++) {
    const includes = request.include.filter((s) => round === 0 || s.iterate);
    const revincludes = request.revinclude.filter((s) => round === 0 || s.iterate);
    if (includes.length === 0 && revincludes.length === 0) break;
    const found: Resource[] = [];
    const targets = new Set<string>();
    for (const spec of includes) {
      for (const resource of frontier) {
        if (resource.resourceType !== spec.sourceType) continue;
        for (const def of referenceDefs(spec, lookup)) {
          for (const value of def.values(resource as unknown as Record<string, unknown>)) {
            const ref = (value as { reference?: unknown }).reference;
            const target = typeof ref === 'string' ? referenceTarget(ref) : undefined;
            if (target && (!spec.targetType || target.startsWith(spec.targetType + '/')) && !seen.has(target)) targets.add(target);
          }
        }
      }
    }
    found.push(...(await fetchTargets(q, [...targets], filter, cap - out.length + 1)));
    for (const spec of revincludes) {
      found.push(...(await fetchReferrers(q, spec, frontier, filter, cap - out.length - found.length + 1, lookup)));
    }
    const fresh = found.filter((r) => !seen.has(keyOf(r)) && seen.add(keyOf(r)));
    out.push(...fresh);
    if (out.length > cap) return { resources: out.slice(0, cap), truncated: true };
    frontier = fresh;
  }
  return { resources: out, truncated: false };
}

/** The resources named by `Type/id` strings, under the access filter. */
export async function fetchTargets(q: Queryable, targets: string[], filter: AccessFilter | undefined, limit: number): Promise<Resource[]> {
  if (targets.length === 0 || limit <= 0) return [];
  const params = new SqlParams();
  const types = params.add(targets.map((t) => t.split('/')[0]));
  const ids = params.add(targets.map((t) => t.split('/')[1]));
  const access = accessPredicate('r', params, filter);
  const { rows } = await q.query<StoredRow>(
    `SELECT ${RESOURCE_COLUMNS} FROM resource r JOIN unnest(${types}::text[], ${ids}::text[]) AS t(type, id) ON r.type = t.type AND r.id = t.id
     WHERE NOT r.deleted${access ? ` AND ${access}` : ''} LIMIT ${limit}`,
    params.values,
  );
  return rows.map(hydrate);
}

async function fetchReferrers(
  q: Queryable,
  spec: IncludeSpec,
  frontier: readonly Resource[],
  filter: AccessFilter | undefined,
  limit: number,
  lookup: ParamLookup,
): Promise<Resource[]> {
  if (limit <= 0) return [];
  const targets = frontier.filter((r) => !spec.targetType || r.resourceType === spec.targetType).map((r) => hash64(keyOf(r)));
  if (targets.length === 0) return [];
  const defs = referenceDefs(spec, lookup);
  const params = new SqlParams();
  const access = accessPredicate('r', params, filter, spec.sourceType);
  const { rows } = await q.query<StoredRow>(
    `SELECT ${RESOURCE_COLUMNS} FROM resource r WHERE r.type = ${params.add(spec.sourceType)} AND NOT r.deleted
       AND r.rid IN (SELECT rid FROM search_reference WHERE target = ANY(${params.add(targets)}::bigint[])
                     AND param = ANY(${params.add(defs.map((d) => paramKeyOf(d)))}::int[]))
       ${access ? `AND ${access}` : ''} ORDER BY r.rid LIMIT ${limit}`,
    params.values,
  );
  return rows.map(hydrate);
}
