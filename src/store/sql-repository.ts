// The Repository on SQL: create, read, vread, update, delete, history and search, each write in
// one transaction with its index rows; conditional writes serialised per query with advisory locks.
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../fhir/errors.ts';
import { isValidId } from '../fhir/validate.ts';
import type { Driver, Queryable, TransactionOptions } from './driver.ts';
import { hash64 } from './hash.ts';
import { readHistory } from './history.ts';
import { prepareBatch, prepareDeletion, prepareVersion, type PrepareContext } from './prepare-version.ts';
import { passesFilter, type AccessFilter, type HistoryOptions, type HistoryPage, type PutOptions, type Repository, type SearchResult, type UpdateOptions, type WriteResult } from './repository.ts';
import { parseSearch, type SearchLimits } from './search/parse-search.ts';
import { DEFAULT_RUN_LIMITS, runSearch, type SearchRunLimits } from './search/run-search.ts';
import type { SearchRequest } from './search/search-request.ts';
import { accessPredicate, SqlParams, whereClause } from './search/search-sql.ts';
import { patientEverything, type EverythingOptions } from './everything.ts';
import { putResources } from './put-many.ts';
import { hydrate, RESOURCE_COLUMNS, type StoredRow } from './stored-row.ts';
import { writeVersions, type PreparedVersion } from './write-resources.ts';

export interface SqlRepositoryOptions extends PrepareContext {
  searchLimits?: SearchLimits;
  runLimits?: SearchRunLimits;
}

interface CurrentRow extends Omit<StoredRow, 'content'> {
  rid: string;
  deleted: boolean;
  person_key: string | null;
  content: Record<string, unknown> | null;
}

const notFound = (type: string, id: string): FhirError => new FhirError('not-found', 'STORE_NOT_FOUND', `${type}/${id} is not known`);

/** Database conditions a client can cause become FhirErrors; anything else stays a fault. */
function translateDatabaseError(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (code === '23505') return new FhirError('conflict', 'STORE_DUPLICATE_ID', 'A resource with this id already exists');
  if (code === '40001' || code === '40P01') return new FhirError('busy', 'STORE_CONTENTION', 'The database was busy with a conflicting change; retry');
  return err;
}

/** A write must land inside the caller's filter, as a read would have to. */
function assertWritable(version: PreparedVersion, filter?: AccessFilter): PreparedVersion {
  if (passesFilter(filter, { type: version.type, personKey: version.rows.personKey, tokens: version.rows.tokens })) return version;
  throw new FhirError('forbidden', 'POLICY_COMPARTMENT', `This ${version.type} is outside the records the access token may write`);
}

export class SqlRepository implements Repository {
  private readonly driver: Driver;
  private readonly options: SqlRepositoryOptions;
  private readonly tx: Queryable | undefined;

  constructor(driver: Driver, options: SqlRepositoryOptions, tx?: Queryable) {
    this.driver = driver;
    this.options = options;
    this.tx = tx;
  }

  /** Runs `fn` inside this repository's transaction, or a new one. */
  private inTransaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return (this.tx ? fn(this.tx) : this.driver.transaction(fn)).catch((err: unknown) => {
      throw translateDatabaseError(err);
    });
  }

  private get q(): Queryable {
    return this.tx ?? this.driver;
  }

  transaction<T>(fn: (repo: Repository, sql: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.tx) return fn(this, this.tx);
    return this.driver.transaction((tx) => fn(new SqlRepository(this.driver, this.options, tx), tx), options);
  }

  private now(): string {
    return new Date().toISOString();
  }

  async create(resource: Resource, options: { ifNoneExist?: Array<[string, string]>; filter?: AccessFilter } = {}): Promise<WriteResult> {
    return this.inTransaction(async (q) => {
      if (options.ifNoneExist) {
        const existing = await this.findUnique(q, resource.resourceType, options.ifNoneExist, 'If-None-Exist', options.filter);
        if (existing) return { resource: existing, outcome: 'unchanged' as const };
      }
      const version = assertWritable(prepareVersion(this.options, resource, randomUUID(), 1, this.now()), options.filter);
      await writeVersions(q, [version]);
      return { resource: version.content!, outcome: 'created' as const };
    });
  }

  async createMany(resources: readonly Resource[], filter?: AccessFilter): Promise<Resource[]> {
    const ids = resources.map((r) => r.id ?? randomUUID());
    const prepared = await prepareBatch(this.options, resources, ids, this.now());
    const versions = prepared.map((v, i) => {
      try {
        return assertWritable(v, filter);
      } catch (err) {
        if (err instanceof FhirError) err.entryIndex = i;
        throw err;
      }
    });
    await this.inTransaction((q) => writeVersions(q, versions));
    return versions.map((v) => v.content!);
  }

  async putMany(resources: readonly Resource[], options?: PutOptions): Promise<WriteResult[]> {
    return this.inTransaction((q) => putResources(q, this.options, resources, this.now(), options));
  }

  /**
   * The one resource matching a conditional-write query (412 if several), locking the query so
   * parallel identical conditional writes serialise. See: https://hl7.org/fhir/R4/http.html#ccreate
   */
  async matchCondition(type: string, query: Array<[string, string]>, header: string, filter?: AccessFilter): Promise<Resource | undefined> {
    return this.inTransaction((q) => this.findUnique(q, type, query, header, filter));
  }

  private async findUnique(q: Queryable, type: string, query: Array<[string, string]>, header: string, filter?: AccessFilter): Promise<Resource | undefined> {
    if (query.length === 0) throw invalid('STORE_CONDITION_EMPTY', `${header} needs search criteria`, header);
    const canonical = [...query].sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
    await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [hash64(`${type}?${new URLSearchParams(canonical).toString()}`)]);
    const request = parseSearch(type, query, this.searchOptions());
    request.count = 2;
    const params = new SqlParams();
    const { rows } = await q.query<StoredRow>(
      `SELECT ${RESOURCE_COLUMNS} FROM resource r WHERE ${whereClause('r', type, request.criteria, params, filter)} LIMIT 2`,
      params.values,
    );
    if (rows.length > 1) throw new FhirError('precondition', 'STORE_CONDITION_MULTIPLE', `${header} matched more than one ${type}`, header);
    return rows[0] ? hydrate(rows[0]) : undefined;
  }

  private searchOptions() {
    return {
      registry: this.options.registry,
      isResourceType: (t: string) => this.options.definitions.isResourceType(t),
      ...(this.options.searchLimits ? { limits: this.options.searchLimits } : {}),
    };
  }

  private async current(q: Queryable, type: string, id: string, lock: boolean, filter?: AccessFilter): Promise<CurrentRow | undefined> {
    const params = new SqlParams();
    const access = accessPredicate('r', params, filter, type);
    const { rows } = await q.query<CurrentRow>(
      `SELECT r.rid, r.deleted, r.person_key, ${RESOURCE_COLUMNS} FROM resource r
       WHERE r.type = ${params.add(type)} AND r.id = ${params.add(id)}${access ? ` AND ${access}` : ''}${lock ? ' FOR UPDATE' : ''}`,
      params.values,
    );
    return rows[0];
  }

  async read(type: string, id: string, filter?: AccessFilter): Promise<Resource> {
    const row = await this.current(this.q, type, id, false, filter);
    if (!row) throw notFound(type, id);
    if (row.deleted) throw new FhirError('gone', 'STORE_DELETED', `${type}/${id} was deleted`);
    return hydrate(row as StoredRow);
  }

  async vread(type: string, id: string, versionId: string, filter?: AccessFilter): Promise<Resource> {
    if (!/^\d{1,9}$/.test(versionId)) throw notFound(type, `${id}/_history/${versionId}`);
    const row = await this.current(this.q, type, id, false, filter);
    if (!row) throw notFound(type, id);
    const version = Number(versionId);
    let stored: StoredRow & { deleted: boolean } = row as StoredRow & { deleted: boolean };
    if (row.version_id !== version) {
      const { rows } = await this.q.query<StoredRow & { deleted: boolean }>(
        'SELECT $3::text AS type, $4::text AS id, version_id, last_updated, content, deleted FROM resource_history WHERE rid = $1 AND version_id = $2',
        [row.rid, version, type, id],
      );
      if (!rows[0]) throw notFound(type, `${id}/_history/${versionId}`);
      stored = rows[0];
    }
    if (stored.deleted || !stored.content) throw new FhirError('gone', 'STORE_DELETED', `${type}/${id} version ${versionId} is a deletion`);
    return hydrate(stored);
  }

  async update(resource: Resource, options: UpdateOptions = {}): Promise<WriteResult> {
    const { resourceType: type, id } = resource;
    if (!id || !isValidId(id)) throw invalid('STORE_ID_INVALID', 'The resource id is missing or invalid', `${type}.id`);
    return this.inTransaction(async (q) => {
      const row = await this.current(q, type, id, true, options.filter);
      if (!row) {
        if (!options.allowCreate) {
          // R4 http.html#update: 405 when the resource did not exist and client-defined ids are not allowed.
          throw new FhirError('not-allowed', 'STORE_UPDATE_CREATE_DISABLED', `${type}/${id} does not exist and this server does not create resources on update`);
        }
        if (options.ifMatch) throw new FhirError('precondition', 'STORE_VERSION_CONFLICT', `${type}/${id} does not exist`, 'If-Match');
        const version = assertWritable(prepareVersion(this.options, resource, id, 1, this.now()), options.filter);
        await writeVersions(q, [version]);
        return { resource: version.content!, outcome: 'created' as const };
      }
      return this.writeNewVersion(q, row, resource, options);
    });
  }

  private async writeNewVersion(q: Queryable, row: CurrentRow, resource: Resource, options: UpdateOptions): Promise<WriteResult> {
    const { ifMatch } = options;
    if (ifMatch !== undefined && ifMatch !== String(row.version_id)) {
      throw new FhirError('precondition', 'STORE_VERSION_CONFLICT', `Version ${ifMatch} is not the current version (${row.version_id})`, 'If-Match');
    }
    const version = assertWritable(prepareVersion(this.options, resource, resource.id!, row.version_id + 1, this.now(), row.rid), options.filter);
    await writeVersions(q, [version]);
    return { resource: version.content!, outcome: 'updated' };
  }

  async conditionalUpdate(type: string, query: Array<[string, string]>, resource: Resource, options: UpdateOptions = {}): Promise<WriteResult> {
    return this.inTransaction(async (q) => {
      const match = await this.findUnique(q, type, query, 'conditional update', options.filter);
      if (!match) {
        if (resource.id) return new SqlRepository(this.driver, this.options, q).update(resource, { ...options, allowCreate: true });
        const version = assertWritable(prepareVersion(this.options, resource, randomUUID(), 1, this.now()), options.filter);
        await writeVersions(q, [version]);
        return { resource: version.content!, outcome: 'created' as const };
      }
      if (resource.id && resource.id !== match.id) {
        throw invalid('STORE_ID_MISMATCH', `The resource id does not match the resource found (${type}/${match.id})`, `${type}.id`);
      }
      const row = (await this.current(q, type, match.id!, true))!;
      return this.writeNewVersion(q, row, { ...resource, id: match.id } as Resource, options);
    });
  }

  async delete(type: string, id: string, filter?: AccessFilter): Promise<void> {
    await this.inTransaction(async (q) => {
      const row = await this.current(q, type, id, true, filter);
      if (!row) throw notFound(type, id);
      if (row.deleted) return;
      await writeVersions(q, [prepareDeletion(type, id, row.version_id + 1, this.now(), row.rid, row.person_key)]);
    });
  }

  async history(type: string | undefined, id: string | undefined, options: HistoryOptions, filter?: AccessFilter): Promise<HistoryPage> {
    if (type && id) {
      const row = await this.current(this.q, type, id, false, filter);
      if (!row) throw notFound(type, id);
      return readHistory(this.q, { rid: row.rid, type }, options, filter);
    }
    return readHistory(this.q, type ? { type } : {}, options, filter);
  }

  async search(request: SearchRequest, context: { owner: string; filter?: AccessFilter; query?: ReadonlyArray<[string, string]> }): Promise<SearchResult> {
    return runSearch(this.q, request, {
      owner: context.owner,
      query: context.query ?? [],
      paramsOf: (t) => this.options.registry.list(t),
      limits: this.options.runLimits ?? DEFAULT_RUN_LIMITS,
      ...(context.filter ? { filter: context.filter } : {}),
    });
  }

  async everything(patientIds: string | readonly string[], options: EverythingOptions, filter?: AccessFilter): Promise<SearchResult> {
    if (typeof patientIds !== 'string') return patientEverything(this.q, patientIds, options, filter);
    await this.read('Patient', patientIds, filter);
    return patientEverything(this.q, [patientIds], options, filter);
  }

  /** Parses search parameters with this repository's registry and limits. */
  parseSearch(type: string, query: ReadonlyArray<[string, string]>, lenient = false): SearchRequest {
    return parseSearch(type, query, { ...this.searchOptions(), lenient });
  }
}
