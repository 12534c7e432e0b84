// Deleting a source Patient over HTTP takes it out of its person in the same transaction: the Person
// no longer links it, the history says who deleted it, and a person left with no records is retired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceResourceId } from '../../src/ingest/provenance.ts';
import { nhsIdentifier, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const details = { name: [{ family: 'Ashdown', given: ['Ruth'] }], gender: 'female', birthDate: '1938-11-05', address: [{ postalCode: 'HX1 1AA' }] };

/** Imports one Patient from `source` (matched on arrival); returns its stored id. */
async function importPatient(source: string, extra: Record<string, unknown> = {}): Promise<string> {
  const resource = { resourceType: 'Patient', id: 'p1', ...details, ...extra };
  const res = await t.request('POST', `/fhir/$import?source=${source}`, { body: { resourceType: 'Bundle', type: 'collection', entry: [{ resource }] } });
  expect(res.status, res.text).toBe(200);
  return sourceResourceId(source, 'Patient/p1', 'Patient');
}

const personOf = async (patientId: string) => (await t.request('GET', `/fhir/Person?patient=Patient/${patientId}`)).body.entry?.[0]?.resource;

describe('DELETE Patient', () => {
  it('takes the record out of its person, with the deletion in the link history', async () => {
    const nhs = nhsNumber(8123);
    const gp = await importPatient('gp-delete', { identifier: [nhsIdentifier(nhs)] });
    const council = await importPatient('council-delete', { identifier: [nhsIdentifier(nhs)] });
    const person = await personOf(gp);
    expect(person.link.map((l: any) => l.target.reference).sort()).toEqual([`Patient/${gp}`, `Patient/${council}`].sort());
    expect((await t.request('DELETE', `/fhir/Patient/${council}`)).status).toBe(200);
    const after = (await t.request('GET', `/fhir/Person/${person.id}`)).body;
    expect(after.active).toBe(true);
    expect(after.link.map((l: any) => l.target.reference)).toEqual([`Patient/${gp}`]);
    const history = await t.request('GET', `/fhir/Person/${person.id}/$link-history`);
    expect(JSON.stringify(history.body)).toContain(`Patient/${council} was deleted`);
  });

  it('retires a person whose only record is deleted', async () => {
    const only = await importPatient('pas-delete', { name: [{ family: 'Loneragan', given: ['Seamus'] }], birthDate: '1950-01-01' });
    const person = await personOf(only);
    expect(person.active).toBe(true);
    expect((await t.request('DELETE', `/fhir/Patient/${only}`)).status).toBe(200);
    const after = (await t.request('GET', `/fhir/Person/${person.id}`)).body;
    expect(after.active).toBe(false);
    expect(after.link ?? []).toEqual([]);
  });
});
