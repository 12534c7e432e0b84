// Applies mapped source records to the store in batches, one transaction each: the resources, and
// the source_record registry that remembers which resources each record became and a hash of
// them, so an unchanged record costs no resource read and a full extract can tell who is missing.
// New and changed Patients are matched to a person (identity) in the same transaction.
import { createHash } from 'node:crypto';
import type { Patient, Resource } from '@medplum/fhirtypes';
import { linkArrivals } from '../identity/linker.ts';
import type { Queryable } from '../store/driver.ts';
import { ReadEarlier } from '../store/read-earlier.ts';
import type { ReadPart } from '../store/read-together.ts';
import { SqlParams } from '../store/search/search-sql.ts';
import type { Repository } from '../store/repository.ts';
import type { SqlPart } from '../store/write-resources.ts';

/** One source record, already mapped: its resources carry the ids fromSource() gave them. */
export interface MappedRecord {
  /** The record's kind within the source, e.g. "person", "allocation", "visit". */
  recordType: string;
  /** The source's own id for the record. */
  localId: string;
  resources: Resource[];
}

export type AppliedOutcome = 'created' | 'updated' | 'unchanged';

export interface KnownRecord {
  recordType: string;
  localId: string;
  resources: string[];
  ended: boolean;
}

interface RegistryRow {
  record_type: string;
  local_id: string;
  resources: string[];
  content_hash: string;
  ended: boolean;
}

function contentHash(resources: readonly Resource[]): string {
  const digest = createHash('sha1');
  for (const r of resources) digest.update(JSON.stringify(r)).update('\u0000');
  return digest.digest('base64');
}

const keyOf = (recordType: string, localId: string): string => `${recordType}\u0000${localId}`;

type RecordKey = Pick<MappedRecord, 'recordType' | 'localId'>;

function registrySql(source: string, records: readonly RecordKey[], param: (value: unknown) => string): string {
  return `SELECT s.record_type, s.local_id, s.resources, s.content_hash, s.ended FROM source_record s
    JOIN unnest(${param(records.map((r) => r.recordType))}::text[], ${param(records.map((r) => r.localId))}::text[]) AS k(t, l)
      ON s.record_type = k.t AND s.local_id = k.l
    WHERE s.source = ${param(source)}`;
}

/**
 * The registry rows of a source's records as a part of readTogether: a writer that already holds the
 * locks on the records' resources (an HL7 message, on its patient and visit) reads them with its other
 * reads, and remembers them (rememberRegistryRows) for the write. Only writers of a record's resources
 * change its row, so under those locks it stays as read.
 */
export function registryPart(source: string, records: readonly RecordKey[]): ReadPart {
  return {
    name: 'registry rows',
    columns: [['record_type', 'text'], ['local_id', 'text'], ['resources', 'text[]'], ['content_hash', 'text'], ['ended', 'boolean']],
    sql: (param) => registrySql(source, records, param),
  };
}

// Registry rows read earlier in a transaction, each taken once by the write.
const readEarlier = new ReadEarlier<RegistryRow>();
const readKeyOf = (source: string, r: RecordKey): string => `${source}\u0000${keyOf(r.recordType, r.localId)}`;

/** Remembers what registryPart found for these records, for the write that follows in the transaction. */
export function rememberRegistryRows(tx: Queryable, source: string, records: readonly RecordKey[], rows: ReadonlyArray<Record<string, unknown>>): void {
  const found = new Map((rows as unknown as RegistryRow[]).map((row) => [keyOf(row.record_type, row.local_id), row]));
  for (const r of records) readEarlier.remember(tx, readKeyOf(source, r), found.get(keyOf(r.recordType, r.localId)) ?? null);
}

export class SourceWriter {
  private readonly repo: Repository;
  readonly source: string;
  private readonly runId: string;

  constructor(repo: Repository, source: string, runId: string) {
    this.repo = repo;
    this.source = source;
    this.runId = runId;
  }

  /**
   * Applies the records, returning each one's outcome in order. All or nothing: if the store
   * refuses a resource the whole batch rolls back and the error (with entryIndex = the record's
   * position) propagates, so the caller can retry the records one by one and quarantine the bad one.
   */
  async apply(records: readonly MappedRecord[], extra: readonly SqlPart[] = []): Promise<AppliedOutcome[]> {
    if (records.length === 0) return [];
    // A record repeated in one batch is applied in turn: split where a key repeats.
    const outcomes: AppliedOutcome[] = [];
    let start = 0;
    const seen = new Set<string>();
    for (let i = 0; i <= records.length; i++) {
      const key = i < records.length ? keyOf(records[i]!.recordType, records[i]!.localId) : undefined;
      if (key === undefined || seen.has(key)) {
        const part = records.slice(start, i);
        outcomes.push(...(await this.applyDistinct(part, i === records.length ? extra : [], start)));
        start = i;
        seen.clear();
      }
      if (key !== undefined) seen.add(key);
    }
    return outcomes;
  }

  private async applyDistinct(records: readonly MappedRecord[], extra: readonly SqlPart[], offset: number): Promise<AppliedOutcome[]> {
    if (records.length === 0) {
      if (extra.length > 0) await this.repo.putMany([], { alongside: extra });
      return [];
    }
    return this.repo.transaction(async (repo, sql) => {
      const known = await this.lookup(sql, records);
      const hashes = records.map((r) => contentHash(r.resources));
      const outcomes: AppliedOutcome[] = new Array(records.length);
      const changed: number[] = [];
      records.forEach((record, i) => {
        const row = known.get(keyOf(record.recordType, record.localId));
        if (row && !row.ended && row.content_hash === hashes[i]) outcomes[i] = 'unchanged';
        else changed.push(i);
      });
      const resources = changed.flatMap((i) => records[i]!.resources);
      const owner = changed.flatMap((i) => records[i]!.resources.map(() => i));
      // The registry rows (and the caller's) travel in the same statement as the resources.
      const alongside = [this.rememberPart(records, hashes), ...extra];
      const written = await repo.putMany(resources, { alongside }).catch((err: unknown) => {
        const e = err as { entryIndex?: number };
        if (e.entryIndex !== undefined) e.entryIndex = offset + owner[e.entryIndex]!;
        throw err;
      });
      for (const i of changed) outcomes[i] = known.has(keyOf(records[i]!.recordType, records[i]!.localId)) ? 'updated' : 'created';
      // A changed hash whose resources all came back identical (e.g. key order) is still unchanged.
      const anyWritten = new Set<number>();
      written.forEach((w, n) => { if (w.outcome !== 'unchanged') anyWritten.add(owner[n]!); });
      for (const i of changed) if (!anyWritten.has(i) && known.has(keyOf(records[i]!.recordType, records[i]!.localId))) outcomes[i] = 'unchanged';
      // Who is this? Each new or changed Patient is matched in the same transaction that wrote it.
      const patients = written.filter((w) => w.outcome !== 'unchanged' && w.resource.resourceType === 'Patient').map((w) => w.resource as Patient);
      await linkArrivals(repo, sql, patients);
      return outcomes;
    });
  }

  /** The registry rows of the records: those the transaction read with its locks, the rest read now. */
  private async lookup(sql: Queryable, records: readonly MappedRecord[]): Promise<Map<string, RegistryRow>> {
    const known = new Map<string, RegistryRow>();
    const taken = readEarlier.take(sql, records.map((r) => readKeyOf(this.source, r)));
    for (const row of taken.values()) if (row) known.set(keyOf(row.record_type, row.local_id), row);
    const unread = records.filter((r) => !taken.has(readKeyOf(this.source, r)));
    if (unread.length === 0) return known;
    const params = new SqlParams();
    const { rows } = await sql.query<RegistryRow>(registrySql(this.source, unread, (v) => params.add(v)), params.values);
    for (const row of rows) known.set(keyOf(row.record_type, row.local_id), row);
    return known;
  }

  /** Upserts the registry rows of the records (sorted, so overlapping imports take row locks in one order). */
  private rememberPart(records: readonly MappedRecord[], hashes: readonly string[]): SqlPart {
    const order = records.map((_, i) => i).sort((a, b) => {
      const ka = keyOf(records[a]!.recordType, records[a]!.localId);
      const kb = keyOf(records[b]!.recordType, records[b]!.localId);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const rows = JSON.stringify(order.map((i) => ({
      t: records[i]!.recordType, l: records[i]!.localId, h: hashes[i],
      r: records[i]!.resources.map((r) => `${r.resourceType}/${r.id}`),
    })));
    return (param) => `INSERT INTO source_record (source, record_type, local_id, resources, content_hash, last_run, ended)
       SELECT ${param(this.source)}::text, u.t, u.l, ARRAY(SELECT jsonb_array_elements_text(u.r)), u.h, ${param(this.runId)}::bigint, false
       FROM jsonb_to_recordset(${param(rows)}::jsonb) AS u(t text, l text, r jsonb, h text)
       ON CONFLICT (source, record_type, local_id) DO UPDATE SET resources = excluded.resources,
         content_hash = excluded.content_hash, last_run = excluded.last_run, ended = false, updated_at = now()`;
  }

  /** Whether the source has sent these records before (and they are not ended): for checking references between records. */
  async known(recordType: string, localIds: readonly string[]): Promise<Set<string>> {
    return this.repo.transaction(async (_repo, sql) => {
      const { rows } = await sql.query<{ local_id: string }>(
        'SELECT local_id FROM source_record WHERE source = $1 AND record_type = $2 AND local_id = ANY($3::text[])',
        [this.source, recordType, localIds],
      );
      return new Set(rows.map((r) => r.local_id));
    });
  }

  /** Records of a type a full extract in this run did not contain, and that are not already ended. */
  async missingFromRun(recordType: string): Promise<KnownRecord[]> {
    return this.repo.transaction(async (_repo, sql) => {
      const { rows } = await sql.query<RegistryRow>(
        `SELECT record_type, local_id, resources, content_hash, ended FROM source_record
         WHERE source = $1 AND record_type = $2 AND last_run < $3::bigint AND NOT ended ORDER BY local_id`,
        [this.source, recordType, this.runId],
      );
      return rows.map((r) => ({ recordType: r.record_type, localId: r.local_id, resources: r.resources, ended: r.ended }));
    });
  }

  /** Marks records as ended by their source (after the full-extract rule has been applied to their resources). */
  async markEnded(sql: Queryable, recordType: string, localIds: readonly string[]): Promise<void> {
    await sql.query(
      'UPDATE source_record SET ended = true, last_run = $4::bigint, updated_at = now() WHERE source = $1 AND record_type = $2 AND local_id = ANY($3::text[])',
      [this.source, recordType, localIds, this.runId],
    );
  }
}
