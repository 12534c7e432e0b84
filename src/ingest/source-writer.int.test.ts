// The import write path: put-many semantics, the source registry, and the quarantine, on both drivers.
import type { Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testRepository } from '../../test/support/test-database.ts';
import { loadDefinitions } from '../fhir/definitions.ts';
import { FhirError } from '../fhir/errors.ts';
import { createSearchParamRegistry } from '../fhir/search-parameters.ts';
import type { Queryable } from '../store/driver.ts';
import { readTogether } from '../store/read-together.ts';
import { SqlRepository } from '../store/sql-repository.ts';
import { ImportReport, startRun } from './import-report.ts';
import { fromSource, sourceResourceId } from './provenance.ts';
import { Quarantine } from './quarantine.ts';
import { registryPart, rememberRegistryRows, SourceWriter, type MappedRecord } from './source-writer.ts';

let db: TestDatabase;
let repo: SqlRepository;
const definitions = loadDefinitions();
const repoOptions = { definitions, registry: createSearchParamRegistry(definitions) };

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
});
afterAll(() => db.drop());

function person(source: string, localId: string, family: string): MappedRecord {
  const patient = fromSource<Patient>({ resourceType: 'Patient', name: [{ family, given: ['Ann'] }], birthDate: '1950-02-03' }, source, `person/${localId}`);
  return { recordType: 'person', localId, resources: [patient] };
}

async function writer(source: string): Promise<SourceWriter> {
  return new SourceWriter(repo, source, await startRun(db.driver, { source, channel: 'csv', origin: 'test' }));
}

describe('Repository.putMany', () => {
  it('creates at the given ids, leaves identical content alone, versions a change', async () => {
    const a: Resource = { resourceType: 'Patient', id: 'put-a', gender: 'female', name: [{ family: 'One' }] };
    const b: Resource = { resourceType: 'Patient', id: 'put-b', gender: 'male' };
    expect((await repo.putMany([a, b])).map((r) => r.outcome)).toEqual(['created', 'created']);
    // Same content with keys in another order is still the same content.
    const reordered = { name: [{ family: 'One' }], gender: 'female', id: 'put-a', resourceType: 'Patient' } as Resource;
    const again = await repo.putMany([reordered, { ...b, gender: 'other' } as Resource]);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'updated']);
    expect(again[0]!.resource.meta?.versionId).toBe('1');
    expect(again[1]!.resource.meta?.versionId).toBe('2');
    expect((await repo.read('Patient', 'put-b')).meta?.versionId).toBe('2');
  });

  it('refuses a repeated id or a missing id, naming the entry, and writes nothing', async () => {
    const r: Resource = { resourceType: 'Patient', id: 'put-c' };
    const err = await repo.putMany([r, r]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    expect((err as FhirError).code).toBe('STORE_ID_REPEATED');
    expect((err as FhirError).entryIndex).toBe(1);
    const missing = await repo.putMany([{ resourceType: 'Patient', id: 'put-d' }, { resourceType: 'Patient' }]).catch((e: unknown) => e);
    expect((missing as FhirError).entryIndex).toBe(1);
    await expect(repo.read('Patient', 'put-d')).rejects.toThrow(/not known/);
  });

  it('rolls the whole batch back when one resource is invalid', async () => {
    const bad = { resourceType: 'Patient', id: 'put-f', gender: 'not-a-gender' } as unknown as Resource;
    const err = await repo.putMany([{ resourceType: 'Patient', id: 'put-e' }, bad]).catch((e: unknown) => e);
    expect((err as FhirError).entryIndex).toBe(1);
    await expect(repo.read('Patient', 'put-e')).rejects.toThrow(/not known/);
  });
});

describe('SourceWriter', () => {
  it('maps a source record to the same resource every time: created, then unchanged, then updated', async () => {
    const w1 = await writer('council-a');
    expect(await w1.apply([person('council-a', '1', 'Smith'), person('council-a', '2', 'Jones')])).toEqual(['created', 'created']);
    const w2 = await writer('council-a');
    expect(await w2.apply([person('council-a', '1', 'Smith'), person('council-a', '2', 'Brown')])).toEqual(['unchanged', 'updated']);
    const id = sourceResourceId('council-a', 'person/2', 'Patient');
    const stored = (await repo.read('Patient', id)) as Patient;
    expect(stored.name?.[0]?.family).toBe('Brown');
    expect(stored.meta?.source).toBe('urn:sharedcare:source:council-a');
    expect(stored.meta?.versionId).toBe('2');
  });

  it('keeps sources apart: the same local id from another source is another resource', async () => {
    const w = await writer('council-b');
    expect(await w.apply([person('council-b', '1', 'Smith')])).toEqual(['created']);
    expect(sourceResourceId('council-b', 'person/1', 'Patient')).not.toBe(sourceResourceId('council-a', 'person/1', 'Patient'));
  });

  it('applies a record repeated within one batch in turn, the last one winning', async () => {
    const w = await writer('council-c');
    const outcomes = await w.apply([person('council-c', '9', 'First'), person('council-c', '9', 'Second')]);
    expect(outcomes).toEqual(['created', 'updated']);
    const stored = (await repo.read('Patient', sourceResourceId('council-c', 'person/9', 'Patient'))) as Patient;
    expect(stored.name?.[0]?.family).toBe('Second');
  });

  it('takes the registry rows its transaction read earlier instead of reading them again, each once', async () => {
    const source = 'council-r';
    await (await writer(source)).apply([person(source, '1', 'Old')]);
    const runId = await startRun(db.driver, { source, channel: 'csv', origin: 'test' });
    const registryReads = (sent: readonly string[]) => sent.filter((s) => s.includes('FROM source_record s')).length;
    await db.driver.transaction(async (tx) => {
      const sent: string[] = [];
      const q: Queryable = { query: (sql, params) => { sent.push(sql); return tx.query(sql, params); }, exec: (sql) => tx.exec(sql) };
      const bound = new SqlRepository(db.driver, repoOptions, q);
      const records = [person(source, '1', 'New'), person(source, '2', 'Fresh')];
      rememberRegistryRows(q, source, records, (await readTogether(q, [registryPart(source, records)])).get('registry rows')!);
      const w = new SourceWriter(bound, source, runId);
      // Known and changed, and remembered as absent: told apart without another read.
      expect(await w.apply(records)).toEqual(['updated', 'created']);
      expect(registryReads(sent)).toBe(1);
      expect(await w.apply([person(source, '1', 'New')])).toEqual(['unchanged']);
      expect(registryReads(sent)).toBe(2);
    });
  });

  it('tells which records a full extract no longer contains, and forgets them once ended', async () => {
    const first = await writer('council-d');
    await first.apply([person('council-d', '1', 'A'), person('council-d', '2', 'B'), person('council-d', '3', 'C')]);
    const second = await writer('council-d');
    await second.apply([person('council-d', '1', 'A'), person('council-d', '3', 'C')]);
    const missing = await second.missingFromRun('person');
    expect(missing.map((m) => m.localId)).toEqual(['2']);
    expect(missing[0]!.resources).toEqual([`Patient/${sourceResourceId('council-d', 'person/2', 'Patient')}`]);
    await repo.transaction((_repo, sql) => second.markEnded(sql, 'person', ['2']));
    expect(await second.missingFromRun('person')).toEqual([]);
    expect([...(await second.known('person', ['1', '2', '4']))].sort()).toEqual(['1', '2']);
  });

  it('points a refused batch at the record that caused it', async () => {
    const w = await writer('council-e');
    const bad: MappedRecord = { recordType: 'person', localId: 'x', resources: [{ resourceType: 'Patient', id: 'bad-id!' } as Resource] };
    const err = await w.apply([person('council-e', '1', 'A'), bad]).catch((e: unknown) => e);
    expect((err as FhirError).entryIndex).toBe(1);
    expect(await w.known('person', ['1'])).toEqual(new Set());
  });
});

describe('Quarantine', () => {
  it('keeps bad input once while it is open, lists it, and closes it on replay', async () => {
    const quarantine = new Quarantine(db.driver);
    const entry = { source: 'council-q', channel: 'csv' as const, kind: 'person', profile: 'generic', origin: 'people.csv:3',
      raw: JSON.stringify({ nhs_number: '123' }), reasons: [{ code: 'INGEST_NHS_NUMBER', message: 'NHS number fails its check digit', location: 'nhs_number' }] };
    expect(await quarantine.add([entry])).toBe(1);
    expect(await quarantine.add([entry])).toBe(0);
    const [item] = await quarantine.list({ source: 'council-q' });
    expect(item).toMatchObject({ kind: 'person', origin: 'people.csv:3', status: 'open', attempts: 1, reasons: entry.reasons });
    await quarantine.stillFailing(item!.id, [{ code: 'X', message: 'still bad' }]);
    expect((await quarantine.get(item!.id))?.attempts).toBe(2);
    await quarantine.resolve(item!.id, 'replayed');
    expect(await quarantine.list({ source: 'council-q' })).toEqual([]);
    expect((await quarantine.list({ source: 'council-q', status: 'replayed' }))[0]?.resolvedAt).toBeDefined();
    // Once resolved, the same input arriving again is a new item.
    expect(await quarantine.add([entry])).toBe(1);
    expect(await quarantine.counts()).toContainEqual({ source: 'council-q', channel: 'csv', open: 1 });
  });
});

describe('Quarantine order', () => {
  it('lists items in the order they arrived, past the tenth (ids sort as numbers) and pages on', async () => {
    const quarantine = new Quarantine(db.driver);
    const entries = Array.from({ length: 12 }, (_, i) => ({ source: 'council-order', channel: 'hl7' as const, kind: 'ADT^A01',
      origin: `feed/${i}`, raw: `message ${i}`, reasons: [{ code: 'X', message: 'bad' }] }));
    await quarantine.add(entries);
    const first = await quarantine.list({ source: 'council-order', limit: 11 });
    expect(first.map((i) => i.origin)).toEqual(entries.slice(0, 11).map((e) => e.origin));
    const rest = await quarantine.list({ source: 'council-order', after: first.at(-1)!.id });
    expect(rest.map((i) => i.origin)).toEqual(['feed/11']);
  });
});

describe('ImportReport', () => {
  it('adds up: every record read is applied, unchanged or quarantined', () => {
    const report = new ImportReport();
    for (const outcome of ['created', 'created', 'updated', 'unchanged', 'quarantined'] as const) report.record(outcome);
    expect(report.balanced()).toBe(true);
    expect(report.applied).toBe(3);
    expect(report.summary()).toBe('read 5 · applied 3 (created 2, updated 1) · unchanged 1 · quarantined 1');
    report.counts.read++;
    expect(report.balanced()).toBe(false);
  });
});
