// Patients written through the REST API are matched as they are written, like imported ones: a POST
// and a transaction Bundle with the same NHS number make one Person; a PUT that changes the details
// so they no longer match moves the record out; Patients in a failed transaction leave no trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsIdentifier, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const details = { name: [{ family: 'Oyelaran', given: ['Bisi'] }], gender: 'female', birthDate: '1952-09-30', address: [{ postalCode: 'LS8 2QP' }] };

async function personOf(patientId: string): Promise<{ id: string; links: string[] } | undefined> {
  const res = await t.request('GET', `/fhir/Person?patient=Patient/${patientId}`);
  expect(res.status, res.text).toBe(200);
  const person = res.body.entry?.[0]?.resource;
  return person ? { id: person.id, links: person.link.map((l: any) => l.target.reference).sort() } : undefined;
}

describe('Patients written through the REST API', () => {
  it('are matched as they are written: a POST and a transaction Bundle with one NHS number are one Person', async () => {
    const nhs = nhsNumber(7301);
    const created = await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Patient', identifier: [nhsIdentifier(nhs)], ...details } });
    expect(created.status, created.text).toBe(201);
    const bundle = await t.request('POST', '/fhir', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:6f1d2c1e-0000-4000-8000-000000000001', resource: { resourceType: 'Patient', identifier: [nhsIdentifier(nhs)], ...details, name: [{ family: 'Oyelaran', given: ['B'] }] }, request: { method: 'POST', url: 'Patient' } }] },
    });
    expect(bundle.status, bundle.text).toBe(200);
    const second = /Patient\/([^/]+)/.exec(bundle.body.entry[0].response.location)![1];
    const person = await personOf(created.body.id);
    expect(person?.links).toEqual([`Patient/${created.body.id}`, `Patient/${second}`].sort());
    const byNumber = await t.request('GET', `/fhir/Person?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhs}`);
    expect(byNumber.body.entry.map((e: any) => e.resource.id)).toEqual([person!.id]);
    // The name search the last test relies on finds persons by name.
    expect((await t.request('GET', '/fhir/Person?name=Oyelaran')).body.entry.map((e: any) => e.resource.id)).toEqual([person!.id]);
  });

  it('moves a record out of its person when a PUT changes its details so they no longer match', async () => {
    const a = await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Patient', ...details, name: [{ family: 'Quayle', given: ['Ida'] }] } });
    const b = await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Patient', ...details, name: [{ family: 'Quayle', given: ['Ida'] }] } });
    expect((await personOf(b.body.id))?.id).toBe((await personOf(a.body.id))?.id);
    const put = await t.request('PUT', `/fhir/Patient/${b.body.id}`, {
      body: { resourceType: 'Patient', id: b.body.id, name: [{ family: 'Lomax', given: ['Harold'] }], gender: 'male', birthDate: '1939-01-02', address: [{ postalCode: 'YO1 7HH' }] },
    });
    expect(put.status, put.text).toBe(200);
    expect((await personOf(b.body.id))?.id).not.toBe((await personOf(a.body.id))?.id);
  });

  it('leaves no person behind for a Patient in a transaction that fails', async () => {
    const res = await t.request('POST', '/fhir', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Patient', ...details, name: [{ family: 'Vance', given: ['Una'] }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Observation', status: 'not-a-status', code: { text: 'x' } }, request: { method: 'POST', url: 'Observation' } },
      ] },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const people = await t.request('GET', '/fhir/Person?name=Vance');
    expect(people.body.total ?? people.body.entry?.length ?? 0).toBe(0);
  });
});
