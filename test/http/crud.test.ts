// create, read, vread, update, delete, history and JSON Patch over HTTP, with the headers and
// preconditions clients rely on. See: https://hl7.org/fhir/R4/http.html
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, FHIR_BASE, linkOf, patient, unique } from '../support/fhir-fixtures.ts';
import { buildHttpServer } from '../../src/server/http/http-server.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
const RFC_1123 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe('create', () => {
  it('answers 201 with Location, ETag, Last-Modified and the stored resource', async () => {
    const res = await t.request('POST', '/fhir/Patient', { body: patient('Create') });
    expect(res.status).toBe(201);
    expect(String(res.headers['content-type'])).toMatch(/^application\/fhir\+json/);
    const { id, meta } = res.body;
    expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(meta.versionId).toBe('1');
    expect(res.headers.location).toBe(`${FHIR_BASE}/Patient/${id}/_history/1`);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers['last-modified']).toMatch(RFC_1123);
    expect(Date.parse(String(res.headers['last-modified']))).toBe(Math.floor(Date.parse(meta.lastUpdated) / 1000) * 1000);
  });

  it('ignores a client-sent id, meta.versionId and meta.lastUpdated', async () => {
    const res = await t.request('POST', '/fhir/Patient', {
      body: patient('Ignored', { id: 'client-chosen', meta: { versionId: '42', lastUpdated: '2001-01-01T00:00:00Z', tag: [{ code: 'kept' }] } }),
    });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('client-chosen');
    expect(res.body.meta.versionId).toBe('1');
    expect(res.body.meta.lastUpdated).not.toBe('2001-01-01T00:00:00Z');
    expect(Date.now() - Date.parse(res.body.meta.lastUpdated)).toBeLessThan(60_000);
    expect(res.body.meta.tag).toEqual([{ code: 'kept' }]);
    expect((await t.request('GET', '/fhir/Patient/client-chosen')).status).toBe(404);
  });

  it('refuses a body of another type than the URL names', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } }), 400);
  });
});

describe('read and vread', () => {
  it('reads the current version with ETag and Last-Modified', async () => {
    const created = await create(t, patient('Read'));
    const res = await t.request('GET', `/fhir/Patient/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers['last-modified']).toMatch(RFC_1123);
  });

  it('answers 304 to If-None-Match with the current ETag, 200 with an old one', async () => {
    const created = await create(t, patient('Conditional Read'));
    expect((await t.request('GET', `/fhir/Patient/${created.id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(304);
    expect((await t.request('GET', `/fhir/Patient/${created.id}`, { headers: { 'if-none-match': 'W/"0"' } })).status).toBe(200);
    for (const tag of ['"1"', '*', 'W/"7", W/"1"']) {
      expect((await t.request('GET', `/fhir/Patient/${created.id}`, { headers: { 'if-none-match': tag } })).status, tag).toBe(304);
    }
    const metadata = await t.request('GET', '/fhir/metadata', { token: null });
    expect(metadata.body.rest[0].resource.find((r: any) => r.type === 'Patient').conditionalRead).toBe('not-match');
  });

  it('applies _summary and _elements to reads, marking the result SUBSETTED', async () => {
    const created = await create(t, patient('Summary', { gender: 'female', maritalStatus: { text: 'Married' }, birthDate: '1950-02-03' }));
    const summary = await t.request('GET', `/fhir/Patient/${created.id}?_summary=true`);
    expect(summary.body.birthDate).toBe('1950-02-03');
    expect(summary.body.maritalStatus).toBeUndefined();
    expect(summary.body.meta.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const elements = await t.request('GET', `/fhir/Patient/${created.id}/_history/1?_elements=gender`);
    expect([elements.body.gender, elements.body.birthDate, elements.body.name]).toEqual(['female', undefined, undefined]);
    expectOutcome(await t.request('GET', `/fhir/Patient/${created.id}?_summary=everything`), 400);
  });

  it('tells browsers and proxies not to keep or sniff responses', async () => {
    const created = await create(t, patient('NoStore'));
    for (const res of [await t.request('GET', `/fhir/Patient/${created.id}`), await t.request('GET', '/fhir/Patient/unknown-id')]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('answers 404 with an OperationOutcome for an unknown id', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient/does-not-exist'), 404, { code: 'not-found' });
  });

  it('vreads each version, and 404 for a version that never existed', async () => {
    const created = await create(t, patient('Versions'));
    const put = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, gender: 'female' } });
    expect(put.status).toBe(200);
    const v1 = await t.request('GET', `/fhir/Patient/${created.id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.gender).toBeUndefined();
    expect(v1.body.meta.versionId).toBe('1');
    expect(v1.headers.etag).toBe('W/"1"');
    const v2 = await t.request('GET', `/fhir/Patient/${created.id}/_history/2`);
    expect(v2.body.gender).toBe('female');
    expect(v2.headers.etag).toBe('W/"2"');
    expectOutcome(await t.request('GET', `/fhir/Patient/${created.id}/_history/3`), 404);
    expectOutcome(await t.request('GET', `/fhir/Patient/${created.id}/_history/x`), 404);
  });
});

describe('update', () => {
  it('creates a new version; If-Match with the current version succeeds, a stale one is 412', async () => {
    const created = await create(t, patient('Update'));
    const ok = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, gender: 'male' }, headers: { 'if-match': 'W/"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.body.meta.versionId).toBe('2');
    expect(ok.headers.etag).toBe('W/"2"');
    expect(ok.headers['last-modified']).toMatch(RFC_1123);
    const stale = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, gender: 'female' }, headers: { 'if-match': 'W/"1"' } });
    expectOutcome(stale, 412);
    expect((await t.request('GET', `/fhir/Patient/${created.id}`)).body.gender).toBe('male');
  });

  it('accepts a strong ETag in If-Match and refuses a malformed one with 400', async () => {
    const created = await create(t, patient('Strong'));
    expect((await t.request('PUT', `/fhir/Patient/${created.id}`, { body: created, headers: { 'if-match': '"1"' } })).status).toBe(200);
    expectOutcome(await t.request('PUT', `/fhir/Patient/${created.id}`, { body: created, headers: { 'if-match': '2' } }), 400);
  });

  it('ignores client-sent meta.versionId and meta.lastUpdated', async () => {
    const created = await create(t, patient('Meta'));
    const res = await t.request('PUT', `/fhir/Patient/${created.id}`, {
      body: { ...created, meta: { versionId: '17', lastUpdated: '1999-12-31T23:59:59Z' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(Date.parse(res.body.meta.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(created.meta.lastUpdated));
  });

  it('refuses a body whose id differs from the URL, or has no id (400)', async () => {
    const created = await create(t, patient('Mismatch'));
    expectOutcome(await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, id: 'other' } }), 400, { expression: 'Patient.id' });
    const { id: _id, ...withoutId } = created;
    expectOutcome(await t.request('PUT', `/fhir/Patient/${created.id}`, { body: withoutId }), 400);
    expect((await t.request('GET', `/fhir/Patient/${created.id}`)).body.meta.versionId).toBe('1');
  });

  it('does not create on PUT to an unknown id (update-as-create is off by default)', async () => {
    const id = unique('nocreate');
    const res = await t.request('PUT', `/fhir/Patient/${id}`, { body: patient('Nobody', { id }) });
    // R4 http.html#update: 405 when the server does not allow client defined ids.
    expectOutcome(res, 405);
    expect((await t.request('GET', `/fhir/Patient/${id}`)).status).toBe(404);
    const metadata = await t.request('GET', '/fhir/metadata', { token: null });
    const patientEntry = metadata.body.rest[0].resource.find((r: any) => r.type === 'Patient');
    expect(patientEntry.updateCreate).toBe(false);
  });

  it('creates on PUT to an unknown id when update-as-create is switched on, and says so in metadata', async () => {
    const platform = { ...t.platform, fhir: { ...t.platform.fhir, settings: { ...t.platform.fhir.settings, allowUpdateCreate: true } } };
    const app = await buildHttpServer(platform);
    try {
      const headers = { authorization: `Bearer ${await t.token()}`, 'content-type': 'application/fhir+json' };
      const id = unique('uc');
      const put = await app.inject({ method: 'PUT', url: `/fhir/Patient/${id}`, headers, payload: JSON.stringify(patient('Chosen', { id })) });
      expect(put.statusCode).toBe(201);
      expect(put.headers.location).toBe(`${FHIR_BASE}/Patient/${id}/_history/1`);
      const metadata = JSON.parse((await app.inject({ method: 'GET', url: '/fhir/metadata' })).body);
      expect(metadata.rest[0].resource.find((r: any) => r.type === 'Patient').updateCreate).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('honours Prefer: return=minimal, return=OperationOutcome and return=representation', async () => {
    const created = await create(t, patient('Prefer'));
    const minimal = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: created, headers: { prefer: 'return=minimal' } });
    expect(minimal.status).toBe(200);
    expect(minimal.text).toBe('');
    expect(minimal.headers.etag).toBe('W/"2"');
    const outcome = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: created, headers: { prefer: 'return=OperationOutcome' } });
    expect(outcome.status).toBe(200);
    expect(outcome.body.resourceType).toBe('OperationOutcome');
    expect(outcome.headers.etag).toBe('W/"3"');
    const full = await t.request('PUT', `/fhir/Patient/${created.id}`, { body: created, headers: { prefer: 'return=representation' } });
    expect(full.body.resourceType).toBe('Patient');
    expect(full.body.meta.versionId).toBe('4');
    const createdMinimal = await t.request('POST', '/fhir/Patient', { body: patient('Minimal'), headers: { prefer: 'return=minimal' } });
    expect(createdMinimal.status).toBe(201);
    expect(createdMinimal.text).toBe('');
    expect(createdMinimal.headers.location).toMatch(new RegExp(`^${FHIR_BASE}/Patient/[^/]+/_history/1$`));
  });
});

describe('delete', () => {
  it('deletes; read answers 410 Gone, older versions stay readable, history records the DELETE', async () => {
    const created = await create(t, patient('Delete'));
    const del = await t.request('DELETE', `/fhir/Patient/${created.id}`);
    expect([200, 204]).toContain(del.status);
    expectOutcome(await t.request('GET', `/fhir/Patient/${created.id}`), 410);
    expect((await t.request('GET', `/fhir/Patient/${created.id}/_history/1`)).status).toBe(200);
    expectOutcome(await t.request('GET', `/fhir/Patient/${created.id}/_history/2`), 410);
    const search = await t.request('GET', `/fhir/Patient?_id=${created.id}`);
    expect(search.body.total).toBe(0);
    // Deleting again is not an error (idempotent).
    expect([200, 204]).toContain((await t.request('DELETE', `/fhir/Patient/${created.id}`)).status);
    const history = await t.request('GET', `/fhir/Patient/${created.id}/_history`);
    expect(history.body.entry.map((e: any) => e.request.method)).toEqual(['DELETE', 'POST']);
  });

  it('answers 404 for an unknown id', async () => {
    expectOutcome(await t.request('DELETE', '/fhir/Patient/never-existed'), 404);
  });
});

describe('history', () => {
  it('instance history lists every version newest first with methods, statuses and ETags', async () => {
    const created = await create(t, patient('History'));
    await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, gender: 'other' } });
    await t.request('DELETE', `/fhir/Patient/${created.id}`);
    const res = await t.request('GET', `/fhir/Patient/${created.id}/_history`);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    const entries = res.body.entry;
    expect(entries.map((e: any) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
    expect(entries.map((e: any) => e.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
    expect(entries.map((e: any) => e.request.url)).toEqual([`Patient/${created.id}`, `Patient/${created.id}`, 'Patient']);
    expect(entries[0].resource).toBeUndefined();
    expect(entries[1].resource.gender).toBe('other');
    expect(entries[2].resource.meta.versionId).toBe('1');
    for (const e of entries) expect(e.fullUrl).toBe(`${FHIR_BASE}/Patient/${created.id}`);
  });

  it('type history includes versions of several resources of that type only', async () => {
    const a = await create(t, { resourceType: 'Organization', name: unique('OrgA') });
    const b = await create(t, { resourceType: 'Organization', name: unique('OrgB') });
    await t.request('PUT', `/fhir/Organization/${a.id}`, { body: { ...a, active: true } });
    const res = await t.request('GET', '/fhir/Organization/_history');
    expect(res.status).toBe(200);
    const keys = res.body.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}/${e.resource.meta.versionId}`);
    expect(keys.slice(0, 3)).toEqual([`Organization/${a.id}/2`, `Organization/${b.id}/1`, `Organization/${a.id}/1`]);
    expect(res.body.entry.every((e: any) => e.resource.resourceType === 'Organization')).toBe(true);
  });

  it('pages history with _count and a next link that does not repeat entries', async () => {
    const created = await create(t, patient('Paged History'));
    for (let i = 0; i < 4; i++) await t.request('PUT', `/fhir/Patient/${created.id}`, { body: { ...created, birthDate: `200${i}-01-01` } });
    const seen: string[] = [];
    let url: string | undefined = `/fhir/Patient/${created.id}/_history?_count=2`;
    while (url) {
      const page = await t.request('GET', url);
      expect(page.status).toBe(200);
      expect(page.body.entry.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.entry.map((e: any) => e.resource.meta.versionId));
      url = linkOf(page, 'next');
    }
    expect(seen).toEqual(['5', '4', '3', '2', '1']);
  });

  it('_since limits history to versions stored at or after the instant', async () => {
    const older = await create(t, { resourceType: 'Location', name: 'Older' });
    await new Promise((r) => setTimeout(r, 20));
    const newer = await create(t, { resourceType: 'Location', name: 'Newer' });
    const res = await t.request('GET', `/fhir/Location/_history?_since=${encodeURIComponent(newer.meta.lastUpdated)}`);
    const ids = res.body.entry.map((e: any) => e.resource.id);
    expect(ids).toContain(newer.id);
    expect(ids).not.toContain(older.id);
    expectOutcome(await t.request('GET', '/fhir/Location/_history?_since=last-week'), 400);
  });

  it('refuses unknown history parameters with 400', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient/_history?name=x'), 400);
  });

  it('answers 404 for the history of an unknown resource', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient/nobody-here/_history'), 404);
  });
});

describe('patch (JSON Patch)', () => {
  it('applies a JSON Patch and returns the new version', async () => {
    const created = await create(t, patient('Patch', { gender: 'male' }));
    const res = await t.request('PATCH', `/fhir/Patient/${created.id}`, {
      body: [
        { op: 'test', path: '/gender', value: 'male' },
        { op: 'replace', path: '/gender', value: 'female' },
        { op: 'add', path: '/birthDate', value: '1980-02-03' },
      ],
      headers: JSON_PATCH,
    });
    expect(res.status).toBe(200);
    expect(res.body.gender).toBe('female');
    expect(res.body.birthDate).toBe('1980-02-03');
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.etag).toBe('W/"2"');
  });

  it('answers 412 or 422 when a test operation fails, and changes nothing', async () => {
    const created = await create(t, patient('PatchTest', { gender: 'male' }));
    const res = await t.request('PATCH', `/fhir/Patient/${created.id}`, {
      body: [{ op: 'test', path: '/gender', value: 'female' }, { op: 'replace', path: '/gender', value: 'other' }],
      headers: JSON_PATCH,
    });
    expectOutcome(res, res.status === 422 ? 422 : 412);
    const after = await t.request('GET', `/fhir/Patient/${created.id}`);
    expect(after.body.gender).toBe('male');
    expect(after.body.meta.versionId).toBe('1');
  });

  it('answers 400 for an invalid patch document', async () => {
    const created = await create(t, patient('PatchInvalid'));
    const url = `/fhir/Patient/${created.id}`;
    expectOutcome(await t.request('PATCH', url, { body: [{ op: 'frobnicate', path: '/gender' }], headers: JSON_PATCH }), 400);
    expectOutcome(await t.request('PATCH', url, { body: [{ op: 'remove', path: '/telecom/7' }], headers: JSON_PATCH }), 400);
    expectOutcome(await t.request('PATCH', url, { body: { op: 'replace', path: '/gender', value: 'male' }, headers: JSON_PATCH }), 400);
    expectOutcome(await t.request('PATCH', url, { body: [{ op: 'replace', path: '/id', value: 'elsewhere' }], headers: JSON_PATCH }), 400);
    // The patched result is validated like any update.
    expectOutcome(await t.request('PATCH', url, { body: [{ op: 'add', path: '/gender', value: 42 }], headers: JSON_PATCH }), 400);
    expect((await t.request('GET', url)).body.meta.versionId).toBe('1');
  });

  it('honours If-Match on PATCH', async () => {
    const created = await create(t, patient('PatchMatch'));
    const body = [{ op: 'add', path: '/active', value: true }];
    expectOutcome(await t.request('PATCH', `/fhir/Patient/${created.id}`, { body, headers: { ...JSON_PATCH, 'if-match': 'W/"9"' } }), 412);
    expect((await t.request('PATCH', `/fhir/Patient/${created.id}`, { body, headers: { ...JSON_PATCH, 'if-match': 'W/"1"' } })).status).toBe(200);
  });

  it('answers 404 when patching an unknown resource', async () => {
    expectOutcome(await t.request('PATCH', '/fhir/Patient/not-there', { body: [{ op: 'add', path: '/active', value: true }], headers: JSON_PATCH }), 404);
  });
});
