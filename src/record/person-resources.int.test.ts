// Reading a person's resources on a real database: the records linked to the same person, and every
// resource of their compartments paged through once, with the shared resources they reference.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchLink } from '../identity/batch-link.ts';
import type { SqlRepository } from '../store/sql-repository.ts';
import { sourcePatient } from '../../test/support/identity-records.ts';
import { openTestDatabase, testRepository, type TestDatabase } from '../../test/support/test-database.ts';
import { linkedPatientIds, readPersonResources } from './person-resources.ts';

let db: TestDatabase;
let repo: SqlRepository;

const observation = (id: string, patient: string): Resource =>
  ({ resourceType: 'Observation', id, status: 'final', code: { text: id }, subject: { reference: `Patient/${patient}` }, performer: [{ reference: 'Organization/lab' }] }) as Resource;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  const same = { family: 'PRICE', given: 'NORA', sex: 'F' as const, birthDate: '1938-02-11', postcode: 'E8 1AA', nhsNumber: '9990000026', nhsVerified: true };
  await repo.putMany([
    { resourceType: 'Organization', id: 'lab', name: 'Pathology' } as Resource,
    sourcePatient('nora-gp', same),
    sourcePatient('nora-council', same),
    sourcePatient('other', { family: 'QUINN', given: 'OLIVE', sex: 'F', birthDate: '1990-01-01', nhsNumber: '9990000034', nhsVerified: true }),
    ...[1, 2, 3, 4, 5].map((n) => observation(`gp-obs-${n}`, 'nora-gp')),
    observation('council-obs', 'nora-council'),
    observation('other-obs', 'other'),
  ]);
  await batchLink(repo);
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

describe('linkedPatientIds', () => {
  it('finds every record linked to the same person, and keeps an unlinked record alone', async () => {
    expect((await linkedPatientIds(db.driver, 'nora-council')).sort()).toEqual(['nora-council', 'nora-gp']);
    expect(await linkedPatientIds(db.driver, 'unknown')).toEqual(['unknown']);
  });
});

describe('readPersonResources', () => {
  it('pages through every compartment once, with the shared resources referenced', async () => {
    const { resources, shared } = await readPersonResources(repo, ['nora-gp', 'nora-council'], undefined, undefined, 2);
    const keys = resources.map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['Patient/nora-gp', 'Patient/nora-council', 'Observation/council-obs',
      ...[1, 2, 3, 4, 5].map((n) => `Observation/gp-obs-${n}`)]));
    expect(keys.filter((k) => k.includes('other'))).toEqual([]);
    expect(shared.map((r) => `${r.resourceType}/${r.id}`)).toEqual(['Organization/lab']);
  });

  it('reads only the types asked for', async () => {
    const { resources } = await readPersonResources(repo, ['nora-gp'], undefined, ['Observation'], 3);
    expect(resources.map((r) => r.id).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `gp-obs-${n}`));
  });
});
