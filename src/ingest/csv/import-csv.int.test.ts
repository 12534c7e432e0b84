// Importing council CSV extracts on PGlite and PostgreSQL: rows become UK Core resources, bad rows are
// quarantined with the column at fault, the report adds up, a second load changes nothing, and files,
// streams, encodings and malformed CSV are handled without dropping a row.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Patient } from '@medplum/fhirtypes';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testRepository } from '../../../test/support/test-database.ts';
import { FhirError } from '../../fhir/errors.ts';
import { SqlRepository } from '../../store/sql-repository.ts';
import type { IngestContext } from '../ingest-context.ts';
import { listUnmapped } from '../lexicon.ts';
import { sourceResourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import { importCsv } from './import-csv.ts';
import { replayCsv } from './replay-csv.ts';
import { SHIPPED_PROFILES_DIR } from './profile.ts';

const SHIPPED = SHIPPED_PROFILES_DIR;
const PERSON_HEADER = ['PERSON_ID', 'TITLE', 'FORENAME', 'SURNAME', 'GENDER', 'DATE_OF_BIRTH', 'DATE_OF_DEATH', 'ETHNICITY', 'NHS_NUMBER', 'NHS_NUMBER_STATUS', 'POSTCODE'];

let db: TestDatabase;
let repo: SqlRepository;
let ctx: IngestContext;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  dir = mkdtempSync(join(tmpdir(), 'sharedcare-csv-'));
  ctx = { repo, db: db.driver, profileDirs: [dir, SHIPPED] };
});
afterAll(() => db.drop());

function csvFile(name: string, rows: string[][], delimiter = ','): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(rows, { delimiter }));
  return path;
}

const person = (id: string, over: Partial<Record<(typeof PERSON_HEADER)[number], string>> = {}) => PERSON_HEADER.map((h) => over[h] ?? ({
  PERSON_ID: id, TITLE: 'Mrs', FORENAME: 'Ann', SURNAME: `Lee-${id}`, GENDER: 'F', DATE_OF_BIRTH: '03/02/1950', DATE_OF_DEATH: '',
  ETHNICITY: 'WBRI', NHS_NUMBER: '', NHS_NUMBER_STATUS: '', POSTCODE: 'NG18 4JT',
} as Record<string, string>)[h]!);

const patientOf = (source: string, id: string) => repo.read('Patient', sourceResourceId(source, `person/${id}`, 'Patient')) as Promise<Patient>;

async function quarantined(source: string) {
  return (await new Quarantine(db.driver).list({ source, limit: 1000 })).sort((a, b) => a.origin.localeCompare(b.origin, 'en', { numeric: true }));
}

describe(`CSV import on ${DRIVER_NAME}`, () => {
  it('maps good rows to UK Core Patients, quarantines bad ones with the column, and the report adds up', async () => {
    const file = csvFile('MOSAIC_PERSONS_20250630.csv', [PERSON_HEADER,
      person('1001', { NHS_NUMBER: '9990000018', NHS_NUMBER_STATUS: '01' }),
      person('1002', { NHS_NUMBER: '9990000019' }),
      person('1003', { DATE_OF_BIRTH: '31/02/1950' }),
      person('1004', { GENDER: 'Q' }),
      person('1005', { SURNAME: '' }),
      person('1006', { NHS_NUMBER: '9999999999' }),
      person('1007', { DATE_OF_DEATH: '05/07/2024 14:30' }),
    ]);
    const { report, recordType, runId } = await importCsv(ctx, file, { source: 'mosaic-testshire', profile: 'mosaic-example' });
    expect(recordType).toBe('person');
    expect(report.counts).toMatchObject({ read: 7, created: 2, updated: 0, unchanged: 0, quarantined: 5 });
    expect(report.balanced()).toBe(true);

    const ann = await patientOf('mosaic-testshire', '1001');
    expect(ann).toMatchObject({ gender: 'female', birthDate: '1950-02-03', name: [{ family: 'Lee-1001', given: ['Ann'], prefix: ['Mrs'] }],
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }, { system: 'urn:sharedcare:id:mosaic-testshire:person', value: '1001' }],
      meta: { source: 'urn:sharedcare:source:mosaic-testshire', profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient'] } });
    // A local time in summer is stored in UTC.
    expect((await patientOf('mosaic-testshire', '1007')).deceasedDateTime).toBe('2024-07-05T13:30:00Z');

    const items = await quarantined('mosaic-testshire');
    expect(items.map((i) => [i.origin, i.reasons[0]!.code, i.reasons[0]!.location])).toEqual([
      ['MOSAIC_PERSONS_20250630.csv:3', 'INGEST_CSV_NHS_NUMBER', 'NHS_NUMBER'],
      ['MOSAIC_PERSONS_20250630.csv:4', 'INGEST_CSV_DATE', 'DATE_OF_BIRTH'],
      ['MOSAIC_PERSONS_20250630.csv:5', 'INGEST_CSV_CODE', 'GENDER'],
      ['MOSAIC_PERSONS_20250630.csv:6', 'INGEST_CSV_REQUIRED', 'SURNAME'],
      ['MOSAIC_PERSONS_20250630.csv:7', 'INGEST_CSV_NHS_NUMBER', 'NHS_NUMBER'],
    ]);
    expect(items[0]).toMatchObject({ channel: 'csv', kind: 'person', profile: 'mosaic-example', runId });
    expect(JSON.parse(items[0]!.raw)).toMatchObject({ PERSON_ID: '1002', NHS_NUMBER: '9990000019', SURNAME: 'Lee-1002' });

    const { rows } = await db.driver.query<{ counts: { read: number }; finished_at: string | null; record_type: string; profile: string }>(
      'SELECT counts, finished_at::text, record_type, profile FROM ingest_run WHERE id = $1::bigint', [runId]);
    expect(rows[0]).toMatchObject({ counts: { read: 7, quarantined: 5 }, record_type: 'person', profile: 'mosaic-example' });
    expect(rows[0]!.finished_at).not.toBeNull();
  });

  it('loading the same file again changes nothing and adds nothing to the quarantine', async () => {
    const file = join(dir, 'MOSAIC_PERSONS_20250630.csv');
    const before = await quarantined('mosaic-testshire');
    const version = (await patientOf('mosaic-testshire', '1001')).meta?.versionId;
    const { report } = await importCsv(ctx, file, { source: 'mosaic-testshire', profile: 'mosaic-example' });
    expect(report.counts).toMatchObject({ read: 7, created: 0, updated: 0, unchanged: 2, quarantined: 5 });
    expect(await quarantined('mosaic-testshire')).toHaveLength(before.length);
    expect((await patientOf('mosaic-testshire', '1001')).meta?.versionId).toBe(version);
  });

  it('a changed row updates its resources; an unchanged one is left alone', async () => {
    const file = csvFile('MOSAIC_PERSONS_20250701.csv', [PERSON_HEADER,
      person('1001', { NHS_NUMBER: '9990000018', NHS_NUMBER_STATUS: '01', POSTCODE: 'NG19 7AB' }), person('1007', { DATE_OF_DEATH: '05/07/2024 14:30' })]);
    const { report } = await importCsv(ctx, file, { source: 'mosaic-testshire', profile: 'mosaic-example' });
    expect(report.counts).toMatchObject({ read: 2, updated: 1, unchanged: 1 });
    const ann = await patientOf('mosaic-testshire', '1001');
    expect(ann.address?.[0]?.postalCode).toBe('NG19 7AB');
    expect(ann.meta?.versionId).toBe('2');
  });

  it('a record sent twice in one file ends as its later row, whatever the batching', async () => {
    const file = csvFile('MOSAIC_PERSONS_20250704.csv', [PERSON_HEADER, person('1030', { POSTCODE: 'NG1 1AA' }), person('1031'),
      person('1030', { POSTCODE: 'NG2 2BB' }), person('1032'), person('1030', { POSTCODE: 'NG3 3CC' })]);
    const { report } = await importCsv(ctx, file, { source: 'mosaic-twice', profile: 'mosaic-example', batchSize: 1, parallelBatches: 3 });
    expect(report.counts).toMatchObject({ read: 5, created: 3, updated: 2 });
    expect((await patientOf('mosaic-twice', '1030')).address?.[0]?.postalCode).toBe('NG3 3CC');
  });

  it('installs the profile\'s ConceptMaps once and never overwrites a council\'s edit', async () => {
    const url = 'urn:sharedcare:conceptmap:mosaic-example:gender';
    const search = async () => (await repo.search(repo.parseSearch('ConceptMap', [['url', url]]), { owner: 'test' })).matches.map((m) => m.resource);
    const [stored] = await search();
    expect(stored).toBeDefined();
    // The council decides that "U" means "other" locally.
    const edited = structuredClone(stored!) as any;
    edited.group[0].element.find((e: any) => e.code === 'U').target = [{ code: 'other', equivalence: 'equivalent' }];
    await repo.update(edited);
    const file = csvFile('MOSAIC_PERSONS_20250702.csv', [PERSON_HEADER, person('1010', { GENDER: 'U' })]);
    await importCsv(ctx, file, { source: 'mosaic-testshire', profile: 'mosaic-example' });
    expect(await search()).toHaveLength(1);
    expect((await patientOf('mosaic-testshire', '1010')).gender).toBe('other');
  });

  it('a replay reads the kept-back row with the lexicon as it is now', async () => {
    const item = (await quarantined('mosaic-testshire')).find((i) => JSON.parse(i.raw).PERSON_ID === '1004')!;
    expect(await replayCsv(item, ctx)).toEqual([expect.objectContaining({ code: 'INGEST_CSV_CODE', location: 'GENDER' })]);
    const [map] = (await repo.search(repo.parseSearch('ConceptMap', [['url', 'urn:sharedcare:conceptmap:mosaic-example:gender']]), { owner: 'test' })).matches;
    const edited = structuredClone(map!.resource) as any;
    edited.group[0].element.push({ code: 'Q', target: [{ code: 'unknown', equivalence: 'equivalent' }] });
    await repo.update(edited);
    expect(await replayCsv(item, ctx)).toBeUndefined();
    expect((await patientOf('mosaic-testshire', '1004')).gender).toBe('unknown');
  });

  it('counts codes no map translates, per source, in the report and the lexicon tally', async () => {
    const file = csvFile('MOSAIC_PERSONS_20250703.csv', [PERSON_HEADER, person('1020', { ETHNICITY: 'XXXX' }), person('1021', { ETHNICITY: 'XXXX' })]);
    const { report } = await importCsv(ctx, file, { source: 'mosaic-unmapped', profile: 'mosaic-example' });
    expect(report.counts).toMatchObject({ created: 2, quarantined: 0, unmapped: { 'urn:sharedcare:codelist:mosaic-example:ethnicity': { XXXX: 2 } } });
    expect((await patientOf('mosaic-unmapped', '1020')).extension).toBeUndefined();
    expect(await listUnmapped(db.driver, 'mosaic-unmapped')).toMatchObject([{ system: 'urn:sharedcare:codelist:mosaic-example:ethnicity', code: 'XXXX', occurrences: 2 }]);
  });

  it('reads a stream, finding the record type from the header', async () => {
    const text = stringify([['flagId', 'personId', 'flagType', 'startDate'], ['F1', 'P1', 'child-in-need', '2024-05-01']]);
    const people = stringify([['clientId', 'givenName1', 'familyName', 'gender', 'birthDate'], ['P1', 'Sam', 'Okafor', 'male', '2015-09-09']]);
    expect((await importCsv(ctx, Readable.from([people]), { source: 'generic-town', profile: 'generic' })).report.counts.created).toBe(1);
    const { report, recordType } = await importCsv(ctx, Readable.from([text]), { source: 'generic-town', profile: 'generic', origin: 'flags.csv' });
    expect(recordType).toBe('flag');
    expect(report.counts.created).toBe(1);
  });

  it('decodes windows-1252 files when the profile says so', async () => {
    writeFileSync(join(dir, 'latin.json'), JSON.stringify({ encoding: 'windows-1252', delimiter: ';', records: { person: {
      columns: { id: 'clientId', first: 'givenName1', last: 'familyName', sex: 'gender', born: 'birthDate' } } } }));
    // Bytes as a Windows export writes them: ë = EB, é = E9, ’ = 92.
    writeFileSync(join(dir, 'people.csv'), Buffer.from('id;first;last;sex;born\r\nL1;Zo\xEB;D\xE9sir\xE9e-O\x92Neil;female;1990-01-02\r\n', 'latin1'));
    const { report } = await importCsv(ctx, join(dir, 'people.csv'), { source: 'latin-town', profile: 'latin', recordType: 'person' });
    expect(report.counts.created).toBe(1);
    expect((await patientOf('latin-town', 'L1')).name?.[0]).toMatchObject({ given: ['Zoë'], family: 'Désirée-O’Neil' });
  });

  it('keeps rows with the wrong number of values, and everything after an unclosed quote, in the quarantine', async () => {
    const text = ['clientId,givenName1,familyName,gender,birthDate', 'M1,Ann,Ray,female,1950-01-01', 'M2,Robert "Bob",Ray,male,1950-01-01',
      'M3,Cy,Ray,male', 'M4,Di,Ray,female,1951-01-01,extra', 'M5,Ed,Ray,male,1952-02-02', 'M6,"Fay,Ray,female,1953-03-03', 'M7,Gus,Ray,male,1954-04-04', ''].join('\n');
    const { report } = await importCsv(ctx, Readable.from([text]), { source: 'messy-town', profile: 'generic', recordType: 'person', origin: 'messy.csv' });
    expect(report.counts).toMatchObject({ read: 6, created: 3, quarantined: 3 });
    expect((await patientOf('messy-town', 'M2')).name?.[0]?.given).toEqual(['Robert "Bob"']);
    const items = await quarantined('messy-town');
    expect(items.map((i) => [i.origin, i.reasons[0]!.code])).toEqual([['messy.csv:4', 'INGEST_CSV_COLUMNS'], ['messy.csv:5', 'INGEST_CSV_COLUMNS'], ['messy.csv:7', 'INGEST_CSV_SYNTAX']]);
    // Nothing is dropped: the unreadable rest of the file is kept whole.
    expect(JSON.parse(items[2]!.raw)['#text']).toContain('M7,Gus,Ray');
  });

  it('refuses what it cannot read at all: unknown profile or record type, a header without required columns, a bad source id', async () => {
    const file = csvFile('persons.csv', [['clientId', 'familyName'], ['1', 'X']]);
    const fail = async (options: Parameters<typeof importCsv>[2], input: string = file) => {
      try { await importCsv(ctx, input, options); } catch (err) { return err as FhirError; }
      throw new Error('expected a failure');
    };
    expect(await fail({ source: 'x-town', profile: 'nope' })).toMatchObject({ code: 'INGEST_PROFILE_UNKNOWN', issues: [{ expression: ['profile'] }] });
    expect(await fail({ source: 'x-town', profile: 'generic', recordType: 'visits' })).toMatchObject({ code: 'INGEST_CSV_RECORD_TYPE' });
    expect(await fail({ source: 'X Town', profile: 'generic' })).toMatchObject({ code: 'INGEST_SOURCE_INVALID' });
    expect(await fail({ source: 'x-town', profile: 'generic' })).toMatchObject({ code: 'INGEST_CSV_HEADER', issues: [{ expression: ['givenName1', 'gender', 'birthDate'] }] });
    expect(await fail({ source: 'x-town', profile: 'generic' }, join(dir, 'missing.csv'))).toMatchObject({ code: 'INGEST_CSV_FILE' });
  });
});
