// POST [base]/$import over HTTP: NDJSON streamed, Bundles, a named source, transactions through the
// server, the quarantine, and who may import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceResourceId } from '../../src/ingest/provenance.ts';
import { expectOutcome, nhsNumber, patient, TEST_ID_SYSTEM, unique } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const NDJSON = { 'content-type': 'application/fhir+ndjson' };
const ndjson = (...lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
const counts = (res: { body: any }) => Object.fromEntries(res.body.parameter.filter((p: any) => 'valueInteger' in p).map((p: any) => [p.name, p.valueInteger]));
const value = (res: { body: any }, name: string) => res.body.parameter.find((p: any) => p.name === name)?.valueString;
const observation = (subject: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Observation', status: 'final', code: { text: 'bp' }, subject: { reference: subject }, ...extra });

describe('$import', () => {
  it('imports an NDJSON stream, keeping ids, and a second upload changes nothing', async () => {
    const id = unique('imp');
    const body = ndjson({ ...patient('Ndjson'), id }, '', { ...observation(`Patient/${id}`), id: `${id}-o` });
    const res = await t.request('POST', '/fhir/$import', { body, headers: NDJSON });
    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    expect(counts(res)).toEqual({ read: 2, created: 2, updated: 0, unchanged: 0, quarantined: 0 });
    expect(value(res, 'source')).toBe('fhir-import');
    expect(value(res, 'summary')).toMatch(/^read 2 · applied 2/);
    expect((await t.request('GET', `/fhir/Observation/${id}-o`)).body.subject.reference).toBe(`Patient/${id}`);
    expect(counts(await t.request('POST', '/fhir/$import', { body, headers: NDJSON }))).toMatchObject({ read: 2, unchanged: 2 });
  });

  it('stamps resources from a named source and follows their references', async () => {
    const body = ndjson({ ...observation('Patient/src-p'), id: 'src-o' }, { ...patient('Sourced', { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber(7001) }] }), id: 'src-p' });
    const res = await t.request('POST', '/fhir/$import?source=hospital-test', { body, headers: { 'content-type': 'application/x-ndjson' } });
    expect(counts(res)).toMatchObject({ read: 2, created: 2 });
    const patientId = sourceResourceId('hospital-test', 'Patient/src-p', 'Patient');
    const stored = (await t.request('GET', `/fhir/Patient/${patientId}`)).body;
    expect(stored.meta.source).toBe('urn:sharedcare:source:hospital-test');
    expect(stored.identifier).toContainEqual({ system: 'urn:sharedcare:id:hospital-test:patient', value: 'src-p' });
    const obs = (await t.request('GET', `/fhir/Observation/${sourceResourceId('hospital-test', 'Observation/src-o', 'Observation')}`)).body;
    expect(obs.subject.reference).toBe(`Patient/${patientId}`);
    // Searchable by the source's own id.
    const found = await t.request('GET', '/fhir/Patient?identifier=urn:sharedcare:id:hospital-test:patient|src-p');
    expect(found.body.total).toBe(1);
  });

  it('imports a collection Bundle body resource by resource, quarantining the bad entries', async () => {
    const id = unique('col');
    const res = await t.request('POST', '/fhir/$import', {
      body: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...patient('Collection'), id } }, { resource: { resourceType: 'Observation', id: `${id}-bad`, code: { text: 'no status' } } }] },
    });
    expect(counts(res)).toMatchObject({ read: 2, created: 1, quarantined: 1 });
    const list = await t.request('GET', '/fhir/$quarantine?source=fhir-import&channel=fhir');
    const origins = list.body.parameter.filter((p: any) => p.name === 'item').map((p: any) => p.part.find((x: any) => x.name === 'origin').valueString);
    expect(origins).toContain('upload#entry[1]');
  });

  it('runs a transaction Bundle through the server, all or nothing', async () => {
    const value1 = unique('tx');
    const ok = await t.request('POST', '/fhir/$import?source=tx-source', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [
        { fullUrl: 'urn:uuid:7d1c0a52-0000-4000-8000-000000000001', resource: patient('Txin', { identifier: [{ system: TEST_ID_SYSTEM, value: value1 }] }), request: { method: 'POST', url: 'Patient' } },
        { resource: observation('urn:uuid:7d1c0a52-0000-4000-8000-000000000001'), request: { method: 'POST', url: 'Observation' } },
      ] },
    });
    expect(counts(ok)).toMatchObject({ read: 2, created: 2, quarantined: 0 });
    const made = await t.request('GET', `/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value1}`);
    expect(made.body.entry[0].resource.meta.source).toBe('urn:sharedcare:source:tx-source');
    const refused = await t.request('POST', '/fhir/$import?source=tx-source', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: patient('Txrefused'), request: { method: 'POST', url: 'Patient' } },
        { resource: observation(`Patient?identifier=${TEST_ID_SYSTEM}|nobody-${value1}`), request: { method: 'POST', url: 'Observation' } },
      ] },
    });
    expect(counts(refused)).toMatchObject({ read: 2, created: 0, quarantined: 2 });
    expect((await t.request('GET', '/fhir/Patient?family=txrefused')).body.total).toBe(0);
  });

  it('needs a token that may create and update every type', async () => {
    const body = ndjson({ ...patient('Denied'), id: unique('deny') });
    for (const scope of ['system/*.rs', 'system/Patient.cu', 'system/*.c']) {
      expectOutcome(await t.request('POST', '/fhir/$import', { body, headers: NDJSON, token: await t.token(scope) }), 403, { id: 'AUTH_INGEST_SCOPE' });
    }
    expectOutcome(await t.request('POST', '/fhir/$import', { body, headers: NDJSON, token: await t.token('patient/*.cruds', { patient: 'x' }) }), 403);
    expectOutcome(await t.request('POST', '/fhir/$import', { body, headers: NDJSON, token: null }), 401);
    expect((await t.request('POST', '/fhir/$import', { body, headers: NDJSON, token: await t.token('system/*.cu') })).status).toBe(200);
  });

  it('refuses other media types, an empty body, a bad source and other methods', async () => {
    expectOutcome(await t.request('POST', '/fhir/$import', { body: 'a,b\n1,2', headers: { 'content-type': 'text/csv' } }), 415);
    expectOutcome(await t.request('POST', '/fhir/$import'), 400, { id: 'INGEST_FHIR_BODY' });
    expectOutcome(await t.request('POST', '/fhir/$import?source=Bad%20Source', { body: ndjson(patient('x')), headers: NDJSON }), 400, { id: 'INGEST_SOURCE_INVALID', expression: 'source' });
    expectOutcome(await t.request('GET', '/fhir/$import'), 405);
  });
});
