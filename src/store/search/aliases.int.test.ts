// Parameters answered from other parameters' index rows (patient → subject, combo-code → code |
// component-code) must search exactly as if they had rows of their own.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testRepository } from '../../../test/support/test-database.ts';
import { SqlRepository } from '../sql-repository.ts';

let db: TestDatabase;
let repo: SqlRepository;
const ids: Record<string, string> = {};

async function find(type: string, query: string): Promise<string[]> {
  const pairs = [...new URLSearchParams(query)] as Array<[string, string]>;
  const result = await repo.search(repo.parseSearch(type, pairs), { owner: 'test' });
  return result.matches.map((m) => `${m.mode === 'include' ? '+' : ''}${m.resource.resourceType}/${m.resource.id}`).sort();
}

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  const create = async (name: string, r: Resource) => (ids[name] = (await repo.create(r)).resource.id!);
  await create('ann', { resourceType: 'Patient', name: [{ family: 'Ann' }] } as Resource);
  await create('group', { resourceType: 'Group', type: 'person', actual: true } as Resource);
  await create('bp', {
    resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${ids.ann}` },
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }],
  } as Resource);
  await create('weight', {
    resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${ids.ann}` }, effectiveDateTime: '2024-01-01',
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, valueQuantity: { value: 70, system: 'http://unitsofmeasure.org', code: 'kg' },
  } as Resource);
  await create('groupObs', { resourceType: 'Observation', status: 'final', subject: { reference: `Group/${ids.group}` }, code: { text: 'x' } } as Resource);
});
afterAll(() => db.drop());

describe('aliased search parameters', () => {
  it('patient is subject restricted to Patients', async () => {
    expect(await find('Observation', `patient=${ids.ann}`)).toEqual([`Observation/${ids.bp}`, `Observation/${ids.weight}`].sort());
    expect(await find('Observation', `patient=${ids.group}`)).toEqual([]);
    expect(await find('Observation', `subject=Group/${ids.group}`)).toEqual([`Observation/${ids.groupObs}`]);
    expect(await find('Observation', 'patient.name=ann')).toHaveLength(2);
    expect(await find('Patient', `_id=${ids.ann}&_revinclude=Observation:patient`)).toHaveLength(3);
  });

  it('combo-code finds codes on the observation and on its components', async () => {
    expect(await find('Observation', 'combo-code=8480-6')).toEqual([`Observation/${ids.bp}`]);
    expect(await find('Observation', 'combo-code=http://loinc.org|29463-7')).toEqual([`Observation/${ids.weight}`]);
    expect(await find('Observation', 'combo-code:not=8480-6&patient=' + ids.ann)).toEqual([`Observation/${ids.weight}`]);
    expect(await find('Observation', 'combo-value-quantity=gt100')).toEqual([`Observation/${ids.bp}`]);
    expect(await find('Observation', 'combo-value-quantity:missing=true')).toEqual([`Observation/${ids.groupObs}`]);
  });

  it(':missing works for parameters kept in side tables', async () => {
    expect(await find('Observation', 'date:missing=false')).toEqual([`Observation/${ids.weight}`]);
    expect(await find('Observation', 'date:missing=true')).toEqual([`Observation/${ids.bp}`, `Observation/${ids.groupObs}`].sort());
    expect(await find('Observation', 'subject:missing=true')).toEqual([]);
  });

  it(':missing on tokens and uris is answered from the stored JSON', async () => {
    const all = [`Observation/${ids.bp}`, `Observation/${ids.weight}`, `Observation/${ids.groupObs}`].sort();
    expect(await find('Observation', 'code:missing=false')).toEqual(all);
    expect(await find('Observation', 'category:missing=true')).toEqual(all);
    expect(await find('Observation', 'component-code:missing=false')).toEqual([`Observation/${ids.bp}`]);
    expect(await find('Observation', 'combo-code:missing=true')).toEqual([]);
    expect(await find('Patient', `_id=${ids.ann}&_source:missing=true`)).toEqual([`Patient/${ids.ann}`]);
  });
});
