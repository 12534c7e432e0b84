// Clients nobody here wrote, against a real listening server: fhir-kit-client (Vermonster) and
// fhirclient (SMART client-js, server-side use with an already issued bearer token).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Client as FhirKitClient } from 'fhir-kit-client';
import smart from 'fhirclient';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, patient, TEST_ID_SYSTEM } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let base: string;
let token: string;

beforeAll(async () => {
  // No configured base URL: links are built from the Host header, so they point at this socket.
  t = await startTestPlatform({ baseUrl: undefined });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `${address}/fhir`;
  token = await t.token();
});
afterAll(async () => {
  await t?.close();
});

/** Rejections from either client carry the HTTP status somewhere; this finds it. */
async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    const e = err as { response?: { status?: number }; status?: number; statusCode?: number };
    return e.response?.status ?? e.status ?? e.statusCode ?? -1;
  }
  return 200;
}

describe('fhir-kit-client', () => {
  const kit = () => new FhirKitClient({ baseUrl: base, bearerToken: token });

  it('creates, reads, updates (with If-Match) and deletes', async () => {
    const client = kit();
    const created: any = await client.create({ resourceType: 'Patient', body: patient('Kit', { gender: 'female' }) });
    expect(created.id).toBeDefined();
    const read: any = await client.read({ resourceType: 'Patient', id: created.id });
    expect(read.name[0].family).toBe('Kit');
    const updated: any = await client.update({
      resourceType: 'Patient', id: created.id, body: { ...read, gender: 'male' }, options: { headers: { 'If-Match': 'W/"1"' } },
    });
    expect(updated.meta.versionId).toBe('2');
    expect(await statusOf(client.update({ resourceType: 'Patient', id: created.id, body: read, options: { headers: { 'If-Match': 'W/"1"' } } }))).toBe(412);
    const vread: any = await client.vread({ resourceType: 'Patient', id: created.id, version: '1' });
    expect(vread.gender).toBe('female');
    await client.delete({ resourceType: 'Patient', id: created.id });
    expect(await statusOf(client.read({ resourceType: 'Patient', id: created.id }))).toBe(410);
    expect(await statusOf(client.read({ resourceType: 'Patient', id: 'never-was' }))).toBe(404);
  });

  it('searches and pages with nextPage until the end', async () => {
    const client = kit();
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) ids.add((await create(t, patient('Kitpager', { identifier: [{ system: TEST_ID_SYSTEM, value: `kit${i}` }] }))).id);
    let bundle: any = await client.search({ resourceType: 'Patient', searchParams: { family: 'kitpager', _count: 3 } });
    expect(bundle.total).toBe(7);
    const seen: string[] = [];
    let pages = 0;
    while (bundle) {
      pages += 1;
      seen.push(...(bundle.entry ?? []).map((e: any) => e.resource.id));
      bundle = await client.nextPage({ bundle });
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('runs a transaction with urn:uuid references and a conditional update', async () => {
    const client = kit();
    const p = `urn:uuid:${crypto.randomUUID()}`;
    const response: any = await client.transaction({
      body: {
        resourceType: 'Bundle', type: 'transaction',
        entry: [
          { fullUrl: p, resource: patient('Kittx'), request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Observation', status: 'final', code: { text: 'kit' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
        ],
      },
    });
    expect(response.type).toBe('transaction-response');
    const patientId = response.entry[0].resource.id;
    expect(response.entry[1].resource.subject.reference).toBe(`Patient/${patientId}`);
    const conditional: any = await client.update({
      resourceType: 'Patient', searchParams: { identifier: `${TEST_ID_SYSTEM}|kit-conditional` },
      body: patient('Kitcond', { identifier: [{ system: TEST_ID_SYSTEM, value: 'kit-conditional' }] }),
    });
    const again: any = await client.update({
      resourceType: 'Patient', searchParams: { identifier: `${TEST_ID_SYSTEM}|kit-conditional` },
      body: patient('Kitcond', { identifier: [{ system: TEST_ID_SYSTEM, value: 'kit-conditional' }], active: true }),
    });
    expect(again.id).toBe(conditional.id);
    expect(again.meta.versionId).toBe('2');
  });

  it('applies a JSON Patch and reads the CapabilityStatement', async () => {
    const client = kit();
    const created: any = await client.create({ resourceType: 'Patient', body: patient('Kitpatch') });
    const patched: any = await client.patch({ resourceType: 'Patient', id: created.id, jsonPatch: [{ op: 'add', path: '/active', value: true }] });
    expect(patched.active).toBe(true);
    const cs: any = await client.capabilityStatement();
    expect(cs.resourceType).toBe('CapabilityStatement');
  });

  it('is refused with 401 without a token', async () => {
    expect(await statusOf(new FhirKitClient({ baseUrl: base }).search({ resourceType: 'Patient' }))).toBe(401);
  });
});

describe('fhirclient (SMART client-js)', () => {
  /** Server-side client-js: client(state) with the token a SMART launch would have produced. */
  function smartClient(accessToken: string, patientId?: string) {
    // client-js keeps its state in request.session (express-session in a real app).
    const req = Object.assign(new IncomingMessage(new Socket()), { session: {} });
    const res = new ServerResponse(req);
    return smart(req, res).client({ serverUrl: base, tokenResponse: { access_token: accessToken, ...(patientId ? { patient: patientId } : {}) } });
  }

  it('reads and searches with a bearer token, following every page', async () => {
    const created = await create(t, patient('Smartclient', { gender: 'other' }));
    for (let i = 0; i < 4; i++) await create(t, patient('Smartclient'));
    const client = smartClient(token);
    const read: any = await client.request(`Patient/${created.id}`);
    expect(read.id).toBe(created.id);
    expect(read.gender).toBe('other');
    const first: any = await client.request('Patient?family=smartclient');
    expect(first.resourceType).toBe('Bundle');
    expect(first.total).toBe(5);
    const all: any[] = await client.request('Patient?family=smartclient&_count=2', { pageLimit: 0, flat: true });
    expect(all).toHaveLength(5);
    expect(new Set(all.map((r) => r.id)).size).toBe(5);
  });

  it('uses the launch context patient with a patient/ token, and sees nothing else', async () => {
    const mine = await create(t, patient('Smartmine'));
    const theirs = await create(t, patient('Smarttheirs'));
    await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'smart-mine' }, subject: { reference: `Patient/${mine.id}` } });
    await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'smart-theirs' }, subject: { reference: `Patient/${theirs.id}` } });
    const client = smartClient(await t.token('patient/*.rs', { patient: mine.id }), mine.id);
    expect(client.getPatientId()).toBe(mine.id);
    const me: any = await client.patient.read();
    expect(me.id).toBe(mine.id);
    const observations: any = await client.request('Observation');
    expect(observations.total).toBe(1);
    expect(observations.entry[0].resource.code.text).toBe('smart-mine');
    expect(await statusOf(client.request(`Patient/${theirs.id}`))).toBe(404);
  });

  it('surfaces a 401 for a bad token', async () => {
    expect(await statusOf(smartClient('not-a-token').request('Patient'))).toBe(401);
  });
});
