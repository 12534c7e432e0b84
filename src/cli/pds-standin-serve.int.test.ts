// What `serve --pds-standin` adds: the stand-in mounted on sharedcare's own server under
// /personal-demographics/FHIR/R4, answering for the generator's people, beside an untouched /fhir.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/support/test-platform.ts';
import { mountPdsStandin } from '../identity/pds/pds-standin.ts';
import { buildStandinPopulation } from './pds-standin-population.ts';

const BASE = '/personal-demographics/FHIR/R4';
const REQUEST_ID = '0b7d3c1e-5f2a-4e6b-8c9d-0123456789ab';
const spine = buildStandinPopulation({ people: 40, seed: 3 });
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
  await mountPdsStandin(t.app, spine.population);
});
afterAll(() => t.close());

describe('the stand-in mounted on the main server', () => {
  it('reads and finds a generated person under their NHS number', async () => {
    const person = spine.population.patients.find((p) => !spine.restricted.includes(p.patient.id!))!.patient;
    const read = await t.request('GET', `${BASE}/Patient/${person.id}`, { headers: { 'x-request-id': REQUEST_ID }, token: null });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ resourceType: 'Patient', id: person.id, birthDate: person.birthDate });
    expect(read.headers['x-request-id']).toBe(REQUEST_ID);
    const query = new URLSearchParams({ family: person.name![0]!.family!, given: person.name![0]!.given![0]!, birthdate: `eq${person.birthDate}` });
    const found = await t.request('GET', `${BASE}/Patient?${query}`, { headers: { 'x-request-id': REQUEST_ID }, token: null });
    expect(found.status).toBe(200);
    expect(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain(person.id);
  });

  it('answers superseded and invalidated numbers as PDS does', async () => {
    const { old, current } = spine.superseded[0]!;
    expect((await t.request('GET', `${BASE}/Patient/${old}`, { headers: { 'x-request-id': REQUEST_ID }, token: null })).body.id).toBe(current);
    const gone = await t.request('GET', `${BASE}/Patient/${spine.invalidated[0]}`, { headers: { 'x-request-id': REQUEST_ID }, token: null });
    expect(gone.status).toBe(404);
    expect(gone.text).toContain('INVALIDATED_RESOURCE');
  });

  it('refuses other paths and methods in PDS terms, and leaves /fhir as it was', async () => {
    const other = await t.request('GET', `${BASE}/Coverage`, { headers: { 'x-request-id': REQUEST_ID }, token: null });
    expect(other.status).toBe(400);
    expect(other.text).toContain('UNSUPPORTED_SERVICE');
    const post = await t.request('DELETE', `${BASE}/Patient/9990000018`, { headers: { 'x-request-id': REQUEST_ID }, token: null });
    expect(post.status).toBe(400);
    expect(post.text).toContain('UNSUPPORTED_SERVICE');
    expect((await t.request('GET', '/fhir/Patient', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/fhir/metadata', { token: null })).status).toBe(200);
  });
});
