// Imports one council CSV extract file: streamed (a 1 GB file never sits in memory), read with the
// supplier's profile and the lexicon, written in batches through SourceWriter, bad rows quarantined
// with the column at fault, the run recorded in ingest_run. Loading the same file twice changes nothing.
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { invalid } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import { finishRun, ImportReport, startRun } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';
import { Lexicon, recordUnmapped } from '../lexicon.ts';
import { assertSourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import { SourceWriter } from '../source-writer.ts';
import { isRecordType, RECORD_TYPES, SCHEMAS, type RecordType } from '../social-care/records.ts';
import { applyRows, rawOf, type PendingRow, type RowApplier } from './apply-rows.ts';
import { BatchPipeline } from './batch-pipeline.ts';
import { openCsv, startLine, type CsvRecord, type OpenedCsv } from './csv-input.ts';
import { installConceptMaps } from './install-concept-maps.ts';
import { applyMissingRule, MISSING_RULES, type MissingRule } from './missing-rule.ts';
import { loadProfile, localSystemsOf, recordTypeForFile, recordTypeForHeader, type CsvProfile } from './profile.ts';
import { bindHeader, type HeaderBinding } from './read-row.ts';

export const IMPORT_MODES = ['incremental', 'full'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export const DEFAULT_BATCH_SIZE = 500;

export interface ImportProgress {
  bytesRead: number;
  /** File size, when the input is a file. */
  totalBytes?: number;
  rows: number;
}

export interface ImportCsvOptions {
  /** The council system the extract came from, e.g. "mosaic-hackney". */
  source: string;
  /** The CSV profile to read it with, e.g. "mosaic-example". */
  profile: string;
  /** The record type in the file; otherwise found from the file name, then the header. */
  recordType?: string;
  /** `full`: the file holds every current record of its type, so records missing from it are handled by `missingRule`. */
  mode?: ImportMode;
  /** Full extracts only; default `flag` (keep the records, tag them), which undoes itself if they come back. */
  missingRule?: MissingRule;
  /** Name for the run and quarantine origins when the input is a stream. */
  origin?: string;
  batchSize?: number;
  /** Batches written at once (default 2): the database writes one while the next is read and validated. */
  parallelBatches?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportCsvResult {
  runId: string;
  source: string;
  profile: string;
  recordType: RecordType;
  mode: ImportMode;
  report: ImportReport;
}

function checkOptions(options: ImportCsvOptions): { mode: ImportMode; missingRule: MissingRule } {
  assertSourceId(options.source);
  if (options.recordType !== undefined && !isRecordType(options.recordType)) {
    throw invalid('INGEST_CSV_RECORD_TYPE', `'${options.recordType}' is not a record type (${RECORD_TYPES.join(', ')})`, 'recordType');
  }
  const mode = options.mode ?? 'incremental';
  if (!(IMPORT_MODES as readonly string[]).includes(mode)) throw invalid('INGEST_CSV_MODE', `mode must be ${IMPORT_MODES.join(' or ')}`, 'mode');
  const missingRule = options.missingRule ?? 'flag';
  if (!(MISSING_RULES as readonly string[]).includes(missingRule)) throw invalid('INGEST_CSV_MISSING_RULE', `missing must be ${MISSING_RULES.join(', ')}`, 'missing');
  return { mode, missingRule };
}

/** The profile and lexicon for a run: shipped ConceptMaps installed first, so a first import already translates. */
export async function prepareProfile(ctx: IngestContext, name: string): Promise<{ profile: CsvProfile; lexicon: Lexicon }> {
  const profile = loadProfile(name, ctx.profileDirs);
  await installConceptMaps(ctx.repo, profile.conceptMaps);
  return { profile, lexicon: await Lexicon.load(ctx.repo, localSystemsOf(profile)) };
}

interface OpenedExtract {
  origin: string;
  opened: OpenedCsv;
  rows: AsyncIterator<CsvRecord>;
  header: string[];
  binding: HeaderBinding;
  /** Rows read so far (for progress). */
  count: number;
  bytesRead: number;
}

/** Opens the file or stream and reads its header: which record type it holds, which column is which field. */
async function openExtract(profile: CsvProfile, input: string | Readable, options: ImportCsvOptions): Promise<OpenedExtract> {
  const origin = typeof input === 'string' ? basename(input) : options.origin ?? 'upload';
  let recordType = (options.recordType as RecordType | undefined) ?? (typeof input === 'string' ? recordTypeForFile(profile, input) : undefined);
  if (recordType && !profile.records[recordType]) throw invalid('INGEST_CSV_RECORD_TYPE', `Profile ${profile.name} does not read ${recordType} records`, 'recordType');
  const delimiter = (recordType && profile.records[recordType]?.delimiter) ?? Object.values(profile.records)[0]!.delimiter;
  const extract = { origin, count: 0, bytesRead: 0 } as OpenedExtract;
  extract.opened = openCsv(input, { encoding: profile.encoding, delimiter, onBytes: (n) => { extract.bytesRead = n; } });
  return withParserClosedOnError(extract.opened.parser, async () => {
    extract.rows = extract.opened.parser[Symbol.asyncIterator]() as AsyncIterator<CsvRecord>;
    const first = await extract.rows.next();
    if (first.done) throw invalid('INGEST_CSV_EMPTY', `${origin} has no header row`, 'file');
    extract.header = first.value.record.map((h) => h.trim());
    recordType ??= recordTypeForHeader(profile, extract.header);
    if (!recordType) {
      throw invalid('INGEST_CSV_RECORD_TYPE', `Cannot tell which record type ${origin} holds; name it (recordType) or use the profile's file names`, 'recordType');
    }
    extract.binding = bindHeader(profile, recordType, extract.header);
    return extract;
  });
}

/**
 * Imports one extract file (a path or a stream) of one record type.
 * See: docs/ingest/csv.md
 */
export async function importCsv(ctx: IngestContext, input: string | Readable, options: ImportCsvOptions): Promise<ImportCsvResult> {
  const { mode, missingRule } = checkOptions(options);
  const { profile, lexicon } = await prepareProfile(ctx, options.profile);
  const extract = await openExtract(profile, input, options);
  const recordType = extract.binding.recordType;
  const report = new ImportReport();
  const runId = await startRun(ctx.db, { source: options.source, channel: 'csv', origin: extract.origin, profile: profile.name, recordType, mode });
  const writer = new SourceWriter(ctx.repo, options.source, runId);
  try {
    await importRows(ctx, extract, { binding: extract.binding, translator: lexicon, writer, report, runId }, { ...options, mode });
    if (mode === 'full') report.counts.missing = await applyMissingRule(ctx.repo, writer, recordType, missingRule, new Date().toISOString().slice(0, 10));
  } finally {
    extract.opened.parser.destroy();
    await recordUnmapped(ctx.db, options.source, report.counts.unmapped);
    await finishRun(ctx.db, runId, report);
  }
  return { runId, source: options.source, profile: profile.name, recordType, mode, report };
}

/** Streams the rows in batches through applyRows, two batches in flight, quarantining what is kept back. */
async function importRows(ctx: IngestContext, extract: OpenedExtract, applier: RowApplier, options: ImportCsvOptions & { mode: ImportMode }): Promise<void> {
  const { binding, runId } = applier;
  const quarantine = new Quarantine(ctx.db);
  const idIndex = binding.fields.find((f) => f.def.name === SCHEMAS[binding.recordType].idField)?.index;
  const progress = () => options.onProgress?.({ bytesRead: extract.bytesRead, ...(extract.opened.size !== undefined ? { totalBytes: extract.opened.size } : {}), rows: extract.count });
  const pipeline = new BatchPipeline<PendingRow[]>(options.parallelBatches ?? 2, async (rows) => {
    const result = await applyRows(applier, rows);
    await quarantine.add(result.quarantine);
    if (options.mode === 'full') await touchRecords(ctx.db, options.source, binding.recordType, result.quarantinedIds, runId);
    progress();
  });
  let batch: PendingRow[] = [];
  const flush = async () => {
    await pipeline.push(batch, new Set(batch.map((r) => (idIndex === undefined ? '' : r.values[idIndex]?.trim() ?? ''))));
    batch = [];
  };
  const malformed = () => extract.opened.malformed.splice(0).map((bad) => malformedRow(extract.origin, bad.line, bad.text));
  try {
    for (let next = await extract.rows.next(); !next.done; next = await extract.rows.next()) {
      batch.push(...malformed());
      extract.count++;
      batch.push(pendingRow(extract.origin, startLine(next.value.info.lines, next.value.raw), extract.header, next.value.record));
      if (batch.length >= (options.batchSize ?? DEFAULT_BATCH_SIZE)) await flush();
    }
    batch.push(...malformed());
    if (batch.length > 0) await flush();
  } finally {
    await pipeline.drain();
  }
}

async function withParserClosedOnError<T>(parser: { destroy(): void }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    parser.destroy();
    throw err;
  }
}

/** Origins name the line a row starts on (the header is line 1: a spreadsheet's row number unless a value spans lines). */
function pendingRow(file: string, line: number, header: readonly string[], values: string[]): PendingRow {
  const origin = `${file}:${line}`;
  const extra = values.slice(header.length);
  if (values.length < header.length || extra.some((v) => v.trim() !== '')) {
    return { origin, values, early: { raw: rawOf(header, values), reasons: [{ code: 'INGEST_CSV_COLUMNS',
      message: `The row has ${values.length} values for ${header.length} columns`, location: `line ${line}` }] } };
  }
  return { origin, values: values.slice(0, header.length) };
}

function malformedRow(file: string, line: number, text: string): PendingRow {
  return { origin: `${file}:${line}`, values: [], early: { raw: JSON.stringify({ '#text': text }), reasons: [{ code: 'INGEST_CSV_SYNTAX',
    message: 'From this line on the file is not well-formed CSV (a quote is never closed); the text is kept whole', location: `line ${line}` }] } };
}

/**
 * Rows of a full extract kept back are still in the extract: their records are marked as seen in this
 * run, so the missing-record rule does not end what the council still holds.
 */
async function touchRecords(db: Queryable, source: string, recordType: RecordType, localIds: readonly string[], runId: string): Promise<void> {
  if (localIds.length === 0) return;
  await db.query('UPDATE source_record SET last_run = $4::bigint WHERE source = $1 AND record_type = $2 AND local_id = ANY($3::text[])',
    [source, recordType, localIds, runId]);
}
