// Clients nobody here wrote, against a real listening server: fhir-kit-client (Vermonster) and
// MedplumClient from @medplum/core (Medplum's own TypeScript client).
import { Client as FhirKitClient } from 'fhir-kit-client';
import { MedplumClient } from '@medplum/core';
import type { Patient } from '@medplum/fhirtypes';
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

describe('MedplumClient (@medplum/core)', () => {
  /** Medplum's TypeScript client, pointed at sharedcare with a token sharedcare issued. */
  function medplum(accessToken: string) {
    const client = new MedplumClient({ baseUrl: `${base.replace(/\/fhir$/, '')}/`, fhirUrlPath: 'fhir', fetch: globalThis.fetch, cacheTime: 0 });
    client.setAccessToken(accessToken);
    return client;
  }

  it('creates, reads and searches every page with a bearer token', async () => {
    const client = medplum(token);
    const created = await client.createResource(patient('Medplumclient', { gender: 'other' }) as Patient);
    for (let i = 0; i < 4; i++) await client.createResource(patient('Medplumclient') as Patient);
    const read = await client.readResource('Patient', created.id!);
    expect([read.id, read.gender]).toEqual([created.id, 'other']);
    const bundle = await client.search('Patient', 'family=medplumclient&_count=2');
    expect([bundle.total, bundle.entry?.length]).toEqual([5, 2]);
    const all: Patient[] = [];
    for await (const page of client.searchResourcePages('Patient', 'family=medplumclient&_count=2')) all.push(...page);
    expect(new Set(all.map((r) => r.id)).size).toBe(5);
  });

  it('runs a transaction Bundle and sees only the launch patient with a patient/ token', async () => {
    const result = await medplum(token).executeBatch({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:6f1c0a52-0000-4000-8000-000000000001', resource: patient('Medplummine') as Patient, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'medplum-mine' }, subject: { reference: 'urn:uuid:6f1c0a52-0000-4000-8000-000000000001' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    const mine = result.entry![0]!.resource!.id!;
    const theirs = await create(t, patient('Medplumtheirs'));
    await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'medplum-theirs' }, subject: { reference: `Patient/${theirs.id}` } });
    const client = medplum(await t.token('patient/*.rs', { patient: mine }));
    const observations = await client.searchResources('Observation', 'code:text=medplum');
    expect(observations.map((o) => o.code?.text)).toEqual(['medplum-mine']);
    // MedplumClient rejects with the server's OperationOutcome rather than a status.
    await expect(client.readResource('Patient', theirs.id!)).rejects.toMatchObject({ outcome: { issue: [{ code: 'not-found' }] } });
  });
});
