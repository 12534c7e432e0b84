// batch and transaction Bundles over HTTP: urn:uuid and conditional references, all-or-nothing,
// conditional create, the processing order the spec fixes, and per-entry outcomes in a batch.
// See: https://hl7.org/fhir/R4/http.html#transaction
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, FHIR_BASE, patient, TEST_ID_SYSTEM, unique } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const bundle = (type: 'batch' | 'transaction', entry: unknown[]) => ({ resourceType: 'Bundle', type, entry });
const post = (resource: Record<string, unknown>, fullUrl?: string, ifNoneExist?: string) => ({
  ...(fullUrl ? { fullUrl } : {}),
  resource,
  request: { method: 'POST', url: resource.resourceType, ...(ifNoneExist ? { ifNoneExist } : {}) },
});
const observation = (subject: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation', status: 'final', code: { text: 'tx' }, subject: { reference: subject }, ...extra,
});

async function count(query: string): Promise<number> {
  const res = await t.request('GET', `${query}${query.includes('?') ? '&' : '?'}_total=accurate&_count=0`);
  expect(res.status).toBe(200);
  return res.body.total;
}

describe('transaction', () => {
  it('resolves urn:uuid references, wherever they appear, to the new ids', async () => {
    const p = `urn:uuid:${crypto.randomUUID()}`;
    const pr = `urn:uuid:${crypto.randomUUID()}`;
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        post(observation(p, { performer: [{ reference: pr }], extension: [{ url: 'http://example.org/ext', valueReference: { reference: p } }] })),
        post(patient('Tx'), p),
        post({ resourceType: 'Practitioner', name: [{ family: 'TxDoc' }] }, pr),
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [obs, pat, doc] = res.body.entry;
    expect(res.body.entry.map((e: any) => e.response.status)).toEqual(['201', '201', '201']);
    expect(pat.resource.resourceType).toBe('Patient');
    expect(pat.response.location).toBe(`${FHIR_BASE}/Patient/${pat.resource.id}/_history/1`);
    expect(pat.response.etag).toBe('W/"1"');
    expect(obs.resource.subject.reference).toBe(`Patient/${pat.resource.id}`);
    expect(obs.resource.performer[0].reference).toBe(`Practitioner/${doc.resource.id}`);
    expect(obs.resource.extension[0].valueReference.reference).toBe(`Patient/${pat.resource.id}`);
    const stored = await t.request('GET', `/fhir/Observation?subject=Patient/${pat.resource.id}`);
    expect(stored.body.total).toBe(1);
  });

  it('refuses a urn:uuid reference that no entry defines, naming the entry', async () => {
    const res = await t.request('POST', '/fhir', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:5d1e7c1a-0000-4000-8000-000000000001', resource: patient('Dangling'), request: { method: 'POST', url: 'Patient' } },
          {
            resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:5d1e7c1a-0000-4000-8000-00000000ffff' } },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
    });
    const outcome = expectOutcome(res, 400);
    expect(outcome.issue[0].expression[0]).toBe('Bundle.entry[1]');
    expect((await t.request('GET', '/fhir/Patient?family=dangling')).body.total).toBe(0);
  });

  it('is all-or-nothing: one invalid entry rolls back the rest and is named in the error', async () => {
    const value = unique('atomic');
    const existing = await create(t, patient('Atomic'));
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        post(patient('Atomic', { identifier: [{ system: TEST_ID_SYSTEM, value }] })),
        { resource: { ...existing, gender: 'female' }, request: { method: 'PUT', url: `Patient/${existing.id}` } },
        post({ resourceType: 'Observation', code: { text: 'no status' } }),
      ]),
    });
    const outcome = expectOutcome(res, 400);
    expect(JSON.stringify(outcome)).toContain('Bundle.entry[2]');
    expect(await count(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`)).toBe(0);
    const after = await t.request('GET', `/fhir/Patient/${existing.id}`);
    expect(after.body.meta.versionId).toBe('1');
    expect(after.body.gender).toBeUndefined();
  });

  it('rolls back when a later entry fails a precondition (If-Match), naming that entry', async () => {
    const value = unique('atomic412');
    const existing = await create(t, patient('Stale'));
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        post(patient('Fresh', { identifier: [{ system: TEST_ID_SYSTEM, value }] })),
        { resource: { ...existing, active: true }, request: { method: 'PUT', url: `Patient/${existing.id}`, ifMatch: 'W/"7"' } },
      ]),
    });
    expect(JSON.stringify(expectOutcome(res, 412))).toContain('Bundle.entry[1]');
    expect(await count(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`)).toBe(0);
  });

  it('conditional create (ifNoneExist) reuses a match, and urn:uuid references point at it', async () => {
    const value = unique('txcond');
    const existing = await create(t, patient('Existing', { identifier: [{ system: TEST_ID_SYSTEM, value }] }));
    const p = `urn:uuid:${crypto.randomUUID()}`;
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        post(patient('Duplicate', { identifier: [{ system: TEST_ID_SYSTEM, value }] }), p, `identifier=${TEST_ID_SYSTEM}|${value}`),
        post(observation(p)),
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('200');
    expect(res.body.entry[0].response.location).toMatch(new RegExp(`Patient/${existing.id}/_history/1$`));
    expect(res.body.entry[1].resource.subject.reference).toBe(`Patient/${existing.id}`);
    expect(await count(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`)).toBe(1);
  });

  it('resolves conditional references (Patient?identifier=…), failing when none or several match', async () => {
    const value = unique('condref');
    const target = await create(t, patient('Target', { identifier: [{ system: TEST_ID_SYSTEM, value }] }));
    const ok = await t.request('POST', '/fhir', { body: bundle('transaction', [post(observation(`Patient?identifier=${TEST_ID_SYSTEM}|${value}`))]) });
    expect(ok.status).toBe(200);
    expect(ok.body.entry[0].resource.subject.reference).toBe(`Patient/${target.id}`);

    const none = await t.request('POST', '/fhir', { body: bundle('transaction', [post(observation(`Patient?identifier=${TEST_ID_SYSTEM}|nobody-${value}`))]) });
    expect(none.status).toBeGreaterThanOrEqual(400);
    expectOutcome(none, none.status);

    await create(t, patient('Target twin', { identifier: [{ system: TEST_ID_SYSTEM, value }] }));
    const several = await t.request('POST', '/fhir', { body: bundle('transaction', [post(observation(`Patient?identifier=${TEST_ID_SYSTEM}|${value}`))]) });
    expectOutcome(several, 412);
    expect(await count(`/fhir/Observation?subject=Patient/${target.id}`)).toBe(1);
  });

  it('a conditional update\'s fullUrl resolves to the resource it creates or updates', async () => {
    const value = unique('cufull');
    const search = `Patient?identifier=${TEST_ID_SYSTEM}|${value}`;
    const entries = (p: string) => [
      { fullUrl: p, resource: patient('CondUpdate', { identifier: [{ system: TEST_ID_SYSTEM, value }] }), request: { method: 'PUT', url: search } },
      post(observation(p)),
    ];
    const first = await t.request('POST', '/fhir', { body: bundle('transaction', entries(`urn:uuid:${crypto.randomUUID()}`)) });
    expect(first.status).toBe(200);
    expect(first.body.entry[0].response.status).toBe('201');
    const id = first.body.entry[0].resource.id;
    expect(first.body.entry[1].resource.subject.reference).toBe(`Patient/${id}`);
    const second = await t.request('POST', '/fhir', { body: bundle('transaction', entries(`urn:uuid:${crypto.randomUUID()}`)) });
    expect(second.body.entry[0].response.status).toBe('200');
    expect(second.body.entry[0].resource.id).toBe(id);
    expect(second.body.entry[1].resource.subject.reference).toBe(`Patient/${id}`);
    expect(await count(`/fhir/Observation?subject=Patient/${id}`)).toBe(2);
  });

  it('refuses a transaction that writes the same resource twice, or repeats a fullUrl (400)', async () => {
    const target = await create(t, patient('Twice'));
    const twice = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        { resource: { ...target, gender: 'male' }, request: { method: 'PUT', url: `Patient/${target.id}` } },
        { resource: { ...target, gender: 'female' }, request: { method: 'PUT', url: `Patient/${target.id}` } },
      ]),
    });
    expect(JSON.stringify(expectOutcome(twice, 400))).toContain('Bundle.entry[1]');
    const deleteAndPut = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        { request: { method: 'DELETE', url: `Patient/${target.id}` } },
        { resource: { ...target, gender: 'female' }, request: { method: 'PUT', url: `Patient/${target.id}` } },
      ]),
    });
    expectOutcome(deleteAndPut, 400);
    expect((await t.request('GET', `/fhir/Patient/${target.id}`)).body.meta.versionId).toBe('1');
    const p = `urn:uuid:${crypto.randomUUID()}`;
    const sameFullUrl = await t.request('POST', '/fhir', { body: bundle('transaction', [post(patient('One'), p), post(patient('Two'), p)]) });
    expect(JSON.stringify(expectOutcome(sameFullUrl, 400))).toContain('Bundle.entry[1]');
  });

  it('names the entry a token may not write (403)', async () => {
    const token = await t.token('system/Patient.c');
    const res = await t.request('POST', '/fhir', { token, body: bundle('transaction', [post(patient('Allowed')), post(observation('Patient/x'))]) });
    expect(JSON.stringify(expectOutcome(res, 403))).toContain('Bundle.entry[1]');
  });

  it('processes DELETE, then POST, then PUT, then GET, and answers in request order', async () => {
    const value = unique('order');
    const toDelete = await create(t, patient('ToDelete', { identifier: [{ system: TEST_ID_SYSTEM, value }] }));
    const toUpdate = await create(t, patient('ToUpdate'));
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        { request: { method: 'GET', url: `Patient/${toUpdate.id}` } },
        { resource: { ...toUpdate, gender: 'female' }, request: { method: 'PUT', url: `Patient/${toUpdate.id}` } },
        // The DELETE runs first, so this conditional create finds nothing and creates.
        post(patient('Replacement', { identifier: [{ system: TEST_ID_SYSTEM, value }] }), undefined, `identifier=${TEST_ID_SYSTEM}|${value}`),
        { request: { method: 'DELETE', url: `Patient/${toDelete.id}` } },
      ]),
    });
    expect(res.status).toBe(200);
    const [get, put, created, del] = res.body.entry;
    expect(get.response.status).toBe('200');
    expect(get.resource.gender).toBe('female');
    expect(get.resource.meta.versionId).toBe('2');
    expect(put.response.status).toBe('200');
    expect(created.response.status).toBe('201');
    expect(created.resource.id).not.toBe(toDelete.id);
    expect(['200', '204']).toContain(del.response.status);
    expect((await t.request('GET', `/fhir/Patient/${toDelete.id}`)).status).toBe(410);
    expect(await count(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`)).toBe(1);
  });

  it('applies a JSON Patch carried as a Binary', async () => {
    const target = await create(t, patient('Patched'));
    const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/active', value: true }])).toString('base64');
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [
        { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch }, request: { method: 'PATCH', url: `Patient/${target.id}` } },
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].resource.active).toBe(true);
    expect((await t.request('GET', `/fhir/Patient/${target.id}`)).body.meta.versionId).toBe('2');
  });

  it('honours Prefer: return=minimal for the entries', async () => {
    const res = await t.request('POST', '/fhir', { body: bundle('transaction', [post(patient('Minimal'))]), headers: { prefer: 'return=minimal' } });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].resource).toBeUndefined();
    expect(res.body.entry[0].response.status).toBe('201');
    expect(res.body.entry[0].response.location).toMatch(/\/Patient\/[^/]+\/_history\/1$/);
  });

  it('refuses an entry whose request.url does not match its resource type (400, entry named)', async () => {
    const res = await t.request('POST', '/fhir', {
      body: bundle('transaction', [post(patient('Fine')), { resource: patient('Wrong'), request: { method: 'POST', url: 'Observation' } }]),
    });
    expect(JSON.stringify(expectOutcome(res, 400))).toContain('Bundle.entry[1]');
  });
});

describe('batch', () => {
  it('returns an outcome per entry; failures do not undo the others', async () => {
    const value = unique('batch');
    const res = await t.request('POST', '/fhir', {
      body: bundle('batch', [
        post(patient('Batch ok', { identifier: [{ system: TEST_ID_SYSTEM, value }] })),
        post({ resourceType: 'Observation', code: { text: 'no status' } }),
        { request: { method: 'GET', url: 'Patient/not-there' } },
        { request: { method: 'GET', url: `Patient?identifier=${TEST_ID_SYSTEM}|${value}` } },
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    const [ok, invalid, missing, search] = res.body.entry;
    expect(ok.response.status).toBe('201');
    expect(invalid.response.status).toBe('400');
    expect(invalid.response.outcome.resourceType).toBe('OperationOutcome');
    expect(missing.response.status).toBe('404');
    expect(missing.response.outcome.resourceType).toBe('OperationOutcome');
    expect(search.response.status).toBe('200');
    expect(search.resource.resourceType).toBe('Bundle');
    expect(await count(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|${value}`)).toBe(1);
  });
});

describe('malformed bundles', () => {
  it('refuses other Bundle types, entries without request, and non-Bundles with 400', async () => {
    expectOutcome(await t.request('POST', '/fhir', { body: { resourceType: 'Bundle', type: 'collection', entry: [] } }), 400);
    expectOutcome(await t.request('POST', '/fhir', { body: bundle('transaction', [{ resource: patient('No request') }]) }), 400);
    expectOutcome(await t.request('POST', '/fhir', { body: bundle('transaction', [{ request: { method: 'POST', url: 'Patient' } }]) }), 400);
    expectOutcome(await t.request('POST', '/fhir', { body: patient('Not a bundle') }), 400);
  });
});
