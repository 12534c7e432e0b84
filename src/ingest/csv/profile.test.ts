// The shipped profiles and the row mapping: every canonical record written in a profile's columns
// reads back as itself; each kind of bad value is reported with its column; broken profiles are
// refused with the place of the mistake.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coding, ConceptMap } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordArb } from '../../../test/support/social-care-records.ts';
import { FhirError } from '../../fhir/errors.ts';
import { ImportReport } from '../import-report.ts';
import { localCodeSystem } from '../lexicon.ts';
import { RECORD_TYPES, SCHEMAS, type SocialCareRecord } from '../social-care/records.ts';
import { loadProfile, parseProfile, recordTypeForFile, recordTypeForHeader, type CsvProfile, SHIPPED_PROFILES_DIR } from './profile.ts';
import { bindHeader, readRow, type CodeTranslator } from './read-row.ts';
import { columnsOf, ReverseCodes, writeRow } from './write-row.ts';

const SHIPPED = [SHIPPED_PROFILES_DIR];
const PROFILES = ['generic', 'mosaic-example', 'liquidlogic-example'].map((name) => loadProfile(name, SHIPPED));

/** The profile's own ConceptMaps as a translator (the lexicon does this from the store). */
function translatorOf(maps: readonly ConceptMap[]): CodeTranslator {
  const index = new Map<string, Coding>();
  for (const map of maps) for (const g of map.group ?? []) for (const e of g.element ?? []) {
    for (const t of e.target ?? []) if (!index.has(`${g.source}|${e.code}`)) index.set(`${g.source}|${e.code}`, { system: g.target!, code: t.code! });
  }
  return { translate: (system, code, target) => { const c = index.get(`${system}|${code}`); return c && (!target || c.system === target) ? c : undefined; } };
}

function roundTrip(profile: CsvProfile, record: SocialCareRecord) {
  const binding = bindHeader(profile, record.recordType, columnsOf(profile, record.recordType));
  const values = writeRow(profile, record, new ReverseCodes(profile.conceptMaps));
  return readRow(binding, values, translatorOf(profile.conceptMaps));
}

describe('shipped profiles', () => {
  for (const profile of PROFILES) {
    it(`${profile.name}: every record type, written in its columns, reads back as itself`, () => {
      for (const type of RECORD_TYPES) {
        fc.assert(fc.property(recordArb(type), (record) => {
          expect(roundTrip(profile, record)).toEqual({ record });
        }), { numRuns: 60 });
      }
    });

    it(`${profile.name}: its ConceptMaps give every national code of each local list a local code`, () => {
      const reverse = new ReverseCodes(profile.conceptMaps);
      for (const [type, record] of Object.entries(profile.records)) {
        for (const [field, list] of Object.entries(record.codes)) {
          const table = SCHEMAS[type as keyof typeof SCHEMAS].fields.find((f) => f.name === field)!.table!;
          for (const entry of table.entries) expect(reverse.local(localCodeSystem(profile.name, list), entry.code), `${type}.${field} ${entry.code}`).toBeDefined();
        }
      }
    });
  }

  it('finds the record type of a file by name, or by its header', () => {
    const [generic, mosaic, ll] = PROFILES as [CsvProfile, CsvProfile, CsvProfile];
    expect(recordTypeForFile(mosaic, '/x/MOSAIC_PERSONS_20250630.csv')).toBe('person');
    expect(recordTypeForFile(mosaic, 'mosaic_workflow_steps_20250630.CSV')).toBe('event');
    expect(recordTypeForFile(ll, 'LL_Involvement_20250630.txt')).toBe('contact');
    expect(recordTypeForFile(generic, 'episode.csv')).toBe('episode');
    expect(recordTypeForFile(mosaic, 'notes.csv')).toBeUndefined();
    expect(recordTypeForHeader(mosaic, ['person_id', 'FORENAME', 'SURNAME', 'DATE_OF_BIRTH'])).toBe('person');
    expect(recordTypeForHeader(generic, ['flagId', 'personId', 'flagType'])).toBe('flag');
    expect(recordTypeForHeader(generic, ['personId'])).toBeUndefined();
  });
});

describe('reading a row', () => {
  const mosaic = PROFILES[1]!;
  const header = ['PERSON_ID', 'FORENAME', 'SURNAME', 'GENDER', 'DATE_OF_BIRTH', 'NHS_NUMBER', 'ETHNICITY', 'FIRST_LANGUAGE', 'INTERPRETER_REQUIRED'];
  const binding = bindHeader(mosaic, 'person', header);
  const translator = translatorOf(mosaic.conceptMaps);
  const row = (over: Record<string, string>) => header.map((h) => over[h] ?? { PERSON_ID: '1001', FORENAME: 'Ann', SURNAME: 'Lee', GENDER: 'F',
    DATE_OF_BIRTH: '03/02/1950', NHS_NUMBER: '999 000 0018', ETHNICITY: 'WBRI', FIRST_LANGUAGE: 'URD', INTERPRETER_REQUIRED: 'Y' }[h]!);

  it('translates local codes, reads local dates and yes/no, and strips spaces from NHS numbers', () => {
    expect(readRow(binding, row({}), translator)).toEqual({ record: { recordType: 'person', clientId: '1001', givenName1: 'Ann', familyName: 'Lee',
      gender: 'female', birthDate: '1950-02-03', nhsNumber: '9990000018', ethnicity: 'A', language: 'ur', interpreterRequired: true } });
  });

  it.each([
    ['NHS_NUMBER', '9990000019', 'INGEST_CSV_NHS_NUMBER', /Modulus 11/],
    ['NHS_NUMBER', '9999999999', 'INGEST_CSV_NHS_NUMBER', /placeholder/],
    ['DATE_OF_BIRTH', '31/02/1950', 'INGEST_CSV_DATE', /not a date/],
    ['DATE_OF_BIRTH', '1950-02-03', 'INGEST_CSV_DATE', /not a date/],
    ['GENDER', 'Q', 'INGEST_CSV_CODE', /no mapping.*gender is required/],
    ['SURNAME', '  ', 'INGEST_CSV_REQUIRED', /SURNAME \(familyName\) is empty/],
    ['INTERPRETER_REQUIRED', 'maybe', 'INGEST_CSV_VALUE', /yes or no/],
  ])('%s = %j is quarantined with %s naming the column', (column, value, code, message) => {
    const result = readRow(binding, row({ [column]: value }), translator);
    expect(result).toEqual({ reasons: [{ code, message: expect.stringMatching(message), location: column }] });
  });

  it('reports every problem in a row, not only the first', () => {
    const result = readRow(binding, row({ NHS_NUMBER: '123', DATE_OF_BIRTH: 'soon', FORENAME: '' }), translator);
    expect('reasons' in result && result.reasons.map((r) => r.location)).toEqual(['DATE_OF_BIRTH', 'NHS_NUMBER', 'FORENAME']);
  });

  it('an unknown code in an optional field is dropped and counted, not quarantined', () => {
    const report = new ImportReport();
    const result = readRow(binding, row({ ETHNICITY: 'ZZZZ' }), translator, report);
    expect('record' in result && result.record).not.toHaveProperty('ethnicity');
    expect(report.counts.unmapped).toEqual({ [localCodeSystem('mosaic-example', 'ethnicity')]: { ZZZZ: 1 } });
  });

  it('a rule across fields names the column: an adult case needs a primary support reason, even one no map knows', () => {
    const caseBinding = bindHeader(mosaic, 'episode', ['CASE_NUMBER', 'PERSON_ID', 'CASE_TYPE', 'CASE_START', 'PRIMARY_SUPPORT_REASON']);
    const read = (psr: string) => readRow(caseBinding, ['C1', '1001', 'ASC', '01/04/2024', psr], translator);
    expect(read('')).toEqual({ reasons: [{ code: 'INGEST_CSV_REQUIRED', message: expect.stringMatching(/primary support reason/), location: 'PRIMARY_SUPPORT_REASON' }] });
    expect(read('NOPE')).toEqual({ reasons: [{ code: 'INGEST_CSV_CODE', message: expect.stringMatching(/'NOPE'/), location: 'PRIMARY_SUPPORT_REASON' }] });
    expect(read('MH')).toMatchObject({ record: { supportReason: 'MHS', status: 'open' } });
  });

  it('a header without a required column fails the whole file, naming the column', () => {
    const err = (() => { try { bindHeader(mosaic, 'person', ['PERSON_ID', 'FORENAME']); } catch (e) { return e as FhirError; } })()!;
    expect(err.code).toBe('INGEST_CSV_HEADER');
    expect(err.issues[0]!.expression).toEqual(['SURNAME', 'GENDER', 'DATE_OF_BIRTH']);
  });
});

describe('loading profiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sharedcare-profiles-'));
  const write = (name: string, content: unknown) => writeFileSync(join(dir, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));
  const failure = (name: string) => { try { loadProfile(name, [dir, ...SHIPPED]); } catch (e) { return e as FhirError; } return undefined; };

  it('a deployment\'s own folder comes first', () => {
    write('generic', { description: 'local override', records: { flag: { columns: { id: 'flagId', who: 'personId', what: 'flagType', from: 'startDate' } } } });
    expect(loadProfile('generic', [dir, ...SHIPPED]).description).toBe('local override');
  });

  it('an unknown profile is refused, listing the known ones', () => {
    expect(failure('nope')).toMatchObject({ code: 'INGEST_PROFILE_UNKNOWN', message: expect.stringMatching(/mosaic-example/) });
    expect(failure('../etc/passwd')).toMatchObject({ code: 'INGEST_PROFILE_NAME' });
  });

  it('invalid JSON and invalid content are refused with the place of the mistake', () => {
    write('broken', '{ "records": ');
    expect(failure('broken')).toMatchObject({ code: 'INGEST_PROFILE_INVALID', issues: [{ expression: ['broken.json'] }] });
    write('wrong-field', { records: { person: { columns: { PID: 'clientId', NHS: 'nhsNo' } } } });
    expect(failure('wrong-field')).toMatchObject({ code: 'INGEST_PROFILE_INVALID', issues: [{ expression: ['wrong-field.json#records.person.columns["NHS"]'] }] });
    expect(() => parseProfile({ records: { flag: { columns: { a: 'flagId' } } } }, 'x')).toThrow(/need a column for 'personId'/);
    expect(() => parseProfile({ records: { person: { columns: {}, codes: { familyName: 'names' } } } }, 'x')).toThrow(/columns|coded/);
    expect(() => parseProfile({ dateFormats: ['MM/yyyy'], records: { flag: { columns: { a: 'flagId', b: 'personId', c: 'flagType', d: 'startDate' } } } }, 'x')).toThrow(/dd/);
    expect(() => parseProfile({ timeZone: 'Mars/Olympus', records: { flag: { columns: { a: 'flagId', b: 'personId', c: 'flagType', d: 'startDate' } } } }, 'x')).toThrow(/time zone/);
    expect(() => parseProfile({ records: { visits: {} } }, 'x')).toThrow(/not a record type/);
  });
});
