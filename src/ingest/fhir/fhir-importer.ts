// Applies incoming FHIR resources in batches through the SourceWriter, each on its own merits:
// a refused batch is retried one resource at a time so only the bad ones reach the quarantine.
// Transaction Bundles go whole through the server's transaction processing instead.
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { type ImportReport, type RecordOutcome } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceUri } from '../provenance.ts';
import { Quarantine, type QuarantineEntry, type QuarantineReason } from '../quarantine.ts';
import { type AppliedOutcome, type MappedRecord, SourceWriter } from '../source-writer.ts';
import { type IncomingResource, prepareResource, type RawForm, reasonsOf, referenceKeys } from './prepare-resource.ts';
import { originalKey, stampedReference } from './source-stamp.ts';

/** Runs a transaction Bundle through the server (ingest may not import server/): resolves to the response Bundle, rejects with a FhirError when refused. */
export type RunTransaction = (bundle: Bundle) => Promise<Bundle>;

/** The source recorded for imports without --source: their ids are kept as given. */
export const UNSOURCED = 'fhir-import';

export const DEFAULT_BATCH_SIZE = 500;

export interface ImporterOptions {
  /** The named source (ids are stamped), or undefined (ids kept, recorded as UNSOURCED). */
  source?: string;
  runId: string;
  report: ImportReport;
  runTransaction?: RunTransaction;
  /** `Type/id` of every resource in this import (named source only), so references to them are rewritten. */
  importKeys?: ReadonlySet<string>;
  batchSize?: number;
  onBatch?: () => void;
}

/** What became of one resource. */
export type ItemResult = { outcome: AppliedOutcome } | { kind: string; reasons: QuarantineReason[] };

const BUNDLE_AS_COLLECTION = new Set(['collection', 'batch', 'searchset', 'document']);

export class FhirImporter {
  private readonly options: ImporterOptions;
  private readonly writer: SourceWriter;
  private readonly quarantine: Quarantine;
  private pending: IncomingResource[] = [];

  constructor(ctx: IngestContext, options: ImporterOptions) {
    this.options = options;
    this.writer = new SourceWriter(ctx.repo, options.source ?? UNSOURCED, options.runId);
    this.quarantine = new Quarantine(ctx.db);
  }

  get source(): string {
    return this.options.source ?? UNSOURCED;
  }

  async add(item: IncomingResource): Promise<void> {
    this.pending.push(item);
    if (this.pending.length >= (this.options.batchSize ?? DEFAULT_BATCH_SIZE)) await this.flush();
  }

  /** A Bundle (or a lone resource) read from a .json file or a request body. */
  async addBundle(value: unknown, raw: string, origin: string): Promise<void> {
    const bundle = value as Bundle;
    if (typeof value !== 'object' || value === null || bundle.resourceType !== 'Bundle') return this.add({ value, raw, origin });
    if (bundle.type === 'transaction') {
      await this.flush();
      return this.transaction(bundle, raw, origin);
    }
    if (!BUNDLE_AS_COLLECTION.has(bundle.type ?? '')) {
      await this.refuse(1, { kind: 'Bundle', origin, raw }, [{ code: 'INGEST_FHIR_BUNDLE_TYPE', message: `A ${String(bundle.type)} Bundle is not imported (collection, batch, transaction, searchset and document are)`, location: 'Bundle.type' }]);
      return;
    }
    const fullUrls = this.fullUrlMap(bundle);
    const entries = bundle.entry ?? [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (bundle.type === 'searchset' && entry.search?.mode === 'outcome') continue;
      // Only a batch entry's request means anything here (PUT Type/id gives the id).
      const kept: BundleEntry = { ...(entry.fullUrl ? { fullUrl: entry.fullUrl } : {}), ...(entry.resource ? { resource: entry.resource } : {}),
        ...(bundle.type === 'batch' && entry.request ? { request: entry.request } : {}) };
      await this.add(entryItem(kept, JSON.stringify(kept), `${origin}#entry[${i}]`, fullUrls));
    }
  }

  /** Applies what is pending, quarantines what fails, and counts both. */
  async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    if (items.length === 0) return;
    const results = await this.process(items);
    const refused: QuarantineEntry[] = [];
    results.forEach((result, i) => {
      if ('outcome' in result) this.options.report.record(result.outcome);
      else {
        this.options.report.record('quarantined');
        refused.push(this.entry(result.kind, items[i]!, result.reasons));
      }
    });
    await this.quarantine.add(refused);
    this.options.onBatch?.();
  }

  /** Prepares and applies a batch, returning each item's result in order (used by replays too). */
  async process(items: readonly IncomingResource[]): Promise<ItemResult[]> {
    const known = await this.knownKeys(items);
    const importKeys = this.options.importKeys;
    const scope = { ...(this.options.source ? { source: this.options.source } : {}), isKnown: (key: string) => importKeys?.has(key) === true || known.has(key) };
    const results: ItemResult[] = new Array(items.length);
    const records: MappedRecord[] = [];
    const positions: number[] = [];
    items.forEach((item, i) => {
      const prepared = prepareResource(item, scope);
      if (!prepared.ok) results[i] = { kind: prepared.kind, reasons: prepared.reasons };
      else {
        records.push(prepared.record);
        positions.push(i);
      }
    });
    const applied = await this.apply(records);
    applied.forEach((a, n) => {
      results[positions[n]!] = typeof a === 'string' ? { outcome: a } : { kind: records[n]!.recordType, reasons: a };
    });
    return results;
  }

  /** All together; if the store refuses, one by one, so one bad resource costs only itself. */
  private async apply(records: readonly MappedRecord[]): Promise<Array<AppliedOutcome | QuarantineReason[]>> {
    if (records.length === 0) return [];
    try {
      return await this.writer.apply(records);
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      if (records.length === 1) return [reasonsOf(err)];
      const out: Array<AppliedOutcome | QuarantineReason[]> = [];
      for (const record of records) out.push(...(await this.apply([record])));
      return out;
    }
  }

  /** Which referenced `Type/id`s this source sent in earlier imports (named source only). */
  private async knownKeys(items: readonly IncomingResource[]): Promise<Set<string>> {
    const known = new Set<string>();
    if (!this.options.source) return known;
    const byType = new Map<string, Set<string>>();
    for (const item of items) {
      for (const key of referenceKeys(item)) {
        if (this.options.importKeys?.has(key)) continue;
        const [type, id] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        byType.set(type, (byType.get(type) ?? new Set()).add(id));
      }
    }
    for (const [type, ids] of byType) {
      for (const id of await this.writer.known(type, [...ids])) known.add(`${type}/${id}`);
    }
    return known;
  }

  /** fullUrl → the reference its resource will have after import. */
  private fullUrlMap(bundle: Bundle): Map<string, string> {
    const map = new Map<string, string>();
    for (const entry of bundle.entry ?? []) {
      const resource = entryResource(entry);
      if (!entry.fullUrl || !resource?.resourceType) continue;
      if (this.options.source) map.set(entry.fullUrl, stampedReference(this.options.source, originalKey(resource, entry.fullUrl)));
      else if (resource.id) map.set(entry.fullUrl, `${resource.resourceType}/${resource.id}`);
    }
    return map;
  }

  /** All or nothing through the server; a refused transaction is quarantined whole. */
  private async transaction(bundle: Bundle, raw: string, origin: string): Promise<void> {
    const entries = bundle.entry ?? [];
    if (!this.options.runTransaction) {
      await this.refuse(Math.max(entries.length, 1), { kind: 'Bundle', origin, raw }, [{ code: 'INGEST_FHIR_TRANSACTION', message: 'Transaction Bundles cannot be applied here', location: 'Bundle.type' }]);
      return;
    }
    let response: Bundle;
    try {
      response = await this.options.runTransaction(this.options.source ? withMetaSource(bundle, this.options.source) : bundle);
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      await this.refuse(Math.max(entries.length, 1), { kind: 'Bundle', origin, raw }, reasonsOf(err));
      return;
    }
    entries.forEach((entry, i) => this.options.report.record(transactionOutcome(entry, response.entry?.[i]?.response?.status)));
    this.options.onBatch?.();
  }

  /** A whole Bundle kept back: it counts as each of its entries. */
  private async refuse(records: number, item: { kind: string; origin: string; raw: string }, reasons: QuarantineReason[]): Promise<void> {
    for (let i = 0; i < records; i++) this.options.report.record('quarantined');
    await this.quarantine.add([this.entry(item.kind, { ...item, form: 'bundle' }, reasons)]);
  }

  private entry(kind: string, item: { origin: string; raw: string; form?: RawForm }, reasons: QuarantineReason[]): QuarantineEntry {
    return { source: this.source, channel: 'fhir', kind, ...(item.form ? { profile: item.form } : {}), origin: item.origin, raw: item.raw, reasons, runId: this.options.runId };
  }
}

/** The incoming resource of a Bundle entry (`raw` is the entry as kept). */
export function entryItem(entry: BundleEntry, raw: string, origin: string, fullUrls?: ReadonlyMap<string, string>): IncomingResource {
  return {
    value: entry.resource, raw, origin, form: 'entry',
    ...(entry.fullUrl ? { fullUrl: entry.fullUrl } : {}),
    ...(fullUrls ? { fullUrls } : {}),
    ...(entry.request ? { request: { ...(entry.request.method ? { method: entry.request.method } : {}), ...(entry.request.url ? { url: entry.request.url } : {}) } } : {}),
  };
}

function entryResource(entry: BundleEntry): Resource | undefined {
  const resource = entry.resource;
  if (!resource || resource.id || entry.request?.method !== 'PUT') return resource;
  const id = /^\/?[A-Za-z]+\/([^/?]+)$/.exec(entry.request.url ?? '')?.[1];
  return id ? { ...resource, id } : resource;
}

/** Provenance for a transaction from a named source: meta.source on each resource that has none. */
export function withMetaSource(bundle: Bundle, source: string): Bundle {
  return {
    ...bundle,
    entry: bundle.entry?.map((e) => (e.resource && !e.resource.meta?.source ? { ...e, resource: { ...e.resource, meta: { ...e.resource.meta, source: sourceUri(source) } } } : e)),
  };
}

function transactionOutcome(entry: BundleEntry, status: string | undefined): RecordOutcome {
  const code = Number(/^\d{3}/.exec(status ?? '')?.[0] ?? 0);
  if (code === 201) return 'created';
  const method = entry.request?.method;
  // A conditional create that matched, a read, or a delete of nothing changed nothing.
  if (method === 'POST' || method === 'GET' || method === 'HEAD' || code === 304) return 'unchanged';
  return 'updated';
}
