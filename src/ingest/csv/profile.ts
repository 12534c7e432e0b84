// A CSV profile says how one supplier's extract is laid out: which files hold which record type, the
// delimiter and encoding, column → field, date patterns, required fields, and which fields carry
// local codes (translated by the lexicon). Profiles are JSON files in profiles/; see docs/ingest/csv.md.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import type { ConceptMap } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import { localCodeSystem } from '../lexicon.ts';
import { DERIVED_FIELDS, isRecordType, RECORD_TYPES, SCHEMAS, type FieldDef, type RecordType } from '../social-care/records.ts';
import { compileFormat, DateCodec } from './date-format.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const LIST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** How one record type is read: from which files, with which columns. */
export interface RecordProfile {
  /** File-name patterns (`*` and `?`, case-insensitive), e.g. `MOSAIC_PERSONS_*.csv`. */
  files: string[];
  /** Columns whose presence in the header identifies the record type when the file name does not. */
  requiredHeader: string[];
  /** Column name → canonical field. */
  columns: Record<string, string>;
  /** Fields this supplier always fills, on top of those every source must (a row without one is quarantined). */
  required: string[];
  /** Field → the profile's local code list for it (`urn:sharedcare:codelist:<profile>:<list>`). */
  codes: Record<string, string>;
  /** Enum field → local value → canonical value (e.g. case status "O" → "open"). */
  values: Record<string, Record<string, string>>;
  delimiter: string;
  dates: DateCodec;
}

export interface CsvProfile {
  name: string;
  description?: string;
  encoding: Encoding;
  /** Words for yes and no (compared case-insensitively); the first of each is written. */
  booleans: { true: string[]; false: string[] };
  /** Separates the items of list fields (carer ids, equipment). */
  listSeparator: string;
  records: Partial<Record<RecordType, RecordProfile>>;
  /** The ConceptMaps shipped beside the profile (`<name>.conceptmaps.json`), for its local code lists. */
  conceptMaps: ConceptMap[];
}

/** The local code systems a profile's fields use, for loading the lexicon. */
export function localSystemsOf(profile: CsvProfile): string[] {
  const lists = new Set(Object.values(profile.records).flatMap((r) => Object.values(r.codes)));
  return [...lists].map((list) => localCodeSystem(profile.name, list));
}

/** The profile names found in the folders, in order, without repeats. */
export function profileNames(profileDirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of profileDirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      const m = /^([a-z0-9][a-z0-9-]*)\.json$/.exec(file);
      if (m && !file.endsWith('.conceptmaps.json')) names.add(m[1]!);
    }
  }
  return [...names];
}

/** CSV column-mapping profiles shipped with sharedcare (`profiles/` at the package root). */
export const SHIPPED_PROFILES_DIR = fileURLToPath(new URL('../../../profiles/', import.meta.url));

/**
 * Loads a profile by name from the first folder holding `<name>.json`: the deployment's own
 * folders come first, so a council can override a shipped profile.
 */
export function loadProfile(name: string, profileDirs: readonly string[]): CsvProfile {
  if (!NAME.test(name)) throw invalid('INGEST_PROFILE_NAME', `'${name}' is not a profile name (lower-case letters, digits and hyphens)`, 'profile');
  const dir = profileDirs.find((d) => existsSync(join(d, `${name}.json`)));
  if (!dir) {
    throw invalid('INGEST_PROFILE_UNKNOWN', `No CSV profile named '${name}'; known profiles: ${profileNames(profileDirs).join(', ') || 'none'}`, 'profile');
  }
  const file = `${name}.json`;
  const mapsFile = join(dir, `${name}.conceptmaps.json`);
  // A profile is read once per change of its files, not once per imported file; an edit still takes effect at once.
  const stamp = [join(dir, file), mapsFile].map((f) => (existsSync(f) ? `${statSync(f).mtimeMs}:${statSync(f).size}` : '-')).join('|');
  const key = `${join(dir, file)}\u0000${stamp}`;
  const cached = PARSED.get(key);
  if (cached) return cached;
  const json = parseJson(readFileSync(join(dir, file), 'utf8'), file);
  const conceptMaps = existsSync(mapsFile) ? readConceptMaps(parseJson(readFileSync(mapsFile, 'utf8'), basename(mapsFile)), basename(mapsFile)) : [];
  const profile = parseProfile(json, name, file, conceptMaps);
  if (PARSED.size > 64) PARSED.clear();
  PARSED.set(key, profile);
  return profile;
}

const PARSED = new Map<string, CsvProfile>();

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid('INGEST_PROFILE_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, file);
  }
}

/** Checks a profile's JSON thoroughly, so a mistake is reported with its place rather than as odd rows. */
export function parseProfile(json: unknown, name: string, file = `${name}.json`, conceptMaps: ConceptMap[] = []): CsvProfile {
  const at = new Checker(file);
  const root = at.object(json, '');
  const encoding = at.optionalString(root.encoding, 'encoding') ?? 'utf-8';
  if (!(ENCODINGS as readonly string[]).includes(encoding)) at.fail('encoding', `encoding must be one of ${ENCODINGS.join(', ')}`);
  const defaults = {
    delimiter: at.optionalString(root.delimiter, 'delimiter') ?? ',',
    dateFormats: at.optionalStrings(root.dateFormats, 'dateFormats') ?? ['ISO'],
    dateTimeFormats: at.optionalStrings(root.dateTimeFormats, 'dateTimeFormats') ?? ['ISO'],
    timeZone: at.optionalString(root.timeZone, 'timeZone') ?? 'UTC',
  };
  const booleans = root.booleans === undefined ? { true: ['Y', 'Yes', 'true'], false: ['N', 'No', 'false'] } : {
    true: at.strings(at.object(root.booleans, 'booleans').true, 'booleans.true'),
    false: at.strings(at.object(root.booleans, 'booleans').false, 'booleans.false'),
  };
  const recordsJson = at.object(root.records, 'records');
  const records: Partial<Record<RecordType, RecordProfile>> = {};
  for (const [type, value] of Object.entries(recordsJson)) {
    if (type.startsWith('$')) continue;
    if (!isRecordType(type)) at.fail(`records.${type}`, `'${type}' is not a record type (${RECORD_TYPES.join(', ')})`);
    records[type as RecordType] = parseRecordProfile(at, type as RecordType, value, defaults);
  }
  if (Object.keys(records).length === 0) at.fail('records', 'A profile needs at least one record type');
  return {
    name,
    ...(typeof root.description === 'string' ? { description: root.description } : {}),
    encoding: encoding as Encoding,
    booleans,
    listSeparator: at.optionalString(root.listSeparator, 'listSeparator') ?? ';',
    records,
    conceptMaps,
  };
}

function parseRecordProfile(at: Checker, type: RecordType, value: unknown, defaults: { delimiter: string; dateFormats: string[]; dateTimeFormats: string[]; timeZone: string }): RecordProfile {
  const path = `records.${type}`;
  const json = at.object(value, path);
  const fields = new Map<string, FieldDef | undefined>(SCHEMAS[type].fields.map((f) => [f.name, f]));
  for (const derived of Object.keys(DERIVED_FIELDS[type] ?? {})) fields.set(derived, undefined);
  const columns: Record<string, string> = {};
  for (const [column, field] of Object.entries(at.object(json.columns, `${path}.columns`))) {
    if (column.startsWith('$')) continue;
    if (typeof field !== 'string' || !fields.has(field)) at.fail(`${path}.columns["${column}"]`, `'${String(field)}' is not a field of ${type} records`);
    columns[column] = field as string;
  }
  const mapped = new Set(Object.values(columns));
  const required = at.optionalStrings(json.required, `${path}.required`) ?? [];
  required.forEach((f, i) => { if (!mapped.has(f)) at.fail(`${path}.required[${i}]`, `Required field '${f}' has no column`); });
  for (const f of SCHEMAS[type].fields) {
    if (f.required && !mapped.has(f.name)) at.fail(`${path}.columns`, `${type} records need a column for '${f.name}'`);
  }
  const codes: Record<string, string> = {};
  for (const [field, list] of Object.entries(json.codes === undefined ? {} : at.object(json.codes, `${path}.codes`))) {
    if (fields.get(field)?.kind !== 'code') at.fail(`${path}.codes.${field}`, `'${field}' is not a coded field of ${type} records`);
    if (typeof list !== 'string' || !LIST_NAME.test(list)) at.fail(`${path}.codes.${field}`, 'A code list name is lower-case letters, digits and hyphens');
    codes[field] = list as string;
  }
  const values: Record<string, Record<string, string>> = {};
  for (const [field, map] of Object.entries(json.values === undefined ? {} : at.object(json.values, `${path}.values`))) {
    const def = fields.get(field);
    if (def?.kind !== 'enum') at.fail(`${path}.values.${field}`, `'${field}' is not an enumerated field of ${type} records`);
    values[field] = {};
    for (const [local, canonical] of Object.entries(at.object(map, `${path}.values.${field}`))) {
      if (typeof canonical !== 'string' || !def!.values!.includes(canonical)) at.fail(`${path}.values.${field}["${local}"]`, `must be one of ${def!.values!.join(', ')}`);
      values[field]![local] = canonical as string;
    }
  }
  const dateFormats = at.optionalStrings(json.dateFormats, `${path}.dateFormats`) ?? defaults.dateFormats;
  const dateTimeFormats = at.optionalStrings(json.dateTimeFormats, `${path}.dateTimeFormats`) ?? defaults.dateTimeFormats;
  [...dateFormats, ...dateTimeFormats].forEach((f) => {
    if (f === 'ISO') return;
    try { compileFormat(f); } catch (err) { at.fail(`${path}.dateFormats`, (err as Error).message); }
  });
  const timeZone = at.optionalString(json.timeZone, `${path}.timeZone`) ?? defaults.timeZone;
  try { new Intl.DateTimeFormat('en-GB', { timeZone }); } catch { at.fail(`${path}.timeZone`, `'${timeZone}' is not a time zone`); }
  return {
    files: at.optionalStrings(json.files, `${path}.files`) ?? [],
    requiredHeader: at.optionalStrings(json.requiredHeader, `${path}.requiredHeader`) ?? [],
    columns, required, codes, values,
    delimiter: at.optionalString(json.delimiter, `${path}.delimiter`) ?? defaults.delimiter,
    dates: new DateCodec({ dateFormats, dateTimeFormats, timeZone }),
  };
}

function readConceptMaps(json: unknown, file: string): ConceptMap[] {
  const at = new Checker(file);
  const list = Array.isArray(json) ? json : (at.object(json, '').entry as Array<{ resource?: unknown }> | undefined)?.map((e) => e.resource);
  if (!Array.isArray(list)) at.fail('', 'Expected an array of ConceptMaps or a Bundle of them');
  return list!.map((map, i) => {
    const m = at.object(map, `[${i}]`);
    if (m.resourceType !== 'ConceptMap' || typeof m.url !== 'string') at.fail(`[${i}]`, 'Each entry must be a ConceptMap with a canonical url');
    return m as unknown as ConceptMap;
  });
}

/** Structural checks that throw FhirError with the JSON path of the problem. */
class Checker {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  fail(path: string, message: string): never {
    throw invalid('INGEST_PROFILE_INVALID', `${this.file}${path ? ` ${path}` : ''}: ${message}`, path ? `${this.file}#${path}` : this.file);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'expected an object');
    return value as Record<string, unknown>;
  }

  strings(value: unknown, path: string): string[] {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) this.fail(path, 'expected a list of non-empty strings');
    return value as string[];
  }

  optionalStrings(value: unknown, path: string): string[] | undefined {
    return value === undefined ? undefined : this.strings(value, path);
  }

  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') this.fail(path, 'expected a non-empty string');
    return value as string;
  }
}

function globToRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The record type whose file patterns match a file name, if exactly one does. */
export function recordTypeForFile(profile: CsvProfile, fileName: string): RecordType | undefined {
  const name = basename(fileName);
  const matches = (Object.entries(profile.records) as Array<[RecordType, RecordProfile]>)
    .filter(([, r]) => r.files.some((f) => globToRegex(f).test(name)));
  return matches.length === 1 ? matches[0]![0] : undefined;
}

const norm = (column: string) => column.trim().toLowerCase();

/** The record type whose required header columns are all present, preferring the most specific. */
export function recordTypeForHeader(profile: CsvProfile, header: readonly string[]): RecordType | undefined {
  const present = new Set(header.map(norm));
  const candidates = (Object.entries(profile.records) as Array<[RecordType, RecordProfile]>)
    .filter(([, r]) => r.requiredHeader.length > 0 && r.requiredHeader.every((c) => present.has(norm(c))))
    .sort((a, b) => b[1].requiredHeader.length - a[1].requiredHeader.length);
  if (candidates.length === 0) return undefined;
  if (candidates.length > 1 && candidates[0]![1].requiredHeader.length === candidates[1]![1].requiredHeader.length) return undefined;
  return candidates[0]![0];
}
