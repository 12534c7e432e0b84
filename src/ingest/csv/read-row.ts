// One CSV row → one canonical social-care record, or the reasons it cannot be one: every problem in the
// row (bad NHS number, date in no pattern, code no map translates, required field empty) is reported
// with the column it is in, so the quarantine says exactly what to fix.
import type { Coding } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import { isPlaceholderNhsNumber, isValidNhsNumber } from '../../fhir/nhs-number.ts';
import type { ImportReport } from '../import-report.ts';
import { localCodeSystem } from '../lexicon.ts';
import type { QuarantineReason } from '../quarantine.ts';
import { normaliseRecord, recordProblems } from '../social-care/record-rules.ts';
import { SCHEMAS, type FieldDef, type RecordType, type SocialCareRecord } from '../social-care/records.ts';
import type { CsvProfile, RecordProfile } from './profile.ts';

/** What the row reader needs of the lexicon. */
export interface CodeTranslator {
  translate(localSystem: string, code: string, targetSystem?: string): Coding | undefined;
}

/** A file's header matched to a profile: which column holds which field. */
export interface HeaderBinding {
  profile: CsvProfile;
  recordType: RecordType;
  record: RecordProfile;
  header: string[];
  /** Field → index of its column in the header. */
  fields: Array<{ def: FieldDef; index: number; column: string }>;
}

/** Matches a header to the profile's columns; a required field without its column fails the whole file. */
export function bindHeader(profile: CsvProfile, recordType: RecordType, header: readonly string[]): HeaderBinding {
  const record = profile.records[recordType];
  if (!record) throw invalid('INGEST_CSV_RECORD_TYPE', `Profile ${profile.name} does not read ${recordType} records`, 'recordType');
  const positions = new Map(header.map((h, i) => [h.trim().toLowerCase(), i] as const));
  const defs = new Map(SCHEMAS[recordType].fields.map((f) => [f.name, f]));
  const fields: HeaderBinding['fields'] = [];
  for (const [column, field] of Object.entries(record.columns)) {
    const def = defs.get(field);
    const index = positions.get(column.trim().toLowerCase());
    if (def && index !== undefined) fields.push({ def, index, column: header[index]! });
  }
  const bound = new Set(fields.map((f) => f.def.name));
  const needed = [...SCHEMAS[recordType].fields.filter((f) => f.required).map((f) => f.name), ...record.required];
  const missing = needed.filter((f) => !bound.has(f));
  if (missing.length > 0) {
    const columns = missing.map((f) => Object.entries(record.columns).find(([, v]) => v === f)?.[0] ?? f);
    throw invalid('INGEST_CSV_HEADER', `The header lacks the column${columns.length > 1 ? 's' : ''} ${columns.join(', ')} (${profile.name} ${recordType})`, columns);
  }
  return { profile, recordType, record, header: [...header], fields };
}

export type RowResult = { record: SocialCareRecord } | { reasons: QuarantineReason[] };

interface ReadState {
  reasons: QuarantineReason[];
  /** Fields dropped because no map translates their code: a rule needing them reports the code, not an empty field. */
  unmapped: Map<string, { column: string; code: string }>;
}

/** Reads one row's values (in header order). Unmapped codes are counted on the report as they are met. */
export function readRow(binding: HeaderBinding, values: readonly string[], translator: CodeTranslator, report?: ImportReport): RowResult {
  const state: ReadState = { reasons: [], unmapped: new Map() };
  const out: Record<string, unknown> & { recordType: RecordType } = { recordType: binding.recordType };
  const required = new Set(binding.record.required);
  for (const { def, index, column } of binding.fields) {
    const text = values[index]?.trim() ?? '';
    if (text === '') continue;
    const value = readField(binding, def, column, text, translator, state, report);
    if (value !== undefined) out[def.name] = value;
  }
  for (const { def, column } of binding.fields) {
    if ((def.required || required.has(def.name)) && out[def.name] === undefined && !state.reasons.some((r) => r.location === column)) {
      state.reasons.push(missingOrUnmapped(state, def.name, column));
    }
  }
  if (state.reasons.length > 0) return { reasons: state.reasons };
  normaliseRecord(out);
  const record = out as unknown as SocialCareRecord;
  for (const problem of recordProblems(record)) {
    const column = binding.fields.find((f) => f.def.name === problem.field)?.column ?? problem.field;
    state.reasons.push(state.unmapped.has(problem.field) ? missingOrUnmapped(state, problem.field, column)
      : { code: 'INGEST_CSV_REQUIRED', message: `${problem.message} (column ${column})`, location: column });
  }
  return state.reasons.length > 0 ? { reasons: state.reasons } : { record };
}

function missingOrUnmapped(state: ReadState, field: string, column: string): QuarantineReason {
  const unmapped = state.unmapped.get(field);
  return unmapped
    ? { code: 'INGEST_CSV_CODE', message: `Code '${unmapped.code}' in column ${column} has no mapping, and ${field} is required`, location: column }
    : { code: 'INGEST_CSV_REQUIRED', message: `Column ${column} (${field}) is empty`, location: column };
}

// Module functions, not closures per field: a row reads dozens of fields.
function fail(state: ReadState, column: string, code: string, message: string): undefined {
  state.reasons.push({ code, message: `${message} (column ${column})`, location: column });
  return undefined;
}

function splitList(binding: HeaderBinding, text: string): string[] {
  return text.split(binding.profile.listSeparator).map((s) => s.trim());
}

function readField(binding: HeaderBinding, def: FieldDef, column: string, text: string, translator: CodeTranslator, state: ReadState,
  report?: ImportReport): unknown {
  const dates = binding.record.dates;
  switch (def.kind) {
    case 'id': case 'text': return text;
    case 'date': return dates.readDate(text) ?? fail(state, column, 'INGEST_CSV_DATE', `'${text}' is not a date in this profile's formats`);
    case 'dateTime': return dates.readDateTime(text) ?? fail(state, column, 'INGEST_CSV_DATE', `'${text}' is not a date or time in this profile's formats`);
    case 'boolean': {
      const lower = text.toLowerCase();
      if (binding.profile.booleans.true.some((t) => t.toLowerCase() === lower)) return true;
      if (binding.profile.booleans.false.some((t) => t.toLowerCase() === lower)) return false;
      return fail(state, column, 'INGEST_CSV_VALUE', `'${text}' is not yes or no`);
    }
    case 'nhsNumber': {
      const digits = text.replace(/\s+/g, '');
      if (isPlaceholderNhsNumber(digits)) return fail(state, column, 'INGEST_CSV_NHS_NUMBER', 'The NHS number is a placeholder, not a real number');
      return isValidNhsNumber(digits) ? digits : fail(state, column, 'INGEST_CSV_NHS_NUMBER', 'The NHS number fails the Modulus 11 check');
    }
    case 'enum': {
      const local = binding.record.values[def.name];
      const value = local ? (Object.entries(local).find(([k]) => k.toLowerCase() === text.toLowerCase())?.[1] ?? text) : text.toLowerCase();
      return def.values!.includes(value) ? value : fail(state, column, 'INGEST_CSV_VALUE', `'${text}' is not one of ${def.values!.join(', ')}`);
    }
    case 'code': return readCode(binding, def, column, text, translator, state, report);
    case 'idList': case 'textList': return splitList(binding, text).filter((s) => s !== '');
    case 'dateList': {
      const items = splitList(binding, text).map((s) => (s === '' ? '' : dates.readDate(s)));
      return items.includes(undefined) ? fail(state, column, 'INGEST_CSV_DATE', `'${text}' holds an item that is not a date`) : items;
    }
  }
}

/** A national code for the field: through the profile's local code list and the lexicon, or as given. */
function readCode(binding: HeaderBinding, def: FieldDef, column: string, text: string, translator: CodeTranslator, state: ReadState,
  report?: ImportReport): string | undefined {
  const table = def.table!;
  const list = binding.record.codes[def.name];
  let code: string | undefined;
  let system: string;
  if (list) {
    system = localCodeSystem(binding.profile.name, list);
    const coding = translator.translate(system, text, table.systems.length === 1 ? table.systems[0] : undefined);
    code = table.find(coding?.system, coding?.code)?.code;
  } else {
    system = table.systems[0]!;
    code = table.get(text)?.code;
  }
  if (code !== undefined) return code;
  report?.unmappedCode(system, text);
  state.unmapped.set(def.name, { column, code: text });
  return undefined;
}
