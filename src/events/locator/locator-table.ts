// The locator's table: which council answers for which postcodes (down to single properties, because a
// postcode can straddle a council boundary) and how each council wants to be told. A deployment keeps it
// as three CSV files in one directory; every row is checked on load so a typo cannot misroute a person.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { FhirError } from '../../fhir/errors.ts';

/** How much of a postcode a row names, longest first: `NG1 5DT`, `NG1 5`, `NG1`, `NG`. */
export const PATTERN_KINDS = ['postcode', 'sector', 'district', 'area'] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/** One row of postcodes.csv: a pattern and the council that answers for it. */
export interface PostcodeRow {
  /** Normalised: upper case, one space before the inward code (`NG1 5DT`, `NG1 5`, `NG1`, `NG`). */
  readonly pattern: string;
  readonly kind: PatternKind;
  /** ONS GSS code of the council, e.g. E09000012. */
  readonly gss: string;
  readonly name: string;
}

/** One property at a postcode whose properties do not all belong to the postcode's council. */
export interface PropertyOverride {
  readonly postcode: string;
  /** Upper case, single-spaced: the house number or name that leads an address line, or a UPRN. */
  readonly match: string;
  readonly gss: string;
  readonly name: string;
}

/** How to reach a council about one of its residents. */
export interface CouncilSettings {
  readonly gss: string;
  readonly name: string;
  /** FHIR base or webhook URL of the council's own system. */
  readonly endpoint?: string;
  /** Secure email address for readable notices when there is no endpoint. */
  readonly email?: string;
  /** Served by this sharedcare deployment: its people are already in this record. */
  readonly local?: boolean;
  readonly officeHoursPhone?: string;
  readonly emergencyDutyPhone?: string;
}

/** The three files, checked and normalised. */
export interface LocatorTable {
  readonly postcodes: readonly PostcodeRow[];
  readonly overrides: readonly PropertyOverride[];
  readonly councils: readonly CouncilSettings[];
}

/** The table's file names inside its directory. */
export const LOCATOR_FILES = { postcodes: 'postcodes.csv', overrides: 'overrides.csv', councils: 'councils.csv' } as const;

/** The shipped sample table: it covers every council and postcode district the synthetic population uses. */
export const SAMPLE_LOCATOR_DIR: string = join(import.meta.dirname, 'sample');

const OUTWARD = '[A-Z]{1,2}[0-9][A-Z0-9]?';
// The inward code is always three characters, so a postcode written without its space splits unambiguously.
const FULL = new RegExp(`^(${OUTWARD}) ?([0-9][A-Z]{2})$`);
const SECTOR = new RegExp(`^${OUTWARD} [0-9]$`);
const DISTRICT = new RegExp(`^${OUTWARD}$`);
const AREA = /^[A-Z]{1,2}$/;
const GSS = /^[ENSW][0-9]{8}$/;
// A UPRN has up to 12 digits; house numbers never reach six, so the two cannot be confused.
const UPRN = /^[0-9]{6,12}$/;
const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/;
const PHONE = /^\+?[0-9][0-9 ]{5,19}$/;

const tidy = (raw: string) => raw.trim().toUpperCase().replace(/\s+/g, ' ');

/** A full UK postcode as `OUTWARD INWARD` (e.g. `NG1 5DT`), or undefined if it is not one. */
export function normalisePostcode(raw: string): string | undefined {
  const match = FULL.exec(tidy(raw));
  return match ? `${match[1]} ${match[2]}` : undefined;
}

/** A table pattern normalised, with how much of a postcode it names; undefined if malformed. */
export function parsePostcodePattern(raw: string): { pattern: string; kind: PatternKind } | undefined {
  const postcode = normalisePostcode(raw);
  if (postcode) return { pattern: postcode, kind: 'postcode' };
  const text = tidy(raw);
  if (SECTOR.test(text)) return { pattern: text, kind: 'sector' };
  if (DISTRICT.test(text)) return { pattern: text, kind: 'district' };
  if (AREA.test(text)) return { pattern: text, kind: 'area' };
  return undefined;
}

/** An address line or override match in the one spelling they are compared in. */
export function normaliseAddressText(raw: string): string {
  return raw.toUpperCase().replace(/[\s,]+/g, ' ').trim();
}

/** Whether an override's match is a UPRN rather than a house number or name. */
export function isUprn(value: string): boolean {
  return UPRN.test(value);
}

function rowError(file: string, line: number, message: string): FhirError {
  return new FhirError('invalid', 'LOCATOR_TABLE_ROW', `${file} line ${line}: ${message}`);
}

interface CsvRow {
  line: number;
  get(column: string): string;
}

/** Rows of one file as column lookups, after checking the header names exactly the known columns. */
function readRows(file: string, text: string, required: readonly string[], optional: readonly string[] = []): CsvRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // With `info`, csv-parse returns each record beside its line count; its types do not say so.
    records = parse(text, { info: true, bom: true, trim: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, relax_column_count: true }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    throw rowError(file, line, `not readable as CSV (${(err as Error).message})`);
  }
  const [header, ...rows] = records;
  if (!header) throw rowError(file, 1, `empty file: expected a header ${required.join(',')}`);
  const columns = header.record;
  for (const name of columns) {
    if (![...required, ...optional].includes(name)) throw rowError(file, header.info.lines, `unknown column '${name}'`);
    if (columns.indexOf(name) !== columns.lastIndexOf(name)) throw rowError(file, header.info.lines, `column '${name}' appears twice`);
  }
  const missing = required.find((name) => !columns.includes(name));
  if (missing) throw rowError(file, header.info.lines, `missing column '${missing}'`);
  return rows.map(({ record, info }) => {
    if (record.length !== columns.length) throw rowError(file, info.lines, `has ${record.length} values, the header ${columns.length}`);
    return { line: info.lines, get: (column: string) => record[columns.indexOf(column)] ?? '' };
  });
}

/** Checks every council code is well formed and always carries the same name, whichever file names it. */
class CouncilNames {
  readonly #seen = new Map<string, { name: string; where: string }>();

  check(file: string, row: CsvRow): { gss: string; name: string } {
    const gss = row.get('gss').toUpperCase();
    const name = row.get('name');
    if (!GSS.test(gss)) throw rowError(file, row.line, `'${gss}' is not an ONS GSS code (a letter and eight digits, e.g. E09000012)`);
    if (!name) throw rowError(file, row.line, 'the council name is empty');
    const seen = this.#seen.get(gss);
    if (seen && seen.name !== name) throw rowError(file, row.line, `${gss} is '${seen.name}' in ${seen.where}, not '${name}'`);
    if (!seen) this.#seen.set(gss, { name, where: `${file} line ${row.line}` });
    return { gss, name };
  }
}

function checkedEndpoint(file: string, row: CsvRow): string | undefined {
  const value = row.get('endpoint');
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw rowError(file, row.line, `endpoint '${value}' is not a URL`);
  }
  // Notices carry personal data: plain http only to this machine, for development.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw rowError(file, row.line, `endpoint '${value}' must be an https URL`);
  }
  return value.replace(/\/+$/, '');
}

function checkedLocal(file: string, row: CsvRow): boolean | undefined {
  const value = row.get('local').toLowerCase();
  if (value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw rowError(file, row.line, `local must be true or false, not '${row.get('local')}'`);
  return value === 'true';
}

function checkedOptional(file: string, row: CsvRow, column: string, pattern: RegExp, what: string): string | undefined {
  const value = row.get(column);
  if (!value) return undefined;
  if (!pattern.test(value)) throw rowError(file, row.line, `${column} '${value}' is not ${what}`);
  return value;
}

function parseCouncils(text: string, names: CouncilNames): CouncilSettings[] {
  const file = LOCATOR_FILES.councils;
  const seen = new Set<string>();
  return readRows(file, text, ['gss', 'name'], ['endpoint', 'email', 'local', 'officeHoursPhone', 'emergencyDutyPhone']).map((row) => {
    const { gss, name } = names.check(file, row);
    if (seen.has(gss)) throw rowError(file, row.line, `${gss} is listed twice`);
    seen.add(gss);
    const endpoint = checkedEndpoint(file, row);
    const email = checkedOptional(file, row, 'email', EMAIL, 'an email address');
    const local = checkedLocal(file, row);
    const officeHoursPhone = checkedOptional(file, row, 'officeHoursPhone', PHONE, 'a phone number');
    const emergencyDutyPhone = checkedOptional(file, row, 'emergencyDutyPhone', PHONE, 'a phone number');
    return { gss, name, ...(endpoint ? { endpoint } : {}), ...(email ? { email } : {}), ...(local !== undefined ? { local } : {}),
      ...(officeHoursPhone ? { officeHoursPhone } : {}), ...(emergencyDutyPhone ? { emergencyDutyPhone } : {}) };
  });
}

function parsePostcodes(text: string, names: CouncilNames): PostcodeRow[] {
  const file = LOCATOR_FILES.postcodes;
  const seen = new Map<string, number>();
  return readRows(file, text, ['pattern', 'gss', 'name']).map((row) => {
    const parsed = parsePostcodePattern(row.get('pattern'));
    if (!parsed) throw rowError(file, row.line, `'${row.get('pattern')}' is not a postcode, sector (NG1 5), district (NG1) or area (NG)`);
    const earlier = seen.get(parsed.pattern);
    if (earlier !== undefined) throw rowError(file, row.line, `${parsed.pattern} is already given on line ${earlier}`);
    seen.set(parsed.pattern, row.line);
    return { ...parsed, ...names.check(file, row) };
  });
}

function parseOverrides(text: string, names: CouncilNames): PropertyOverride[] {
  const file = LOCATOR_FILES.overrides;
  const seen = new Map<string, number>();
  return readRows(file, text, ['postcode', 'match', 'gss', 'name']).map((row) => {
    const postcode = normalisePostcode(row.get('postcode'));
    if (!postcode) throw rowError(file, row.line, `'${row.get('postcode')}' is not a full postcode`);
    const match = normaliseAddressText(row.get('match'));
    if (!match) throw rowError(file, row.line, 'match is empty: give a house number or name, or a UPRN');
    const key = `${postcode}|${match}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) throw rowError(file, row.line, `${postcode} '${match}' is already given on line ${earlier}`);
    seen.set(key, row.line);
    return { postcode, match, ...names.check(file, row) };
  });
}

/** The table from the files' text; overrides and councils may be left out. Throws on the first bad row. */
export function parseLocatorTable(texts: { postcodes: string; overrides?: string; councils?: string }): LocatorTable {
  const names = new CouncilNames();
  const councils = texts.councils === undefined ? [] : parseCouncils(texts.councils, names);
  const postcodes = parsePostcodes(texts.postcodes, names);
  const overrides = texts.overrides === undefined ? [] : parseOverrides(texts.overrides, names);
  return { postcodes, overrides, councils };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Loads `postcodes.csv` (required), `overrides.csv` and `councils.csv` (optional) from a directory. */
export async function loadLocatorTable(dir: string): Promise<LocatorTable> {
  const [postcodes, overrides, councils] = await Promise.all(
    [LOCATOR_FILES.postcodes, LOCATOR_FILES.overrides, LOCATOR_FILES.councils].map((file) => readIfPresent(join(dir, file))),
  );
  if (postcodes === undefined) {
    throw new FhirError('invalid', 'LOCATOR_TABLE_FILE', `The locator directory has no ${LOCATOR_FILES.postcodes}: ${dir}`);
  }
  return parseLocatorTable({ postcodes, ...(overrides !== undefined ? { overrides } : {}), ...(councils !== undefined ? { councils } : {}) });
}
