// Repository conformance: written once, run on PGlite and (with TEST_DATABASE_URL) PostgreSQL.
import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testRepository } from '../../test/support/test-database.ts';
import { loadDefinitions } from '../fhir/definitions.ts';
import { FhirError } from '../fhir/errors.ts';
import { createSearchParamRegistry } from '../fhir/search-parameters.ts';
import { personKeyOf } from './hash.ts';
import { SqlRepository } from './sql-repository.ts';
import { PreparePool } from './prepare-pool.ts';

let db: TestDatabase;
let repo: SqlRepository;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
});
afterAll(() => db.drop());

async function failure(promise: Promise<unknown>): Promise<FhirError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FhirError) return err;
    throw err;
  }
  throw new Error('expected a FhirError');
}

const patient = (family: string, extra: Partial<Patient> = {}): Patient => ({ resourceType: 'Patient', name: [{ family }], ...extra });

describe(`repository on ${DRIVER_NAME}`, () => {
  it('creates with a server id and version 1, ignoring client meta', async () => {
    const { resource, outcome } = await repo.create({
      ...patient('Ahmed'),
      id: 'client-chosen',
      meta: { versionId: '99', lastUpdated: '2001-01-01T00:00:00Z', source: 'urn:test' },
    } as Resource);
    expect(outcome).toBe('created');
    expect(resource.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(resource.meta).toMatchObject({ versionId: '1', source: 'urn:test' });
    expect(resource.meta!.lastUpdated).not.toBe('2001-01-01T00:00:00Z');
    expect(Object.keys(resource).slice(0, 3)).toEqual(['resourceType', 'id', 'meta']);
  });

  it('reads what it wrote, and vreads every version', async () => {
    const created = (await repo.create(patient('Brown'))).resource as Patient;
    const v2 = (await repo.update({ ...created, gender: 'female' })).resource as Patient;
    expect(v2.meta!.versionId).toBe('2');
    expect(await repo.read('Patient', created.id!)).toEqual(v2);
    expect(((await repo.vread('Patient', created.id!, '1')) as Patient).gender).toBeUndefined();
    expect(((await repo.vread('Patient', created.id!, '2')) as Patient).gender).toBe('female');
    expect((await failure(repo.vread('Patient', created.id!, '3'))).category).toBe('not-found');
  });

  it('refuses a stale If-Match with a precondition failure and keeps the current version', async () => {
    const created = (await repo.create(patient('Clarke'))).resource;
    await repo.update({ ...created, active: true } as Resource, { ifMatch: '1' });
    const err = await failure(repo.update({ ...created, active: false } as Resource, { ifMatch: '1' }));
    expect([err.category, err.code]).toEqual(['precondition', 'STORE_VERSION_CONFLICT']);
    expect(((await repo.read('Patient', created.id!)) as Patient).active).toBe(true);
  });

  it('does not create on update unless allowed', async () => {
    expect((await failure(repo.update({ ...patient('Dunn'), id: 'no-such-patient' } as Resource))).category).toBe('not-allowed');
    const { outcome, resource } = await repo.update({ ...patient('Dunn'), id: 'chosen-id' } as Resource, { allowCreate: true });
    expect([outcome, resource.id]).toEqual(['created', 'chosen-id']);
  });

  it('deletes: later reads are gone, history keeps every version, delete is idempotent', async () => {
    const created = (await repo.create(patient('Evans'))).resource;
    await repo.delete('Patient', created.id!);
    await repo.delete('Patient', created.id!);
    expect((await failure(repo.read('Patient', created.id!))).category).toBe('gone');
    const history = await repo.history('Patient', created.id!, { count: 10 });
    expect(history.entries.map((e) => [e.versionId, e.method])).toEqual([[2, 'DELETE'], [1, 'POST']]);
    expect((await failure(repo.delete('Patient', 'never-existed'))).category).toBe('not-found');
  });

  it('a deleted resource can be brought back by update, as a new version', async () => {
    const created = (await repo.create(patient('Foster'))).resource;
    await repo.delete('Patient', created.id!);
    const back = await repo.update(created);
    expect(back.resource.meta!.versionId).toBe('3');
    expect(await repo.read('Patient', created.id!)).toEqual(back.resource);
  });

  it('conditional create is idempotent and refuses ambiguous matches', async () => {
    const body = patient('Gill', { identifier: [{ system: 'urn:test:mrn', value: 'G1' }] });
    const first = await repo.create(body, { ifNoneExist: [['identifier', 'urn:test:mrn|G1']] });
    const second = await repo.create(body, { ifNoneExist: [['identifier', 'urn:test:mrn|G1']] });
    expect([first.outcome, second.outcome]).toEqual(['created', 'unchanged']);
    expect(second.resource.id).toBe(first.resource.id);
    await repo.create(body);
    const err = await failure(repo.create(body, { ifNoneExist: [['identifier', 'urn:test:mrn|G1']] }));
    expect(err.category).toBe('precondition');
  });

  it('parallel identical conditional creates make exactly one resource', async () => {
    const body = patient('Hussain', { identifier: [{ system: 'urn:test:mrn', value: 'RACE-1' }] });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => repo.create(body, { ifNoneExist: [['identifier', 'urn:test:mrn|RACE-1']] })),
    );
    expect(new Set(results.map((r) => r.resource.id)).size).toBe(1);
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
  });

  it('conditional update creates when nothing matches, then updates the match', async () => {
    const query: Array<[string, string]> = [['identifier', 'urn:test:mrn|CU-1']];
    const body = patient('Iqbal', { identifier: [{ system: 'urn:test:mrn', value: 'CU-1' }] });
    const created = await repo.conditionalUpdate('Patient', query, body);
    const updated = await repo.conditionalUpdate('Patient', query, { ...body, gender: 'male' } as Patient);
    expect([created.outcome, updated.outcome]).toEqual(['created', 'updated']);
    expect(updated.resource.id).toBe(created.resource.id);
  });

  it('rejects invalid resources with FHIRPath locations, and writes nothing', async () => {
    const bad = { resourceType: 'Observation', code: { text: 'x' }, colour: 'blue' } as unknown as Observation;
    const err = await failure(repo.create(bad));
    expect(err.category).toBe('invalid');
    const expressions = err.issues.flatMap((i) => i.expression ?? []);
    expect(expressions).toEqual(expect.arrayContaining(['Observation.status', 'Observation.colour']));
    const nhs = await failure(repo.create(patient('Jones', { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000019' }] })));
    expect(nhs.issues[0]).toMatchObject({ id: 'UKCORE_NHS_NUMBER', expression: ['Patient.identifier[0].value'] });
  });

  it('accepts NHS number verification status from both UK Core code systems, and refuses unknown codes', async () => {
    const withStatus = (system: string, code: string) =>
      patient('Khan', {
        identifier: [
          {
            system: 'https://fhir.nhs.uk/Id/nhs-number',
            value: '9990000026',
            extension: [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus', valueCodeableConcept: { coding: [{ system, code }] } }],
          },
        ],
      });
    await expect(repo.create(withStatus('https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland', '01'))).resolves.toBeDefined();
    await expect(repo.create(withStatus('https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus', '01'))).resolves.toBeDefined();
    expect((await failure(repo.create(withStatus('https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland', '42')))).issues[0]!.id).toBe(
      'UKCORE_NHS_NUMBER_VERIFICATION',
    );
  });

  it('createMany writes all or nothing, keeping given ids', async () => {
    const [a] = await repo.createMany([{ ...patient('Lee'), id: 'bulk-a' } as Resource, patient('Lee')]);
    expect(a!.id).toBe('bulk-a');
    const err = await failure(repo.createMany([patient('Moss'), { resourceType: 'Patient', gender: 'purple' } as unknown as Resource]));
    expect(err.entryIndex).toBe(1);
    const request = repo.parseSearch('Patient', [['family', 'Moss']]);
    expect((await repo.search(request, { owner: 't' })).total).toBe(0);
    expect((await failure(repo.createMany([{ ...patient('Lee'), id: 'bulk-a' } as Resource]))).category).toBe('conflict');
  });

  it('validates and indexes large batches in worker threads, naming the failing entry', async () => {
    const pool = new PreparePool(2);
    try {
      const definitions = loadDefinitions();
      const pooled = new SqlRepository(db.driver, { definitions, registry: createSearchParamRegistry(definitions), preparePool: pool });
      const batch: Resource[] = Array.from({ length: 20 }, (_, i) => patient(`Pooled${i}`));
      batch[18] = { resourceType: 'Patient', birthDate: 'last tuesday' } as unknown as Resource;
      const err = await failure(pooled.createMany(batch));
      expect([err.code, err.entryIndex]).toEqual(['FHIR_VALIDATION', 18]);
      expect(err.issues[0]!.expression).toEqual(['Patient.birthDate']);
      batch[18] = patient('Pooled18');
      expect(await pooled.createMany(batch)).toHaveLength(20);
      // Index rows made in the workers are the same as inline ones: both chunks are searchable.
      for (const family of ['Pooled3', 'Pooled18']) {
        expect((await pooled.search(pooled.parseSearch('Patient', [['family', family]]), { owner: 't' })).total).toBe(1);
      }
    } finally {
      await pool.close();
    }
  });

  it('keeps the person key on every compartment resource, and the access filter hides other people', async () => {
    const p1 = (await repo.create(patient('Nolan'))).resource;
    const p2 = (await repo.create(patient('Owen'))).resource;
    const obs = (await repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'bp' }, subject: { reference: `Patient/${p1.id}` } } as Observation)).resource;
    const own = { rules: [{ personKeys: [personKeyOf(p1.id!)] }] };
    await expect(repo.read('Observation', obs.id!, own)).resolves.toBeDefined();
    expect((await failure(repo.read('Observation', obs.id!, { rules: [{ personKeys: [personKeyOf(p2.id!)] }] }))).category).toBe('not-found');
    expect((await failure(repo.read('Patient', p2.id!, own))).category).toBe('not-found');
    const forbiddenWrite = await failure(
      repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${p2.id}` } } as Observation, { filter: own }),
    );
    expect(forbiddenWrite.code).toBe('POLICY_COMPARTMENT');
    const { rows } = await db.driver.query<{ person_key: string }>('SELECT person_key FROM resource WHERE id = $1', [obs.id]);
    expect(rows[0]!.person_key).toBe(personKeyOf(p1.id!));
  });

  it('pages type history newest first without repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await repo.create({ resourceType: 'Flag', status: 'active', code: { text: `f${i}` }, subject: { reference: 'Patient/x' } } as Resource)).resource.id!);
    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await repo.history('Flag', undefined, { count: 2, ...(before ? { before } : {}) });
      seen.push(...page.entries.map((e) => e.id));
      before = page.next;
    } while (before);
    expect(seen).toEqual([...ids].reverse());
  });

  it('$everything returns the compartment and the shared resources it references', async () => {
    await repo.update({ resourceType: 'Organization', id: 'gp-1', name: 'Surgery' } as Resource, { allowCreate: true });
    const p = (await repo.create(patient('Patel', { generalPractitioner: [{ reference: 'Organization/gp-1' }] }))).resource;
    for (let i = 0; i < 3; i++) {
      await repo.create({ resourceType: 'Condition', subject: { reference: `Patient/${p.id}` }, code: { text: `c${i}` } } as Resource);
    }
    const page1 = await repo.everything(p.id!, { count: 2 });
    expect(page1.matches.filter((m) => m.mode === 'match')).toHaveLength(2);
    expect(page1.matches.some((m) => m.resource.resourceType === 'Organization')).toBe(true);
    const after = page1.next!.find(([k]) => k === '_cursor')![1];
    const page2 = await repo.everything(p.id!, { count: 2, after });
    expect(page2.matches.filter((m) => m.mode === 'match')).toHaveLength(2);
    expect(page2.next).toBeUndefined();
  });
});
