// The person view without a database: survivorship (which record each field comes from),
// identifiers (verified NHS number first) and link assurance, row by row of their rules.
import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION, NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND } from '../../fhir/systems.ts';
import type { MatchRecord } from '../match-types.ts';
import type { LinkBasis, LinkKind } from './link-types.ts';
import { assuranceOf, buildPerson, buildRetiredPerson, LINKED_PERSON_TAG, PERSON_META_SOURCE, REDIRECTED_TAG } from './person-view.ts';
import { rankSources, survivingFields, type PersonSource } from './survivorship.ts';

/** The UK Core verification-status extension a Person's NHS number carries. */
const status = (code: '01' | '02') => ({
  url: NHS_NUMBER_VERIFICATION_EXTENSION,
  valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code, display: code === '01' ? 'Number present and verified' : 'Number present but not traced' }] },
});

const NHS_A = '9000000009';
const NHS_B = '9000000017';

function source(id: string, options: {
  updated?: string; record?: Partial<MatchRecord>; patient?: Partial<Patient> | null; kind?: LinkKind; basis?: LinkBasis;
} = {}): PersonSource {
  const patient: Patient | undefined = options.patient === null ? undefined
    : { resourceType: 'Patient', id, meta: { lastUpdated: options.updated ?? '2024-01-01T00:00:00.000Z' }, ...options.patient };
  return {
    link: { patientId: id, personId: 'p', kind: options.kind ?? 'auto', basis: options.basis ?? 'probabilistic', decidedBy: 't', decidedAt: '2024-01-01T00:00:00.000Z' },
    ...(patient ? { patient } : {}),
    ...(options.record ? { record: { id, ...options.record } } : {}),
  };
}

describe('survivorship', () => {
  it('ranks a verified NHS number first, then non-placeholders, then the most recently updated, then id', () => {
    const old = source('a', { updated: '2020-01-01T00:00:00Z' });
    const recent = source('b', { updated: '2024-06-01T00:00:00Z' });
    const verifiedOld = source('c', { updated: '2019-01-01T00:00:00Z', record: { nhsNumber: NHS_A, nhsVerified: true } });
    const placeholderRecent = source('d', { updated: '2025-01-01T00:00:00Z', record: { placeholder: 'name' } });
    const sameTime = source('0', { updated: '2020-01-01T00:00:00Z' });
    expect(rankSources([old, recent, placeholderRecent, verifiedOld, sameTime]).map((s) => s.link.patientId)).toEqual(['c', 'b', '0', 'a', 'd']);
  });

  it('takes each field from the best-ranked record that has it', () => {
    const verified = source('v', {
      updated: '2019-01-01T00:00:00Z',
      record: { nhsNumber: NHS_A, nhsVerified: true },
      patient: { name: [{ family: 'ALLEN', given: ['Mary'] }], birthDate: '1950-02-03' },
    });
    const recent = source('r', {
      updated: '2024-01-01T00:00:00Z',
      patient: { name: [{ family: 'ALAN' }], gender: 'female', birthDate: '1950-03-02', telecom: [{ system: 'phone', value: '020 7946 0000' }], address: [] },
    });
    const older = source('o', { updated: '2021-01-01T00:00:00Z', patient: { address: [{ postalCode: 'E8 1AA' }], telecom: [{ system: 'email', value: 'x@example.org' }] } });
    expect(survivingFields([recent, older, verified])).toEqual({
      name: [{ family: 'ALLEN', given: ['Mary'] }],
      birthDate: '1950-02-03',
      gender: 'female',
      telecom: [{ system: 'phone', value: '020 7946 0000' }],
      address: [{ postalCode: 'E8 1AA' }],
    });
  });

  it('reads verification from the Patient when matching has no features for it', () => {
    const verifiedOnResource = source('x', {
      updated: '2000-01-01T00:00:00Z',
      patient: {
        gender: 'male',
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: '900 000 0009', extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION,
          valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: '01' }] } }] }],
      },
    });
    const recent = source('y', { updated: '2024-01-01T00:00:00Z', patient: { gender: 'female' } });
    expect(survivingFields([recent, verifiedOnResource]).gender).toBe('male');
  });
});

describe('assurance', () => {
  const cases: Array<[string, PersonSource, string]> = [
    ['manual link', source('a', { kind: 'manual', basis: 'manual' }), 'level4'],
    ['manual kind on any basis', source('a', { kind: 'manual', basis: 'probabilistic' }), 'level4'],
    ['same verified NHS number', source('a', { basis: 'nhs-number', record: { nhsNumber: NHS_A, nhsVerified: true } }), 'level4'],
    ['same NHS number, unverified', source('a', { basis: 'nhs-number', record: { nhsNumber: NHS_A } }), 'level3'],
    ['probabilistic', source('a', { basis: 'probabilistic' }), 'level2'],
    ['sole record', source('a', { basis: 'sole', record: { nhsNumber: NHS_A, nhsVerified: true } }), 'level1'],
  ];
  it.each(cases)('%s', (_name, s, level) => expect(assuranceOf(s)).toBe(level));
});

describe('buildPerson', () => {
  it('lists distinct NHS numbers, verified first and official, links sorted by record, tagged as derived', () => {
    const person = buildPerson('p1', [
      source('z', { basis: 'nhs-number', record: { nhsNumber: NHS_B } }),
      source('m', { basis: 'nhs-number', record: { nhsNumber: NHS_A, nhsVerified: true } }),
      source('k', { basis: 'nhs-number', record: { nhsNumber: NHS_A } }),
      source('gone', { basis: 'probabilistic', patient: null }),
    ]);
    expect(person.identifier).toEqual([
      { use: 'official', system: NHS_NUMBER_SYSTEM, value: NHS_A, extension: [status('01')] },
      { system: NHS_NUMBER_SYSTEM, value: NHS_B, extension: [status('02')] },
    ]);
    expect(person.link).toEqual([
      { target: { reference: 'Patient/gone' }, assurance: 'level2' },
      { target: { reference: 'Patient/k' }, assurance: 'level3' },
      { target: { reference: 'Patient/m' }, assurance: 'level4' },
      { target: { reference: 'Patient/z' }, assurance: 'level3' },
    ]);
    expect(person.active).toBe(true);
    expect(person.meta).toEqual({ source: PERSON_META_SOURCE, tag: [LINKED_PERSON_TAG] });
  });

  it('gives no official number when none is verified', () => {
    expect(buildPerson('p', [source('a', { record: { nhsNumber: NHS_A } })]).identifier).toEqual([{ system: NHS_NUMBER_SYSTEM, value: NHS_A, extension: [status('02')] }]);
  });

  it('retires a person without demographics, redirecting when its records went to one person', () => {
    expect(buildRetiredPerson('old', { personId: 'new', assurance: 'level4' })).toEqual({
      resourceType: 'Person', id: 'old', meta: { source: PERSON_META_SOURCE, tag: [LINKED_PERSON_TAG, REDIRECTED_TAG] },
      active: false, link: [{ target: { reference: 'Person/new' }, assurance: 'level4' }],
    });
    expect(buildRetiredPerson('old').link).toBeUndefined();
  });
});
