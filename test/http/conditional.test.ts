// Conditional create (If-None-Exist) and conditional update (PUT [type]?criteria), including the
// race clients cause by retrying: parallel identical requests must not create duplicates.
// See: https://hl7.org/fhir/R4/http.html#ccreate and #cond-update
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, FHIR_BASE, patient, TEST_ID_SYSTEM, unique } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let base: string;
let token: string;
beforeAll(async () => {
  t = await startTestPlatform();
  // A real socket: on PostgreSQL the parallel requests then run on separate pooled connections.
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `${address}/fhir`;
  token = await t.token();
});
afterAll(async () => {
  await t?.close();
});

const identifier = (value: string) => ({ system: TEST_ID_SYSTEM, value });

async function countByIdentifier(value: string): Promise<number> {
  const res = await t.request('GET', `/fhir/Patient?identifier=${encodeURIComponent(`${TEST_ID_SYSTEM}|${value}`)}&_total=accurate`);
  expect(res.status).toBe(200);
  return res.body.total;
}

describe('conditional create (If-None-Exist)', () => {
  it('creates when nothing matches and returns the existing resource (200) when one does', async () => {
    const value = unique('cc');
    const headers = { 'if-none-exist': `identifier=${TEST_ID_SYSTEM}|${value}` };
    const first = await t.request('POST', '/fhir/Patient', { body: patient('Cond', { identifier: [identifier(value)] }), headers });
    expect(first.status).toBe(201);
    const second = await t.request('POST', '/fhir/Patient', { body: patient('Other name', { identifier: [identifier(value)] }), headers });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.name[0].family).toBe('Cond');
    expect(second.headers.location).toBe(`${FHIR_BASE}/Patient/${first.body.id}/_history/1`);
    expect(await countByIdentifier(value)).toBe(1);
  });

  it('20 parallel identical POSTs over real sockets create exactly one resource', async () => {
    const value = unique('race');
    const body = JSON.stringify(patient('Race', { identifier: [identifier(value)] }));
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${base}/Patient`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/fhir+json',
            'if-none-exist': `identifier=${encodeURIComponent(`${TEST_ID_SYSTEM}|${value}`)}`,
          },
          body,
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await countByIdentifier(value)).toBe(1);
  });

  it('10 parallel identical transaction Bundles with a conditional create make one resource', async () => {
    const value = unique('txrace');
    const bundle = JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:0b6d2d35-0000-4000-8000-00000000000a',
          resource: patient('TxRace', { identifier: [identifier(value)] }),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${TEST_ID_SYSTEM}|${value}` },
        },
        {
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'tx-race' }, subject: { reference: 'urn:uuid:0b6d2d35-0000-4000-8000-00000000000a' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(base, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: bundle }).then(
          async (r) => ({ status: r.status, body: (await r.json()) as any }),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const patientIds = new Set(responses.map((r) => r.body.entry[0].resource.id));
    expect(patientIds.size).toBe(1);
    expect(await countByIdentifier(value)).toBe(1);
    // Every Observation points at the one Patient.
    const observations = await t.request('GET', `/fhir/Observation?subject=Patient/${[...patientIds][0]}&_total=accurate`);
    expect(observations.body.total).toBe(10);
  });

  it('answers 412 when the criteria match more than one resource', async () => {
    const value = unique('multi');
    await create(t, patient('Twin', { identifier: [identifier(value)] }));
    await create(t, patient('Twin', { identifier: [identifier(value)] }));
    const res = await t.request('POST', '/fhir/Patient', {
      body: patient('Third', { identifier: [identifier(value)] }),
      headers: { 'if-none-exist': `identifier=${TEST_ID_SYSTEM}|${value}` },
    });
    expectOutcome(res, 412);
    expect(await countByIdentifier(value)).toBe(2);
  });

  it('refuses If-None-Exist with an unknown search parameter (400)', async () => {
    const res = await t.request('POST', '/fhir/Patient', { body: patient('Bad'), headers: { 'if-none-exist': 'nonsense=1' } });
    expectOutcome(res, 400);
  });
});

describe('conditional update (PUT [type]?criteria)', () => {
  it('creates when nothing matches (201), then updates the match (200, new version)', async () => {
    const value = unique('cu');
    const url = `/fhir/Patient?identifier=${encodeURIComponent(`${TEST_ID_SYSTEM}|${value}`)}`;
    const first = await t.request('PUT', url, { body: patient('First', { identifier: [identifier(value)] }) });
    expect(first.status).toBe(201);
    expect(first.body.meta.versionId).toBe('1');
    expect(first.headers.location).toBe(`${FHIR_BASE}/Patient/${first.body.id}/_history/1`);
    const second = await t.request('PUT', url, { body: patient('Second', { identifier: [identifier(value)] }) });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.meta.versionId).toBe('2');
    expect(second.body.name[0].family).toBe('Second');
    expect(await countByIdentifier(value)).toBe(1);
  });

  it('answers 412 when the criteria match several resources, and changes none', async () => {
    const value = unique('cumulti');
    const a = await create(t, patient('A', { identifier: [identifier(value)] }));
    const b = await create(t, patient('B', { identifier: [identifier(value)] }));
    const res = await t.request('PUT', `/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`, { body: patient('C', { identifier: [identifier(value)] }) });
    expectOutcome(res, 412);
    for (const p of [a, b]) expect((await t.request('GET', `/fhir/Patient/${p.id}`)).body.meta.versionId).toBe('1');
  });

  it('refuses a body id that differs from the matched resource (400)', async () => {
    const value = unique('cuid');
    await create(t, patient('Match', { identifier: [identifier(value)] }));
    const res = await t.request('PUT', `/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`, {
      body: patient('Match', { id: 'someone-else', identifier: [identifier(value)] }),
    });
    expectOutcome(res, 400);
  });

  it('honours If-Match on a conditional update', async () => {
    const value = unique('cuif');
    await create(t, patient('IfMatch', { identifier: [identifier(value)] }));
    const url = `/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`;
    expectOutcome(await t.request('PUT', url, { body: patient('X', { identifier: [identifier(value)] }), headers: { 'if-match': 'W/"5"' } }), 412);
    expect((await t.request('PUT', url, { body: patient('X', { identifier: [identifier(value)] }), headers: { 'if-match': 'W/"1"' } })).status).toBe(200);
  });

  it('parallel conditional updates for a new identifier create one resource', async () => {
    const value = unique('curace');
    const url = `${base}/Patient?identifier=${encodeURIComponent(`${TEST_ID_SYSTEM}|${value}`)}`;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(url, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
          body: JSON.stringify(patient(`Race${i}`, { identifier: [identifier(value)] })),
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(await countByIdentifier(value)).toBe(1);
  });
});
