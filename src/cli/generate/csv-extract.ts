// Writes the synthetic population as councils' CSV extracts: one folder per council system, one file
// per record type, in the layout of the system's supplier profile (Mosaic councils in mosaic-example,
// Liquidlogic ones in liquidlogic-example, the rest generic), with a realistic ~1.5% of bad rows
// (bad NHS number, unknown code, impossible date, empty required field) listed in a manifest.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { stringify } from 'csv-stringify/sync';
import { loadProfile, type CsvProfile, SHIPPED_PROFILES_DIR } from '../../ingest/csv/profile.ts';
import { columnsOf, ReverseCodes, writeRow } from '../../ingest/csv/write-row.ts';
import { RECORD_TYPES, SCHEMAS, type RecordType } from '../../ingest/social-care/records.ts';
import { councilRecords } from './council-records.ts';
import { DEFAULT_AS_OF } from './dates.ts';
import { Random } from './random.ts';

export const BAD_ROW_SHARE = 0.015;
export const BAD_ROW_PROBLEMS = ['nhs-number', 'unknown-code', 'bad-date', 'missing-field'] as const;
export type BadRowProblem = (typeof BAD_ROW_PROBLEMS)[number];

/** A row written wrong on purpose, and what an import must say about it. */
export interface BadRow {
  file: string;
  /** Line in the file (the header is line 1). */
  line: number;
  recordType: RecordType;
  localId: string;
  problem: BadRowProblem;
  column: string;
  /** The quarantine reason code the import gives it. */
  expectedCode: string;
}

export interface CsvExtractFile {
  name: string;
  recordType: RecordType;
  rows: number;
  content: string;
}

export interface CsvExtract {
  source: string;
  profile: string;
  files: CsvExtractFile[];
  badRows: BadRow[];
}

export interface CsvExtractOptions {
  /** Share of rows written wrong on purpose (default 1.5%). */
  badRowShare?: number;
  /** Date stamped in file names, YYYY-MM-DD (default the generator's "as of" date). */
  asOf?: string;
}

/** The supplier profile a council system's extract is written in. */
export function profileForSource(source: string): string {
  if (source.startsWith('mosaic-')) return 'mosaic-example';
  if (source.startsWith('liquidlogic-')) return 'liquidlogic-example';
  return 'generic';
}

/** Which field each kind of bad row spoils, per record type: required fields, so the row is always kept back. */
const TARGETS: Record<RecordType, Partial<Record<BadRowProblem, string>>> = {
  person: { 'nhs-number': 'nhsNumber', 'unknown-code': 'gender', 'bad-date': 'birthDate', 'missing-field': 'familyName' },
  contact: { 'nhs-number': 'nhsNumber', 'unknown-code': 'contactType', 'missing-field': 'familyName' },
  allocation: { 'bad-date': 'startDate', 'missing-field': 'teamName' },
  episode: { 'unknown-code': 'episodeType', 'bad-date': 'startDate', 'missing-field': 'startDate' },
  event: { 'unknown-code': 'eventType', 'missing-field': 'eventType' },
  service: { 'unknown-code': 'serviceType', 'bad-date': 'startDate', 'missing-field': 'serviceType' },
  plan: { 'unknown-code': 'category', 'bad-date': 'startDate', 'missing-field': 'startDate' },
  flag: { 'unknown-code': 'flagType', 'bad-date': 'startDate', 'missing-field': 'flagType' },
};
const EXPECTED_CODE: Record<BadRowProblem, string> = {
  'nhs-number': 'INGEST_CSV_NHS_NUMBER', 'unknown-code': 'INGEST_CSV_CODE', 'bad-date': 'INGEST_CSV_DATE', 'missing-field': 'INGEST_CSV_REQUIRED',
};

function spoil(problem: BadRowProblem, value: string): string {
  switch (problem) {
    case 'nhs-number': return /^\d{10}$/.test(value) ? value.slice(0, 9) + String((Number(value[9]) + 1) % 10) : '1234567890';
    case 'unknown-code': return 'ZZ-UNKNOWN';
    case 'bad-date': return '31/02/2024';
    case 'missing-field': return '';
  }
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function fileName(profile: CsvProfile, recordType: RecordType, stamp: string): string {
  const pattern = profile.records[recordType]!.files[0] ?? `${recordType}_*.csv`;
  return pattern.replace(/\*/g, stamp);
}

interface Builder {
  profile: CsvProfile;
  reverse: ReverseCodes;
  random: Random;
  rows: Map<RecordType, string[][]>;
  badRows: BadRow[];
}

/** The extracts of every council system in the population (the first bundle must be the shared directory). */
export function csvExtracts(bundles: Iterable<Bundle>, options: CsvExtractOptions = {}): CsvExtract[] {
  const share = options.badRowShare ?? BAD_ROW_SHARE;
  const stamp = (options.asOf ?? DEFAULT_AS_OF).replace(/-/g, '');
  const profiles = new Map<string, CsvProfile>();
  const builders = new Map<string, Builder>();
  for (const { source, record } of councilRecords(bundles)) {
    let builder = builders.get(source);
    if (!builder) {
      const name = profileForSource(source);
      if (!profiles.has(name)) profiles.set(name, loadProfile(name, [SHIPPED_PROFILES_DIR]));
      const profile = profiles.get(name)!;
      builder = { profile, reverse: new ReverseCodes(profile.conceptMaps), random: new Random(seedOf(source)), rows: new Map(), badRows: [] };
      builders.set(source, builder);
    }
    const rows = builder.rows.get(record.recordType) ?? [];
    builder.rows.set(record.recordType, rows);
    const values = writeRow(builder.profile, record, builder.reverse);
    if (builder.random.chance(share)) {
      const bad = spoilRow(builder, record.recordType, values, rows.length + 2, stamp);
      if (bad) builder.badRows.push({ ...bad, localId: (record as unknown as Record<string, string>)[SCHEMAS[record.recordType].idField]! });
    }
    rows.push(values);
  }
  return [...builders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([source, b]) => ({
    source,
    profile: b.profile.name,
    badRows: b.badRows,
    files: RECORD_TYPES.filter((t) => b.rows.has(t)).map((recordType) => {
      const delimiter = b.profile.records[recordType]!.delimiter;
      const content = stringify([columnsOf(b.profile, recordType), ...b.rows.get(recordType)!], { delimiter, bom: b.profile.name === 'mosaic-example',
        record_delimiter: b.profile.name === 'mosaic-example' ? 'windows' : 'unix' });
      return { name: fileName(b.profile, recordType, stamp), recordType, rows: b.rows.get(recordType)!.length, content };
    }),
  }));
}

function spoilRow(b: Builder, recordType: RecordType, values: string[], line: number, stamp: string): Omit<BadRow, 'localId'> | undefined {
  const targets = TARGETS[recordType];
  const problems = BAD_ROW_PROBLEMS.filter((p) => targets[p] !== undefined);
  const problem = b.random.pick(problems);
  const field = targets[problem]!;
  const columns = Object.entries(b.profile.records[recordType]!.columns);
  const index = columns.findIndex(([, f]) => f === field);
  if (index < 0) return undefined;
  values[index] = spoil(problem, values[index]!);
  return { file: fileName(b.profile, recordType, stamp), line, recordType, problem, column: columns[index]![0], expectedCode: EXPECTED_CODE[problem] };
}

/** Writes the extracts under `outDir/csv/<source>/`, each folder with a manifest.json naming its profile and its bad rows. */
export async function writeCsvExtracts(bundles: Iterable<Bundle>, outDir: string, options: CsvExtractOptions = {}): Promise<{ folders: number; files: number; rows: number; badRows: number }> {
  const extracts = csvExtracts(bundles, options);
  let files = 0;
  let rows = 0;
  let badRows = 0;
  for (const extract of extracts) {
    const folder = join(outDir, 'csv', extract.source);
    await mkdir(folder, { recursive: true });
    for (const file of extract.files) await writeFile(join(folder, file.name), file.content);
    const manifest = { source: extract.source, profile: extract.profile, files: extract.files.map(({ name, recordType, rows: n }) => ({ name, recordType, rows: n })),
      badRows: extract.badRows };
    await writeFile(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    files += extract.files.length;
    rows += extract.files.reduce((n, f) => n + f.rows, 0);
    badRows += extract.badRows.length;
  }
  return { folders: extracts.length, files, rows, badRows };
}
