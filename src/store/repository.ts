// The Repository port: what the rest of sharedcare may ask of persistence. One implementation
// (SqlRepository) runs on either driver.
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable, TransactionOptions } from './driver.ts';
import type { SqlPart } from './write-resources.ts';
import type { SearchRequest } from './search/search-request.ts';
import type { EverythingOptions } from './everything.ts';

/**
 * Restrictions decided before the query and applied inside it (the access-control seam): a row is
 * visible when it satisfies at least one rule. Rows outside the filter behave exactly as if they did
 * not exist, so totals, paging, chains, `_has` and includes never reveal them.
 */
export interface AccessFilter {
  /** No rules: nothing is visible. */
  readonly rules: readonly AccessRule[];
}

/** One way a row may be visible; every condition given must hold. */
export interface AccessRule {
  /** Only resources of these types. */
  readonly types?: readonly string[];
  /** Only resources in these persons' compartments (person keys). */
  readonly personKeys?: readonly string[];
  /** With personKeys: also resources outside every compartment (Organization, Practitioner…). */
  readonly includeShared?: boolean;
  /** Not resources in these persons' compartments (a person's dissent, an opt-out). */
  readonly excludedPersonKeys?: readonly string[];
  /** Only resources carrying at least one of these token keys (sources shared with the caller). */
  readonly requiredTokens?: readonly string[];
  /** Not resources carrying any of these token keys (security labels, withheld sources). */
  readonly hiddenTokens?: readonly string[];
}

/**
 * The filter's rules in their shortest form for a query: when the query fixes the row's `type`, the
 * rules for other types drop out and the type condition with them; rules that differ only in their
 * types become one rule listing them all. The same rows pass. (A member of staff's filter has one rule
 * per data category, alike but for the types: thirteen OR-ed branches of 37 parameters became one.)
 */
export function compactRules(filter: AccessFilter, type?: string): AccessRule[] {
  const merged = new Map<string, { rule: AccessRule; types?: Set<string> }>();
  const arrayIds = new Map<readonly string[], number>();
  // Large key lists are shared by reference between a filter's rules; small ones are compared by value.
  const keyOf = (a: readonly string[] | undefined): string => {
    if (a === undefined) return '-';
    if (a.length <= 32) return a.join(',');
    if (!arrayIds.has(a)) arrayIds.set(a, arrayIds.size);
    return `#${arrayIds.get(a)}`;
  };
  for (const rule of filter.rules) {
    if (type !== undefined && rule.types && !rule.types.includes(type)) continue;
    const types = type === undefined ? rule.types : undefined;
    const signature = [keyOf(rule.personKeys), rule.includeShared ? 1 : 0, keyOf(rule.excludedPersonKeys), keyOf(rule.requiredTokens), keyOf(rule.hiddenTokens)].join('|');
    const entry = merged.get(signature);
    if (!entry) merged.set(signature, { rule, ...(types ? { types: new Set(types) } : {}) });
    else if (!types || !entry.types) delete entry.types;
    else for (const t of types) entry.types.add(t);
  }
  return [...merged.values()].map(({ rule, types }) => {
    const { types: _ignored, ...rest } = rule;
    return types ? { ...rest, types: [...types] } : rest;
  });
}

/** Whether a row with these properties passes the filter (for writes, checked before they happen). */
export function passesFilter(filter: AccessFilter | undefined, row: { type: string; personKey: string | null; tokens: readonly string[] }): boolean {
  if (!filter) return true;
  return filter.rules.some((rule) =>
    (!rule.types || rule.types.includes(row.type)) &&
    (!rule.personKeys || (row.personKey === null ? !!rule.includeShared : rule.personKeys.includes(row.personKey))) &&
    (!rule.excludedPersonKeys || row.personKey === null || !rule.excludedPersonKeys.includes(row.personKey)) &&
    (!rule.requiredTokens || rule.requiredTokens.some((t) => row.tokens.includes(t))) &&
    (!rule.hiddenTokens || !rule.hiddenTokens.some((t) => row.tokens.includes(t))));
}

export interface WriteResult {
  resource: Resource;
  /** created: a new resource; updated: a new version; unchanged: conditional create matched, or a put of identical content. */
  outcome: 'created' | 'updated' | 'unchanged';
}

export interface PutOptions {
  /** Every resource (existing and new) must lie within it. */
  filter?: AccessFilter;
  /** Rows for tables beside resources, written in the same statement as the resources. */
  alongside?: readonly SqlPart[];
}

export interface UpdateOptions {
  /** Expected current version (If-Match); mismatch → 412. */
  ifMatch?: string;
  /** Allow PUT to create a resource with a client-chosen id. */
  allowCreate?: boolean;
  /** Both the current and the new version must lie within it. */
  filter?: AccessFilter;
}

export interface HistoryOptions {
  since?: string;
  at?: string;
  count: number;
  /** Keyset: entries strictly older than this (last_updated, rid, version) position. */
  before?: string;
}

export interface HistoryEntry {
  resource?: Resource;
  type: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  /** 1 for the first version (POST), otherwise PUT or DELETE. */
  method: 'POST' | 'PUT' | 'DELETE';
}

export interface HistoryPage {
  entries: HistoryEntry[];
  total?: number;
  /** Cursor for the next (older) page, if any. */
  next?: string;
}

export interface SearchMatch {
  resource: Resource;
  mode: 'match' | 'include' | 'outcome';
}

export interface SearchResult {
  matches: SearchMatch[];
  total?: number;
  /** Query-string parameters for the next/previous page, already including the original query. */
  next?: Array<[string, string]>;
  previous?: Array<[string, string]>;
  /** Warnings for the bundle (e.g. include results truncated). */
  warnings: string[];
}

export interface Repository {
  create(resource: Resource, options?: { ifNoneExist?: Array<[string, string]>; filter?: AccessFilter }): Promise<WriteResult>;
  /** Creates many plain resources in one set-based write (transaction bundles, imports); a given id is kept. */
  createMany(resources: readonly Resource[], filter?: AccessFilter): Promise<Resource[]>;
  /**
   * Creates or updates many resources at their given ids in one write; content identical to the
   * stored version is left alone (outcome 'unchanged'). The import path: a source record always
   * maps to the same id.
   */
  putMany(resources: readonly Resource[], options?: PutOptions): Promise<WriteResult[]>;
  read(type: string, id: string, filter?: AccessFilter): Promise<Resource>;
  vread(type: string, id: string, versionId: string, filter?: AccessFilter): Promise<Resource>;
  update(resource: Resource, options?: UpdateOptions): Promise<WriteResult>;
  conditionalUpdate(type: string, query: Array<[string, string]>, resource: Resource, options?: UpdateOptions): Promise<WriteResult>;
  delete(type: string, id: string, filter?: AccessFilter): Promise<void>;
  /**
   * The single resource matching a conditional-write query (412 if several), taking a lock on the
   * query that lasts until the surrounding transaction ends, so parallel identical conditions serialise.
   */
  matchCondition(type: string, query: Array<[string, string]>, header: string, filter?: AccessFilter): Promise<Resource | undefined>;
  history(type: string | undefined, id: string | undefined, options: HistoryOptions, filter?: AccessFilter): Promise<HistoryPage>;
  search(request: SearchRequest, context: { owner: string; filter?: AccessFilter; query?: ReadonlyArray<[string, string]> }): Promise<SearchResult>;
  /**
   * $everything: the compartment of one Patient (404 if it is unknown), or of several (a Person's
   * records, already checked by the caller), paged, with referenced shared resources.
   */
  everything(patientIds: string | readonly string[], options: EverythingOptions, filter?: AccessFilter): Promise<SearchResult>;
  /** Parses search parameters against this repository's search parameter registry. */
  parseSearch(type: string, query: ReadonlyArray<[string, string]>, lenient?: boolean): SearchRequest;
  /**
   * Runs `fn` with a repository bound to one database transaction, and that transaction's SQL for
   * the tables kept beside resources (ingest registry, audit, outbox), so they commit together.
   * `options` apply to a new transaction, not to one this repository is already bound to.
   */
  transaction<T>(fn: (repo: Repository, sql: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
}
