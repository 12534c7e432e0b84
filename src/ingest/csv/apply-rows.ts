// Applies a batch of CSV rows: read each into a record, check the records it names were sent before,
// map to FHIR, write the batch in one transaction through SourceWriter; if the store refuses the
// batch, write the rows one by one so only the bad row is kept back. No row is ever dropped.
import { FhirError } from '../../fhir/errors.ts';
import type { ImportReport, RecordOutcome } from '../import-report.ts';
import type { QuarantineEntry, QuarantineReason } from '../quarantine.ts';
import type { MappedRecord, SourceWriter } from '../source-writer.ts';
import { referencedRecords } from '../social-care/record-rules.ts';
import { SCHEMAS, localIdOf, type RecordType, type SharedRecordType, type SocialCareRecord } from '../social-care/records.ts';
import { recordToFhir } from '../social-care/to-fhir.ts';
import { readRow, type CodeTranslator, type HeaderBinding } from './read-row.ts';

/** A row as read from the file: its values in header order, where it came from, and the raw text for rows that did not parse. */
export interface PendingRow {
  origin: string;
  values: string[];
  /** Set when the row already failed before reading (bad quoting, wrong number of columns). */
  early?: { raw: string; reasons: QuarantineReason[] };
}

export interface BatchResult {
  quarantine: QuarantineEntry[];
  /** Local ids of quarantined rows (where the row gave one), so a full extract does not count them missing. */
  quarantinedIds: string[];
}

interface Readied {
  row: PendingRow;
  record?: SocialCareRecord;
  mapped?: MappedRecord[];
  reasons?: QuarantineReason[];
}

/** What applying rows needs: the file's binding, the lexicon, the source's writer, and where to count. */
export interface RowApplier {
  binding: HeaderBinding;
  translator: CodeTranslator;
  writer: SourceWriter;
  report: ImportReport;
  runId: string;
}

/** The row as the quarantine keeps it: column → value, so a replay can read it with the current profile. */
export function rawOf(header: readonly string[], values: readonly string[]): string {
  const raw: Record<string, string> = {};
  header.forEach((column, i) => { raw[column] = values[i] ?? ''; });
  if (values.length > header.length) raw['#extra'] = values.slice(header.length).join(',');
  return JSON.stringify(raw);
}

export async function applyRows(applier: RowApplier, rows: readonly PendingRow[]): Promise<BatchResult> {
  const { binding, translator, writer, report } = applier;
  const readied: Readied[] = rows.map((row) => {
    if (row.early) return { row, reasons: row.early.reasons };
    const result = readRow(binding, row.values, translator, report);
    return 'reasons' in result ? { row, reasons: result.reasons } : { row, record: result.record };
  });
  await checkReferences(applier, readied);
  for (const r of readied) if (r.record && !r.reasons) r.mapped = recordToFhir(r.record, writer.source);
  const outcomes = await write(writer, readied);
  const result: BatchResult = { quarantine: [], quarantinedIds: [] };
  readied.forEach((r, i) => {
    const outcome: RecordOutcome = r.reasons ? 'quarantined' : outcomes[i]!;
    report.record(outcome);
    if (outcome !== 'quarantined') return;
    result.quarantine.push({
      source: writer.source, channel: 'csv', kind: binding.recordType, profile: binding.profile.name, origin: r.row.origin,
      raw: r.row.early?.raw ?? rawOf(binding.header, r.row.values), reasons: r.reasons!, runId: applier.runId,
    });
    const id = r.record ? localIdOf(r.record) : idFromValues(binding, r.row.values);
    if (id) result.quarantinedIds.push(id);
  });
  return result;
}

function idFromValues(binding: HeaderBinding, values: readonly string[]): string | undefined {
  const idField = SCHEMAS[binding.recordType].idField;
  const bound = binding.fields.find((f) => f.def.name === idField);
  const value = bound ? values[bound.index]?.trim() : undefined;
  return value || undefined;
}

/** Rows naming a record the source never sent (a person, a case, a worker…) are kept back, naming the column. */
async function checkReferences(applier: RowApplier, readied: Readied[]): Promise<void> {
  const wanted = new Map<RecordType | SharedRecordType, Set<string>>();
  for (const r of readied) {
    if (!r.record) continue;
    for (const ref of referencedRecords(r.record)) {
      if (!wanted.has(ref.type)) wanted.set(ref.type, new Set());
      wanted.get(ref.type)!.add(ref.id);
    }
  }
  const known = new Map<string, Set<string>>();
  for (const [type, ids] of wanted) known.set(type, await applier.writer.known(type, [...ids]));
  for (const r of readied) {
    if (!r.record) continue;
    const missing = referencedRecords(r.record).filter((ref) => !known.get(ref.type)!.has(ref.id));
    if (missing.length === 0) continue;
    r.reasons = missing.map((ref) => {
      const column = applier.binding.fields.find((f) => f.def.name === ref.field)?.column ?? ref.field;
      return { code: 'INGEST_CSV_REFERENCE', message: `No ${ref.type} '${ref.id}' has been received from this source (column ${column})`, location: column };
    });
  }
}

/** The store refuses content (validation, conflict, scope); anything else (the database went away) stops the import. */
function isRefusal(err: unknown): err is FhirError {
  return err instanceof FhirError && err.category !== 'fault' && err.category !== 'busy';
}

/** Writes the batch; returns each readied row's outcome (rows already failed keep theirs). */
async function write(writer: SourceWriter, readied: Readied[]): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = readied.map(() => 'quarantined');
  const ready = readied.map((r, i) => [r, i] as const).filter(([r]) => r.mapped);
  if (ready.length === 0) return outcomes;
  // Teams, workers and providers repeat across rows: each goes once per batch, after the rows' own records.
  const shared = new Map<string, MappedRecord>();
  for (const [r] of ready) for (const m of r.mapped!.slice(1)) shared.set(`${m.recordType}/${m.localId}`, m);
  try {
    const applied = await writer.apply([...ready.map(([r]) => r.mapped![0]!), ...shared.values()]);
    ready.forEach(([, i], n) => { outcomes[i] = applied[n]!; });
    return outcomes;
  } catch (err) {
    if (!isRefusal(err)) throw err;
  }
  for (const [r, i] of ready) {
    try {
      outcomes[i] = (await writer.apply(r.mapped!))[0]!;
    } catch (err) {
      if (!isRefusal(err)) throw err;
      r.reasons = storeReasons(err);
    }
  }
  return outcomes;
}

function storeReasons(err: FhirError): QuarantineReason[] {
  return err.issues.map((issue) => ({ code: issue.id ?? err.code, message: `The store refused the record: ${issue.message}`,
    ...(issue.expression?.[0] ? { location: issue.expression[0] } : {}) }));
}
