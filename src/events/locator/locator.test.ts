import type { Address, Patient } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { parseLocatorTable, SAMPLE_LOCATOR_DIR } from './locator-table.ts';
import { loadLocator, Locator } from './locator.ts';

const CITY = 'E06000018';
const COUNTY = 'E10000024';
const SHEFFIELD = 'E08000019';
const ROTHERHAM = 'E08000018';

let sample: Locator;
beforeAll(async () => {
  sample = await loadLocator(SAMPLE_LOCATOR_DIR);
});

/** A table where every level of one postcode names a different council. */
function nested(): Locator {
  return new Locator(parseLocatorTable({
    postcodes: [
      'pattern,gss,name',
      'S,E08000019,Sheffield City Council',
      'S60,E08000018,Rotherham Metropolitan Borough Council',
      'S60 2,E10000024,Nottinghamshire County Council',
      'S60 2AB,E06000018,Nottingham City Council',
    ].join('\n'),
  }));
}

describe('Locator.locate: the longest pattern wins', () => {
  it.each([
    ['S60 2AB', CITY, 'postcode'],
    ['S60 2AD', COUNTY, 'sector'],
    ['S60 3AB', ROTHERHAM, 'district'],
    ['S6 2AB', SHEFFIELD, 'area'],
    ['S61 2AB', SHEFFIELD, 'area'],
  ])('%s → %s by %s', (postcode, gss, matchedBy) => {
    expect(nested().locate({ postcode })).toMatchObject({ gss, matchedBy });
  });

  it('answers undefined for a postcode no row covers', () => {
    expect(nested().locate({ postcode: 'NG1 5DT' })).toBeUndefined();
    expect(sample.locate({ postcode: 'ZE1 0AA' })).toBeUndefined();
  });

  it('reads the postcode in any spelling', () => {
    for (const postcode of ['s602ab', ' S60   2AB ', 's60 2ab']) expect(nested().locate({ postcode })?.gss).toBe(CITY);
  });

  it.each(['', 'NG1', 'NG1 5', 'NG1 5D', 'NG1 5DTX', '12345', 'NG1-5DT', 'NG 15DT', 'NG1 5DT X'])('refuses the malformed postcode %j', (postcode) => {
    const err = (() => {
      try {
        sample.locate({ postcode });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(FhirError);
    expect(err).toMatchObject({ category: 'invalid', code: 'LOCATOR_POSTCODE' });
    expect((err as FhirError).issues[0]?.expression).toEqual(['postcode']);
    // The postcode is not echoed: with an address it is personal data.
    if (postcode.trim()) expect((err as FhirError).message).not.toContain(postcode.trim());
  });

  it('refuses a table giving one pattern twice', () => {
    const row = { pattern: 'NG1', kind: 'district' as const, gss: CITY, name: 'Nottingham City Council' };
    expect(() => new Locator({ postcodes: [row, row], overrides: [], councils: [] })).toThrow(/NG1 is given twice/);
  });
});

describe('Locator.locate: property overrides at a straddling postcode', () => {
  it('sends the listed properties one way and the rest of the postcode the other', () => {
    expect(sample.locate({ postcode: 'NG2 4PD', lines: ['41 Trent Side Road', 'Nottingham'] })).toMatchObject({ gss: COUNTY, matchedBy: 'property' });
    expect(sample.locate({ postcode: 'NG2 4PD', lines: ['39 Trent Side Road', 'Nottingham'] })).toMatchObject({ gss: CITY, matchedBy: 'postcode' });
    expect(sample.locate({ postcode: 'NG2 4PD' })).toMatchObject({ gss: CITY, matchedBy: 'postcode' });
  });

  it('matches a house number or name as leading words, ignoring case and commas', () => {
    const at = (...lines: string[]) => sample.locate({ postcode: 'ng2 4pd', lines })?.gss;
    expect(at('41, Trent Side Road')).toBe(COUNTY);
    expect(at('trent view house')).toBe(COUNTY);
    expect(at('TRENT VIEW HOUSE, Trent Side Road')).toBe(COUNTY);
    // Another house whose number starts the same way is a different property.
    expect(at('41A Trent Side Road')).toBe(CITY);
    expect(at('141 Trent Side Road')).toBe(CITY);
    expect(at('Trent View', 'Trent Side Road')).toBe(CITY);
  });

  it('finds a flat by its building on a later line', () => {
    expect(sample.locate({ postcode: 'NG2 4PD', lines: ['Flat 3', 'Trent View House', 'Trent Side Road'] })?.matchedBy).toBe('property');
    expect(sample.locate({ postcode: 'NG2 4PD', lines: ['Flat 3', '43 Trent Side Road'] })?.gss).toBe(COUNTY);
  });

  it('leaves the same house number at another postcode alone', () => {
    expect(sample.locate({ postcode: 'NG2 4PE', lines: ['41 Trent Side Road'] })).toMatchObject({ gss: CITY, matchedBy: 'sector' });
  });

  it('matches a UPRN before the address lines, and only as a UPRN', () => {
    expect(sample.locate({ postcode: 'NG2 4PD', uprn: '999000000047', lines: ['39 Trent Side Road'] })).toMatchObject({ gss: COUNTY, matchedBy: 'property' });
    expect(sample.locate({ postcode: 'NG2 4PD', uprn: '999000000048', lines: ['39 Trent Side Road'] })?.gss).toBe(CITY);
    expect(sample.locate({ postcode: 'NG2 4PD', uprn: '999000000048', lines: ['45 Trent Side Road'] })?.gss).toBe(COUNTY);
    // A UPRN written as an address line is not a house number.
    expect(sample.locate({ postcode: 'NG2 4PD', lines: ['999000000047'] })?.gss).toBe(CITY);
    // The UPRN belongs to NG2 4PD: at another postcode it decides nothing.
    expect(sample.locate({ postcode: 'NG2 5AA', uprn: '999000000047' })).toMatchObject({ gss: COUNTY, matchedBy: 'sector' });
  });

  it('splits NG2 by sector between the city and the county', () => {
    expect(sample.locate({ postcode: 'NG2 2AB' })).toMatchObject({ gss: CITY, matchedBy: 'sector' });
    expect(sample.locate({ postcode: 'NG2 6AB' })).toMatchObject({ gss: COUNTY, matchedBy: 'sector' });
  });
});

describe('Locator: council settings', () => {
  it('attaches how to reach the council', () => {
    expect(sample.locate({ postcode: 'S10 2TN' })?.council).toMatchObject({ gss: SHEFFIELD, endpoint: expect.stringMatching(/^https:\/\//) });
    const rotherham = sample.locate({ postcode: 'S60 2AB' })?.council;
    expect(rotherham?.email).toMatch(/@/);
    expect(rotherham?.endpoint).toBeUndefined();
    expect(sample.locate({ postcode: 'E8 1AA' })?.council).toMatchObject({ name: 'London Borough of Hackney', local: true });
    expect(sample.council(CITY)?.local).toBe(true);
    expect(sample.council(COUNTY)?.local).toBe(true);
    expect(sample.council('E99999999')).toBeUndefined();
  });

  it('answers council undefined when the table has no settings for it', () => {
    const bare = new Locator(parseLocatorTable({ postcodes: 'pattern,gss,name\nNG1,E06000018,Nottingham City Council' }));
    expect(bare.locate({ postcode: 'NG1 5DT' })).toEqual({ gss: CITY, name: 'Nottingham City Council', matchedBy: 'district', council: undefined });
  });
});

describe('Locator.locatePatient', () => {
  const at = new Date('2025-06-01T12:00:00Z');
  const patient = (...address: Address[]): Patient => ({ resourceType: 'Patient', address });

  it('uses the current home address before any other', () => {
    const p = patient({ use: 'temp', postalCode: 'S10 2TN' }, { use: 'home', postalCode: 'NG1 5DT' });
    expect(sample.locatePatient(p, at)?.gss).toBe(CITY);
  });

  it('skips old and ended addresses, and ones not yet begun', () => {
    const p = patient(
      { use: 'home', postalCode: 'S10 2TN', period: { end: '2025-05-31' } },
      { use: 'old', postalCode: 'S60 2AB' },
      { use: 'home', postalCode: 'E8 1AA', period: { start: '2025-07-01' } },
      { use: 'temp', postalCode: 'NG18 4JT', period: { start: '2025-01-01', end: '2025-06-01' } },
    );
    // An end date covers its whole day.
    expect(sample.locatePatient(p, at)).toMatchObject({ gss: COUNTY, matchedBy: 'district' });
    expect(sample.locatePatient(p, new Date('2025-06-02T00:00:01Z'))).toBeUndefined();
  });

  it('uses the address lines and a UK Core UPRN address key', () => {
    const uprnKey = (value: string) => ({
      url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AddressKey',
      extension: [{ url: 'type', valueCoding: { system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-AddressKeyType', code: 'UPRN' } }, { url: 'value', valueString: value }],
    });
    expect(sample.locatePatient(patient({ use: 'home', line: ['Trent View House'], postalCode: 'NG2 4PD' }), at)?.gss).toBe(COUNTY);
    expect(sample.locatePatient(patient({ use: 'home', line: ['39 Trent Side Road'], postalCode: 'NG2 4PD', extension: [uprnKey('999000000047')] }), at))
      .toMatchObject({ gss: COUNTY, matchedBy: 'property' });
  });

  it('answers undefined without a usable postcode', () => {
    expect(sample.locatePatient({ resourceType: 'Patient' }, at)).toBeUndefined();
    expect(sample.locatePatient(patient({ use: 'home', line: ['1 Church Road'] }), at)).toBeUndefined();
    expect(sample.locatePatient(patient({ use: 'home', postalCode: 'NOT KNOWN' }), at)).toBeUndefined();
  });
});
