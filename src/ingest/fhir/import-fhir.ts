// FHIR in: Bundles (.json) and NDJSON files (as Bulk Data exports write them) from a file, a folder
// or a stream, applied resource by resource with provenance, recorded as one ingest run.
// See: https://hl7.org/fhir/R4/bundle.html and https://hl7.org/fhir/uv/bulkdata/
import type { Readable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import { finishRun, ImportReport, startRun } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';
import type { QuarantineReason } from '../quarantine.ts';
import { assertSourceId } from '../provenance.ts';
import { type FhirFile, type FhirFormat, listFhirFiles, openFhirFile, readAll, spool } from './fhir-files.ts';
import { FhirImporter, type RunTransaction, UNSOURCED } from './fhir-importer.ts';
import { MAX_LINE_BYTES, ndjsonLines } from './ndjson-lines.ts';
import { originalKey } from './source-stamp.ts';

export interface ImportFhirOptions {
  /** The system the data comes from: resources get stable ids from it and keep their own as identifiers. */
  source?: string;
  /** Needed for a stream, and for a file whose name does not end in .json or .ndjson. */
  format?: FhirFormat;
  runTransaction: RunTransaction;
  /** How a stream is named in origins and in the run (default `upload`). */
  name?: string;
  batchSize?: number;
  /** Called after each batch with the counts so far. */
  onProgress?: (report: ImportReport) => void;
}

export interface ImportFhirResult {
  runId: string;
  /** The source recorded for the run and its quarantine items. */
  source: string;
  report: ImportReport;
}

const UNPARSEABLE = Symbol('unparseable');

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return UNPARSEABLE;
  }
}

const NOT_JSON: QuarantineReason = { code: 'INGEST_FHIR_JSON', message: 'The text is not valid JSON' };
const TOO_LONG: QuarantineReason = { code: 'INGEST_FHIR_LINE_TOO_LONG', message: `The line is longer than ${MAX_LINE_BYTES} bytes and was not read` };

/** Reads one file or stream into the importer. */
async function feed(importer: FhirImporter, file: Pick<FhirFile, 'name' | 'format'>, stream: Readable): Promise<void> {
  if (file.format === 'bundle') {
    const raw = await readAll(stream);
    const value = parse(raw);
    if (value === UNPARSEABLE) return importer.add({ value: undefined, unreadable: NOT_JSON, raw, origin: file.name });
    return importer.addBundle(value, raw, file.name);
  }
  for await (const { line, text } of ndjsonLines(stream)) {
    const value = text === undefined ? UNPARSEABLE : parse(text);
    const unreadable = text === undefined ? TOO_LONG : value === UNPARSEABLE ? NOT_JSON : undefined;
    await importer.add({ value: unreadable ? undefined : value, ...(unreadable ? { unreadable } : {}), raw: text ?? '', origin: `${file.name}:${line}` });
  }
}

/** Adds `Type/id` of a resource, or of each entry of a non-transaction Bundle, that has an id. */
function noteKeys(value: unknown, keys: Set<string>): void {
  const r = value as { resourceType?: unknown; id?: unknown };
  if (typeof r !== 'object' || r === null || typeof r.resourceType !== 'string') return;
  if (r.resourceType !== 'Bundle') {
    if (typeof r.id === 'string') keys.add(originalKey(r as never));
    return;
  }
  const bundle = value as Bundle;
  if (bundle.type === 'transaction') return;
  for (const entry of bundle.entry ?? []) {
    const putId = entry.request?.method === 'PUT' ? /^\/?[A-Za-z]+\/([^/?]+)$/.exec(entry.request.url ?? '')?.[1] : undefined;
    const id = entry.resource?.id ?? putId;
    if (entry.resource && typeof id === 'string') keys.add(originalKey({ ...entry.resource, id }));
  }
}

/** `Type/id` of every resource with an id in the files: references to them will follow them to their new ids. */
async function collectKeys(files: readonly FhirFile[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const file of files) {
    if (file.format === 'bundle') noteKeys(parse(await readAll(openFhirFile(file))), keys);
    else for await (const { text } of ndjsonLines(openFhirFile(file))) if (text !== undefined) noteKeys(parse(text), keys);
  }
  return keys;
}

function checkSource(source: string | undefined): string | undefined {
  if (source === undefined) return undefined;
  assertSourceId(source);
  if (source === UNSOURCED) throw invalid('INGEST_SOURCE_RESERVED', `'${UNSOURCED}' is reserved for imports without a source`, 'source');
  return source;
}

async function run(ctx: IngestContext, options: ImportFhirOptions, origin: string, body: (importer: FhirImporter) => Promise<void>,
  importKeys?: ReadonlySet<string>): Promise<ImportFhirResult> {
  const source = options.source;
  const report = new ImportReport();
  const runId = await startRun(ctx.db, { source: source ?? UNSOURCED, channel: 'fhir', origin });
  const importer = new FhirImporter(ctx, {
    ...(source ? { source } : {}), runId, report, runTransaction: options.runTransaction,
    ...(importKeys ? { importKeys } : {}), ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.onProgress ? { onBatch: () => options.onProgress!(report) } : {}),
  });
  try {
    await body(importer);
    await importer.flush();
  } finally {
    // Counts so far are kept even when the import stops half way.
    await finishRun(ctx.db, runId, report);
  }
  return { runId, source: importer.source, report };
}

/**
 * Imports FHIR Bundles and NDJSON from files and folders (`input` paths) or from one stream.
 * Collection, batch, searchset and document Bundles and NDJSON are applied resource by resource;
 * transaction Bundles go through `runTransaction`, all or nothing. Whatever fails is quarantined.
 */
export async function importFhir(ctx: IngestContext, input: string | readonly string[] | Readable, options: ImportFhirOptions): Promise<ImportFhirResult> {
  const source = checkSource(options.source);
  const opts = { ...options, ...(source ? { source } : {}) };
  if (typeof input === 'string' || Array.isArray(input)) {
    const paths = typeof input === 'string' ? [input] : (input as readonly string[]);
    const files = await listFhirFiles(paths, options.format);
    const keys = source ? await collectKeys(files) : undefined;
    return run(ctx, opts, paths.join(', '), async (importer) => {
      for (const file of files) await feed(importer, file, openFhirFile(file));
    }, keys);
  }
  const stream = input as Readable;
  const name = options.name ?? 'upload';
  const format = options.format;
  if (!format) throw invalid('INGEST_FHIR_FORMAT', 'A stream needs its format (bundle or ndjson)', 'format');
  if (!source) return run(ctx, opts, name, (importer) => feed(importer, { name, format }, stream));
  // A named source rewrites references to resources later in the input, so it is read twice.
  const copy = await spool(stream);
  try {
    const file: FhirFile = { path: copy.path, name, format, gzip: false };
    return await run(ctx, opts, name, (importer) => feed(importer, file, openFhirFile(file)), await collectKeys([file]));
  } finally {
    await copy.remove();
  }
}

/** Imports a Bundle already parsed (an HTTP request body). */
export async function importBundle(ctx: IngestContext, bundle: Bundle, options: ImportFhirOptions): Promise<ImportFhirResult> {
  const source = checkSource(options.source);
  const name = options.name ?? 'upload';
  const raw = JSON.stringify(bundle);
  const keys = new Set<string>();
  if (source) noteKeys(bundle, keys);
  return run(ctx, { ...options, ...(source ? { source } : {}) }, name, (importer) => importer.addBundle(bundle, raw, name), source ? keys : undefined);
}
