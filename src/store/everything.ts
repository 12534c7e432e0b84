// $everything: every resource in the compartments of one or more source Patients (an index scan on
// person_key), paged by rid, plus the shared resources they reference (practitioners, organisations…).
// One Patient for Patient/$everything; all of a Person's linked records for Person/$everything.
// See: https://hl7.org/fhir/R4/patient-operation-everything.html
import type { Queryable } from './driver.ts';
import { personKeyOf } from './hash.ts';
import { hydrate, RESOURCE_COLUMNS, type StoredRow } from './stored-row.ts';
import type { AccessFilter, SearchMatch, SearchResult } from './repository.ts';
import { referenceTarget, toTimestamp } from './index-rows.ts';
import { forEachReference } from './reference-walk.ts';
import { fetchTargets } from './search/includes.ts';
import { accessPredicate, SqlParams } from './search/search-sql.ts';
import { parseDateRange } from '../fhir/date-range.ts';
import { invalid } from '../fhir/errors.ts';

export interface EverythingOptions {
  count: number;
  after?: string;
  since?: string;
  types?: readonly string[];
}

/** The resources in the compartments of `patientIds`, paged, with the shared resources they reference. */
export async function patientEverything(q: Queryable, patientIds: readonly string[], options: EverythingOptions, filter?: AccessFilter): Promise<SearchResult> {
  const params = new SqlParams();
  const conditions = [`r.person_key = ANY(${params.add(patientIds.map(personKeyOf))}::bigint[])`, 'NOT r.deleted'];
  const access = accessPredicate('r', params, filter);
  if (access) conditions.push(access);
  if (options.types?.length) conditions.push(`r.type = ANY(${params.add(options.types)}::text[])`);
  if (options.since) {
    const since = parseDateRange(options.since);
    if (!since) throw invalid('EVERYTHING_SINCE', '_since must be an instant', '_since');
    conditions.push(`r.last_updated >= ${params.add(toTimestamp(since.low))}::timestamptz`);
  }
  if (options.after) conditions.push(`r.rid > ${params.add(options.after)}`);
  const { rows } = await q.query<StoredRow & { rid: string }>(
    `SELECT r.rid, ${RESOURCE_COLUMNS} FROM resource r WHERE ${conditions.join(' AND ')} ORDER BY r.rid LIMIT ${options.count + 1}`,
    params.values,
  );
  const page = rows.slice(0, options.count);
  const matches: SearchMatch[] = page.map((r) => ({ resource: hydrate(r), mode: 'match' }));
  const inPage = new Set(matches.map((m) => `${m.resource.resourceType}/${m.resource.id}`));
  const referenced = new Set<string>();
  for (const m of matches) {
    forEachReference(m.resource, (ref) => {
      const target = referenceTarget(ref);
      if (target) referenced.add(target);
    });
  }
  // _type (or the caller's readable types) limits the shared resources too, not just the compartment.
  const shared = [...referenced].filter((t) => !inPage.has(t) && (!options.types || options.types.includes(t.split('/')[0]!)));
  for (const resource of await fetchTargets(q, shared, sharedOnly(filter), shared.length)) {
    matches.push({ resource, mode: 'include' });
  }
  const last = page[page.length - 1];
  return { matches, warnings: [], ...(rows.length > options.count && last ? { next: [['_cursor', last.rid]] } : {}) };
}

/** The caller's filter narrowed to resources outside every compartment: only those come along. */
function sharedOnly(filter: AccessFilter | undefined): AccessFilter {
  const rules = filter ? filter.rules : [{}];
  return { rules: rules.map((rule) => ({ ...rule, personKeys: [], includeShared: true })) };
}
