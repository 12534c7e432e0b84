import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { loadLocatorTable, normalisePostcode, parseLocatorTable, parsePostcodePattern, SAMPLE_LOCATOR_DIR } from './locator-table.ts';

const POSTCODES_HEADER = 'pattern,gss,name';
const CITY_ROW = 'NG1,E06000018,Nottingham City Council';
const COUNCILS_HEADER = 'gss,name,endpoint,email,local,officeHoursPhone,emergencyDutyPhone';

function errorOf(run: () => unknown): FhirError {
  try {
    run();
  } catch (err) {
    if (err instanceof FhirError) return err;
    throw err;
  }
  throw new Error('expected a FhirError');
}

describe('postcode patterns', () => {
  it.each([
    ['NG1 5DT', 'NG1 5DT', 'postcode'],
    ['ng15dt', 'NG1 5DT', 'postcode'],
    ['  sw1a   2aa ', 'SW1A 2AA', 'postcode'],
    ['NG1 5', 'NG1 5', 'sector'],
    ['ec1a 1', 'EC1A 1', 'sector'],
    ['NG15', 'NG15', 'district'],
    ['n1', 'N1', 'district'],
    ['NG', 'NG', 'area'],
    ['e', 'E', 'area'],
  ])('%j is the %s %j', (raw, pattern, kind) => {
    expect(parsePostcodePattern(raw)).toEqual({ pattern, kind });
  });

  it.each(['', 'NGX', 'NG1 5D', 'NG1 5DTT', '1NG', 'NG1-5DT', 'NG1 55', 'ABC1', 'NG1 5DT extra'])('%j is no pattern', (raw) => {
    expect(parsePostcodePattern(raw)).toBeUndefined();
  });

  it('takes only full postcodes as postcodes', () => {
    expect(normalisePostcode('le1 6tp')).toBe('LE1 6TP');
    expect(normalisePostcode('NG1 5')).toBeUndefined();
    expect(normalisePostcode('NG1')).toBeUndefined();
  });
});

describe('parseLocatorTable', () => {
  it('reads rows, skipping comments and blank lines, and normalising', () => {
    const table = parseLocatorTable({
      postcodes: `# a comment\n${POSTCODES_HEADER}\n\n ng1 , e06000018 , Nottingham City Council\n"NG2 4pd",E06000018,Nottingham City Council\n`,
      overrides: 'postcode,match,gss,name\nng24pd,"  Trent  View, House ",E10000024,Nottinghamshire County Council\n',
      councils: `${COUNCILS_HEADER}\nE06000018,Nottingham City Council,https://fhir.city.example/R4/,,TRUE,0115 496 0200,\nE10000024,Nottinghamshire County Council,,x@notts.example,false,,\n`,
    });
    expect(table.postcodes).toEqual([
      { pattern: 'NG1', kind: 'district', gss: 'E06000018', name: 'Nottingham City Council' },
      { pattern: 'NG2 4PD', kind: 'postcode', gss: 'E06000018', name: 'Nottingham City Council' },
    ]);
    expect(table.overrides).toEqual([{ postcode: 'NG2 4PD', match: 'TRENT VIEW HOUSE', gss: 'E10000024', name: 'Nottinghamshire County Council' }]);
    expect(table.councils).toEqual([
      { gss: 'E06000018', name: 'Nottingham City Council', endpoint: 'https://fhir.city.example/R4', local: true, officeHoursPhone: '0115 496 0200' },
      { gss: 'E10000024', name: 'Nottinghamshire County Council', email: 'x@notts.example', local: false },
    ]);
  });

  it('accepts councils.csv with only the columns it needs, and plain http to this machine', () => {
    const table = parseLocatorTable({
      postcodes: `${POSTCODES_HEADER}\n${CITY_ROW}`,
      councils: 'name,endpoint,gss\nNottingham City Council,http://127.0.0.1:8099/hook,E06000018',
    });
    expect(table.councils).toEqual([{ gss: 'E06000018', name: 'Nottingham City Council', endpoint: 'http://127.0.0.1:8099/hook' }]);
  });

  const postcodeCases: Array<[string, string, RegExp]> = [
    ['a malformed pattern', `${POSTCODES_HEADER}\n${CITY_ROW}\nNG1 5D,E06000018,Nottingham City Council`, /^postcodes\.csv line 3: 'NG1 5D' is not a postcode/],
    ['a malformed GSS code', `${POSTCODES_HEADER}\nNG1,E0600018,Nottingham City Council`, /^postcodes\.csv line 2: 'E0600018' is not an ONS GSS code/],
    ['an empty name', `${POSTCODES_HEADER}\nNG1,E06000018,`, /^postcodes\.csv line 2: the council name is empty/],
    ['a pattern given twice', `${POSTCODES_HEADER}\n${CITY_ROW}\n# NG3 next\nng1,E06000018,Nottingham City Council`, /^postcodes\.csv line 4: NG1 is already given on line 2/],
    ['one code under two names', `${POSTCODES_HEADER}\n${CITY_ROW}\nNG3,E06000018,Nottingham City`, /^postcodes\.csv line 3: E06000018 is 'Nottingham City Council' in postcodes\.csv line 2, not 'Nottingham City'/],
    ['too few values', `${POSTCODES_HEADER}\n${CITY_ROW}\nNG3,E06000018`, /^postcodes\.csv line 3: has 2 values, the header 3/],
    ['an unknown column', 'pattern,gss,name,notes\nNG1,E06000018,x,y', /^postcodes\.csv line 1: unknown column 'notes'/],
    ['a missing column', 'pattern,gss\nNG1,E06000018', /^postcodes\.csv line 1: missing column 'name'/],
    ['a repeated column', 'pattern,gss,name,gss\nNG1,E06000018,x,E06000018', /^postcodes\.csv line 1: column 'gss' appears twice/],
    ['no header', '# only a comment\n', /^postcodes\.csv line 1: empty file/],
    ['an unclosed quote', `${POSTCODES_HEADER}\n${CITY_ROW}\n"NG3,E06000018,Nottingham City Council\n`, /^postcodes\.csv line 3: not readable as CSV/],
  ];
  it.each(postcodeCases)('rejects %s in postcodes.csv, naming file and line', (_, postcodes, message) => {
    const err = errorOf(() => parseLocatorTable({ postcodes }));
    expect(err).toMatchObject({ category: 'invalid', code: 'LOCATOR_TABLE_ROW' });
    expect(err.message).toMatch(message);
  });

  const overrideCases: Array<[string, string, RegExp]> = [
    ['a sector for a postcode', 'NG2 4,41,E10000024,Nottinghamshire County Council', /^overrides\.csv line 2: 'NG2 4' is not a full postcode/],
    ['an empty match', 'NG2 4PD, ,E10000024,Nottinghamshire County Council', /^overrides\.csv line 2: match is empty/],
    ['a property given twice', 'NG2 4PD,41,E10000024,Nottinghamshire County Council\nng24pd,41 ,E10000024,Nottinghamshire County Council',
      /^overrides\.csv line 3: NG2 4PD '41' is already given on line 2/],
    ['a council named differently from postcodes.csv', 'NG2 4PD,41,E06000018,City of Nottingham', /^overrides\.csv line 2: E06000018 is 'Nottingham City Council' in postcodes\.csv line 2/],
  ];
  it.each(overrideCases)('rejects %s in overrides.csv', (_, rows, message) => {
    const err = errorOf(() => parseLocatorTable({ postcodes: `${POSTCODES_HEADER}\n${CITY_ROW}`, overrides: `postcode,match,gss,name\n${rows}` }));
    expect(err.message).toMatch(message);
  });

  const councilCases: Array<[string, string, RegExp]> = [
    ['an endpoint that is not a URL', 'E06000018,Nottingham City Council,not a url,,,,', /^councils\.csv line 2: endpoint 'not a url' is not a URL/],
    ['a plain-http endpoint elsewhere', 'E06000018,Nottingham City Council,http://fhir.city.example/R4,,,,', /^councils\.csv line 2: endpoint .* must be an https URL/],
    ['a bad email', 'E06000018,Nottingham City Council,,team at city,,,', /^councils\.csv line 2: email 'team at city' is not an email address/],
    ['local that is not true or false', 'E06000018,Nottingham City Council,,,yes,,', /^councils\.csv line 2: local must be true or false/],
    ['a bad phone number', 'E06000018,Nottingham City Council,,,,call us,', /^councils\.csv line 2: officeHoursPhone 'call us' is not a phone number/],
    ['a council given twice', 'E06000018,Nottingham City Council,,,,,\nE06000018,Nottingham City Council,,,,,', /^councils\.csv line 3: E06000018 is listed twice/],
  ];
  it.each(councilCases)('rejects %s in councils.csv', (_, rows, message) => {
    const err = errorOf(() => parseLocatorTable({ postcodes: `${POSTCODES_HEADER}\n${CITY_ROW}`, councils: `${COUNCILS_HEADER}\n${rows}` }));
    expect(err.message).toMatch(message);
  });

  it('holds postcodes.csv to the names councils.csv gives', () => {
    const err = errorOf(() => parseLocatorTable({ postcodes: `${POSTCODES_HEADER}\nNG1,E06000018,Nottingham`, councils: `gss,name\nE06000018,Nottingham City Council` }));
    expect(err.message).toBe("postcodes.csv line 2: E06000018 is 'Nottingham City Council' in councils.csv line 2, not 'Nottingham'");
  });
});

describe('loadLocatorTable', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads the shipped sample', async () => {
    const table = await loadLocatorTable(SAMPLE_LOCATOR_DIR);
    expect(table.postcodes.length).toBeGreaterThan(100);
    expect(new Set(table.postcodes.map((r) => r.kind))).toEqual(new Set(['postcode', 'sector', 'district', 'area']));
    expect(table.overrides.some((o) => o.postcode === 'NG2 4PD')).toBe(true);
    expect(table.councils.filter((c) => c.local).map((c) => c.gss).sort()).toEqual(['E06000018', 'E09000012', 'E10000024']);
    expect(table.councils.filter((c) => c.endpoint).length).toBeGreaterThanOrEqual(2);
    expect(table.councils.some((c) => c.email && !c.endpoint)).toBe(true);
  });

  it('needs only postcodes.csv', async () => {
    dir = await mkdtemp(join(tmpdir(), 'locator-'));
    await writeFile(join(dir, 'postcodes.csv'), `${POSTCODES_HEADER}\n${CITY_ROW}\n`);
    expect(await loadLocatorTable(dir)).toEqual({ postcodes: [expect.objectContaining({ pattern: 'NG1' })], overrides: [], councils: [] });
  });

  it('refuses a directory without postcodes.csv', async () => {
    dir = await mkdtemp(join(tmpdir(), 'locator-'));
    await expect(loadLocatorTable(dir)).rejects.toMatchObject({ code: 'LOCATOR_TABLE_FILE', message: expect.stringContaining('postcodes.csv') });
  });

  it('names the file and line of a bad row on disk, counting comment lines', async () => {
    dir = await mkdtemp(join(tmpdir(), 'locator-'));
    await writeFile(join(dir, 'postcodes.csv'), `${POSTCODES_HEADER}\n${CITY_ROW}\n`);
    await writeFile(join(dir, 'overrides.csv'), '# straddling postcodes\n# one property a line\npostcode,match,gss,name\nNG2 4PD,41,E10000024,Notts\nNG2,43,E10000024,Notts\n');
    await expect(loadLocatorTable(dir)).rejects.toThrow(/^overrides\.csv line 5: 'NG2' is not a full postcode/);
  });
});
