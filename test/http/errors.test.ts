// Failure paths at the HTTP edge and in validation: every refusal is an OperationOutcome in FHIR
// JSON with the right status. Also the media types and base-URL forms clients send.
// See: https://hl7.org/fhir/R4/http.html#summary and https://hl7.org/fhir/R4/operationoutcome.html
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, nhsIdentifier, nhsNumber, patient } from '../support/fhir-fixtures.ts';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../src/server/http/http-server.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
/** A second HTTP edge over the same platform, configured with a 10 kB body limit. */
let small: FastifyInstance;
beforeAll(async () => {
  t = await startTestPlatform();
  small = await buildHttpServer({ ...t.platform, config: { ...t.platform.config, bodyLimitBytes: 10_000 } });
});
afterAll(async () => {
  await small?.close();
  await t?.close();
});

describe('request bodies', () => {
  it('malformed JSON → 400', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: '{"resourceType": "Patient",' }), 400, { code: 'invalid' });
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: "{'resourceType': 'Patient'}" }), 400);
  });

  it('an empty body → 400', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: '' }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: 'null' }), 400);
  });

  it('XML (or any non-JSON media type) → 415', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: '<Patient xmlns="http://hl7.org/fhir"/>', headers: { 'content-type': 'application/fhir+xml' } }), 415);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: '<Patient/>', headers: { 'content-type': 'application/xml' } }), 415);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: 'resourceType=Patient', headers: { 'content-type': 'text/plain' } }), 415);
  });

  it('a body over the configured limit → 413', async () => {
    const big = patient('Big', { text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(20_000)}</div>` } });
    const post = async (body: unknown) => {
      const headers = { authorization: `Bearer ${await t.token()}`, 'content-type': 'application/fhir+json' };
      const res = await small.inject({ method: 'POST', url: '/fhir/Patient', headers, payload: JSON.stringify(body) });
      return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined, text: res.body };
    };
    expectOutcome(await post(big), 413);
    expect((await post(patient('Small'))).status).toBe(201);
    // The default limit (16 MB) takes the same body.
    expect((await t.request('POST', '/fhir/Patient', { body: big })).status).toBe(201);
  });

  it('JSON nested deeper than the limit → 400', async () => {
    const deep = `{"resourceType":"Patient","extension":${'['.repeat(100)}${']'.repeat(100)}}`;
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: deep }), 400);
    const deepObjects = `{"resourceType":"Patient","extension":[${'{"extension":['.repeat(70)}${']}'.repeat(70)}]}`;
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: deepObjects }), 400);
  });

  it('__proto__, constructor and prototype keys → 400, at any depth', async () => {
    for (const body of [
      '{"resourceType":"Patient","__proto__":{"admin":true}}',
      '{"resourceType":"Patient","name":[{"family":"X","constructor":{"prototype":{"polluted":1}}}]}',
      '{"resourceType":"Patient","name":[{"prototype":"x"}]}',
    ]) {
      expectOutcome(await t.request('POST', '/fhir/Patient', { body }), 400);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('application/json is accepted like application/fhir+json, with or without charset', async () => {
    expect((await t.request('POST', '/fhir/Patient', { body: patient('PlainJson'), headers: { 'content-type': 'application/json' } })).status).toBe(201);
    expect((await t.request('POST', '/fhir/Patient', { body: patient('Charset'), headers: { 'content-type': 'application/fhir+json; charset=utf-8' } })).status).toBe(201);
    const res = await t.request('GET', '/fhir/Patient?family=plainjson', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/fhir\+json/);
    expect(res.body.total).toBe(1);
  });
});

describe('Accept and _format', () => {
  it('answers 406 when the client accepts only XML', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient', { headers: { accept: 'application/fhir+xml' } }), 406);
    expectOutcome(await t.request('GET', '/fhir/metadata', { headers: { accept: 'application/xml' } }), 406);
    expectOutcome(await t.request('GET', '/fhir/Patient?_format=xml'), 406);
  });

  it('serves JSON when JSON is acceptable at all', async () => {
    for (const accept of ['application/fhir+xml;q=1, application/fhir+json;q=0.5', '*/*', 'application/fhir+json']) {
      const res = await t.request('GET', '/fhir/metadata', { headers: { accept } });
      expect(res.status, accept).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^application\/fhir\+json/);
    }
    expect((await t.request('GET', '/fhir/Patient?_format=json')).status).toBe(200);
    expect((await t.request('GET', '/fhir/Patient?_format=application/fhir%2Bjson')).status).toBe(200);
  });
});

describe('paths and methods', () => {
  it('an unknown resource type → 404, for read, search and create', async () => {
    expectOutcome(await t.request('GET', '/fhir/Foo/1'), 404);
    expectOutcome(await t.request('GET', '/fhir/Foo'), 404);
    expectOutcome(await t.request('POST', '/fhir/Foo', { body: { resourceType: 'Foo' } }), 404);
    expectOutcome(await t.request('GET', '/fhir/patient/1'), 404);
  });

  it('unknown paths, and paths outside /fhir → 404 OperationOutcome', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient/1/_history/1/extra'), 404);
    expectOutcome(await t.request('GET', '/fhir/Patient/$nonsense'), 404);
    expectOutcome(await t.request('GET', '/nothing-here'), 404);
    expectOutcome(await t.request('GET', '/nothing-here', { headers: { accept: 'application/fhir+json' } }), 404);
  });

  it('a method the path does not support → 405', async () => {
    expectOutcome(await t.request('DELETE', '/fhir/Patient'), 405);
    expectOutcome(await t.request('GET', '/fhir'), 405);
    expectOutcome(await t.request('PUT', '/fhir/metadata', { body: {} }), 405);
  });

  it('the base URL works with and without a trailing slash', async () => {
    const batch = { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'metadata' } }] };
    for (const url of ['/fhir', '/fhir/']) {
      const res = await t.request('POST', url, { body: batch });
      expect(res.status, url).toBe(200);
      expect(res.body.type).toBe('batch-response');
    }
    for (const url of ['/fhir/metadata', '/fhir/metadata/']) {
      const res = await t.request('GET', url, { token: null });
      expect(res.status, url).toBe(200);
      expect(res.body.resourceType).toBe('CapabilityStatement');
    }
    const created = await create(t, patient('Slash'));
    expect((await t.request('GET', `/fhir/Patient/${created.id}/`)).body.id).toBe(created.id);
    expect((await t.request('GET', '/fhir/Patient/?family=slash')).body.total).toBe(1);
  });

  it('HEAD answers like GET without a body', async () => {
    const created = await create(t, patient('Head'));
    const res = await t.request('HEAD', `/fhir/Patient/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers.etag).toBe('W/"1"');
  });
});

describe('validation', () => {
  it('a valid NHS number is accepted; one failing Modulus 11 → 400 at Patient.identifier[0].value', async () => {
    expect((await t.request('POST', '/fhir/Patient', { body: patient('Nhs', { identifier: [nhsIdentifier(nhsNumber(1))] }) })).status).toBe(201);
    const good = nhsNumber(2);
    const bad = `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`;
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: patient('Nhs', { identifier: [nhsIdentifier(bad)] }) }), 400, {
      expression: 'Patient.identifier[0].value',
    });
    const second = patient('Nhs', { identifier: [{ system: 'urn:other', value: '1' }, nhsIdentifier('123')] });
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: second }), 400, { expression: 'Patient.identifier[1].value' });
  });

  it('an invalid NHS number is refused on update as well as create', async () => {
    const created = await create(t, patient('NhsUpdate'));
    const res = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, identifier: [nhsIdentifier('9434765918')] } });
    expectOutcome(res, 400, { expression: 'Patient.identifier[0].value' });
  });

  it('an unknown element → 400', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: patient('Unknown', { shoeSize: 42 }) }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Patient', name: [{ family: 'X', nickname: 'Y' }] } }), 400);
  });

  it('a value of the wrong type → 400', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: patient('Typed', { birthDate: 19700101 }) }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: patient('Typed', { active: 'yes' }) }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: patient('Typed', { birthDate: '01/02/1970' }) }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Patient', name: { family: 'NotAnArray' } } }), 400);
  });

  it('a missing required element or a code outside a required binding → 400', async () => {
    expectOutcome(await t.request('POST', '/fhir/Observation', { body: { resourceType: 'Observation', code: { text: 'x' } } }), 400);
    expectOutcome(await t.request('POST', '/fhir/Observation', { body: { resourceType: 'Observation', status: 'final' } }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: patient('Coded', { gender: 'robot' }) }), 400);
  });

  it('an invalid resource id in the URL → 4xx, never 500', async () => {
    const res = await t.request('GET', `/fhir/Patient/${'x'.repeat(65)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectOutcome(res, res.status);
  });
});
