// _include, _revinclude and their :iterate forms over HTTP: included resources are marked
// search.mode=include, appear once, and never count in the total.
// See: https://hl7.org/fhir/R4/search.html#include
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, entryKeys, expectOutcome, matchIds, patient } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let org: { id: string };
let gp: { id: string };
let pat: { id: string };
let other: { id: string };
let enc: { id: string };
let obs1: { id: string };
let obs2: { id: string };

beforeAll(async () => {
  t = await startTestPlatform();
  org = await create(t, { resourceType: 'Organization', name: 'Leeds Teaching Hospitals' });
  gp = await create(t, { resourceType: 'Practitioner', name: [{ family: 'Okafor' }] });
  pat = await create(t, patient('Included', { managingOrganization: { reference: `Organization/${org.id}` }, generalPractitioner: [{ reference: `Practitioner/${gp.id}` }] }));
  other = await create(t, patient('Unrelated'));
  enc = await create(t, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${pat.id}` } });
  obs1 = await create(t, {
    resourceType: 'Observation', status: 'final', code: { text: 'inc-a' }, subject: { reference: `Patient/${pat.id}` },
    performer: [{ reference: `Practitioner/${gp.id}` }], encounter: { reference: `Encounter/${enc.id}` },
  });
  obs2 = await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'inc-b' }, subject: { reference: `Patient/${pat.id}` } });
});
afterAll(async () => {
  await t?.close();
});

const OBS = () => `_id=${obs1.id},${obs2.id}`;

describe('_include', () => {
  it('adds referenced resources once, as search.mode=include, outside the total', async () => {
    const res = await t.request('GET', `/fhir/Observation?${OBS()}&_include=Observation:subject&_include=Observation:performer`);
    expect(res.body.total).toBe(2);
    expect(matchIds(res).sort()).toEqual([obs1.id, obs2.id].sort());
    expect(entryKeys(res, 'include').sort()).toEqual([`Patient/${pat.id}`, `Practitioner/${gp.id}`].sort());
  });

  it('restricts by target type', async () => {
    const res = await t.request('GET', `/fhir/Observation?${OBS()}&_include=Observation:performer:Organization`);
    expect(entryKeys(res, 'include')).toEqual([]);
    const patients = await t.request('GET', `/fhir/Observation?${OBS()}&_include=Observation:subject:Patient`);
    expect(entryKeys(patients, 'include')).toEqual([`Patient/${pat.id}`]);
  });

  it('Observation:* includes every reference', async () => {
    const res = await t.request('GET', `/fhir/Observation?_id=${obs1.id}&_include=Observation:*`);
    expect(entryKeys(res, 'include').sort()).toEqual([`Encounter/${enc.id}`, `Patient/${pat.id}`, `Practitioner/${gp.id}`].sort());
  });

  it('without :iterate, includes are not followed from included resources', async () => {
    const res = await t.request('GET', `/fhir/Observation?_id=${obs1.id}&_include=Observation:subject&_include=Patient:organization`);
    expect(entryKeys(res, 'include')).toEqual([`Patient/${pat.id}`]);
  });

  it('_include:iterate follows references from included resources', async () => {
    const res = await t.request('GET', `/fhir/Observation?_id=${obs1.id}&_include=Observation:subject&_include:iterate=Patient:organization&_include:iterate=Patient:general-practitioner`);
    expect(entryKeys(res, 'include').sort()).toEqual([`Organization/${org.id}`, `Patient/${pat.id}`, `Practitioner/${gp.id}`].sort());
  });

  it('refuses a malformed or unknown include with 400', async () => {
    expectOutcome(await t.request('GET', '/fhir/Observation?_include=Observation:nonsense'), 400, { expression: '_include' });
    expectOutcome(await t.request('GET', '/fhir/Observation?_include=Observation:status'), 400, { expression: '_include' });
    expectOutcome(await t.request('GET', '/fhir/Observation?_include=Nonsense:subject'), 400, { expression: '_include' });
    expectOutcome(await t.request('GET', '/fhir/Observation?_include=subject'), 400, { expression: '_include' });
  });

  it('leaves out included resources that were deleted', async () => {
    const gone = await create(t, patient('Short-lived'));
    const obs = await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'inc-c' }, subject: { reference: `Patient/${gone.id}` } });
    await t.request('DELETE', `/fhir/Patient/${gone.id}`);
    const res = await t.request('GET', `/fhir/Observation?_id=${obs.id}&_include=Observation:subject`);
    expect(matchIds(res)).toEqual([obs.id]);
    expect(entryKeys(res, 'include')).toEqual([]);
  });
});

describe('_revinclude', () => {
  it('adds resources that refer to the matches', async () => {
    const res = await t.request('GET', `/fhir/Patient?_id=${pat.id},${other.id}&_revinclude=Observation:subject`);
    expect(res.body.total).toBe(2);
    expect(entryKeys(res, 'include').sort()).toEqual([`Observation/${obs1.id}`, `Observation/${obs2.id}`].sort());
  });

  it('_revinclude:iterate follows from the revincluded resources', async () => {
    const res = await t.request('GET', `/fhir/Practitioner?_id=${gp.id}&_revinclude=Patient:general-practitioner&_revinclude:iterate=Encounter:subject`);
    expect(entryKeys(res, 'include').sort()).toEqual([`Encounter/${enc.id}`, `Patient/${pat.id}`].sort());
    const once = await t.request('GET', `/fhir/Practitioner?_id=${gp.id}&_revinclude=Patient:general-practitioner&_revinclude=Encounter:subject`);
    expect(entryKeys(once, 'include')).toEqual([`Patient/${pat.id}`]);
  });

  it('combines _include and _revinclude without repeating a resource', async () => {
    const res = await t.request('GET', `/fhir/Encounter?_id=${enc.id}&_include=Encounter:subject&_revinclude=Observation:encounter&_include:iterate=Observation:subject`);
    const included = entryKeys(res, 'include');
    expect(included.sort()).toEqual([`Observation/${obs1.id}`, `Patient/${pat.id}`].sort());
    expect(new Set(entryKeys(res)).size).toBe(entryKeys(res).length);
  });
});
