// Patient/$everything (the compartment plus referenced shared resources, paged, _type) and
// $validate (issues without storing anything).
// See: https://hl7.org/fhir/R4/patient-operation-everything.html and operation-resource-validate.html
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, entryKeys, everyPage, expectOutcome, linkOf, nhsIdentifier, nhsNumber, patient } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let subject: { id: string };
let otherPatient: { id: string };
let org: { id: string };
let doctor: { id: string };
let unreferenced: { id: string };
const compartment: string[] = [];
const othersRecords: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  org = await create(t, { resourceType: 'Organization', name: 'Everything Council' });
  doctor = await create(t, { resourceType: 'Practitioner', name: [{ family: 'Everywhere' }] });
  unreferenced = await create(t, { resourceType: 'Practitioner', name: [{ family: 'Unrelated' }] });
  subject = await create(t, patient('Everything', { managingOrganization: { reference: `Organization/${org.id}` } }));
  otherPatient = await create(t, patient('Elsewhere'));
  compartment.push(`Patient/${subject.id}`);
  for (let i = 0; i < 6; i++) {
    const obs = await create(t, {
      resourceType: 'Observation', status: 'final', code: { text: `everything-${i}` }, subject: { reference: `Patient/${subject.id}` },
      ...(i === 0 ? { performer: [{ reference: `Practitioner/${doctor.id}` }] } : {}),
    });
    compartment.push(`Observation/${obs.id}`);
  }
  const enc = await create(t, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${subject.id}` } });
  const cond = await create(t, { resourceType: 'Condition', subject: { reference: `Patient/${subject.id}` }, code: { text: 'Frailty' } });
  compartment.push(`Encounter/${enc.id}`, `Condition/${cond.id}`);
  const theirs = await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'not yours' }, subject: { reference: `Patient/${otherPatient.id}` } });
  othersRecords.push(`Observation/${theirs.id}`, `Patient/${otherPatient.id}`);
});
afterAll(async () => {
  await t?.close();
});

describe('Patient/$everything', () => {
  it('returns the compartment and the shared resources it references, nothing of other patients', async () => {
    const res = await t.request('GET', `/fhir/Patient/${subject.id}/$everything`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('searchset');
    const keys = entryKeys(res);
    expect(entryKeys(res, 'match').sort()).toEqual([...compartment].sort());
    expect(keys).toEqual(expect.arrayContaining([`Organization/${org.id}`, `Practitioner/${doctor.id}`]));
    expect(keys).not.toContain(`Practitioner/${unreferenced.id}`);
    for (const key of othersRecords) expect(keys).not.toContain(key);
    for (const e of res.body.entry) expect(e.fullUrl).toBe(`http://sharedcare.test/fhir/${e.resource.resourceType}/${e.resource.id}`);
  });

  it('pages with _count and next links, without repeating or losing compartment resources', async () => {
    const first = await t.request('GET', `/fhir/Patient/${subject.id}/$everything?_count=3`);
    expect(entryKeys(first, 'match')).toHaveLength(3);
    expect(linkOf(first, 'next')).toBeDefined();
    const { matches, pages } = await everyPage(t, `/fhir/Patient/${subject.id}/$everything?_count=3`);
    expect(pages).toBe(3);
    expect(new Set(matches).size).toBe(matches.length);
    expect(matches.sort()).toEqual([...compartment].sort());
  });

  it('honours _type, returning only those types', async () => {
    const { matches, includes } = await everyPage(t, `/fhir/Patient/${subject.id}/$everything?_type=Observation,Condition&_count=4`);
    expect(matches.sort()).toEqual(compartment.filter((k) => k.startsWith('Observation/') || k.startsWith('Condition/')).sort());
    for (const key of [...matches, ...includes]) expect(key).toMatch(/^(Observation|Condition)\//);
  });

  it('leaves out deleted resources', async () => {
    const gone = await create(t, { resourceType: 'Observation', status: 'final', code: { text: 'deleted soon' }, subject: { reference: `Patient/${subject.id}` } });
    await t.request('DELETE', `/fhir/Observation/${gone.id}`);
    const { matches } = await everyPage(t, `/fhir/Patient/${subject.id}/$everything`);
    expect(matches).not.toContain(`Observation/${gone.id}`);
  });

  it('answers 404 for an unknown patient and 400 for a bad _count', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient/nobody/$everything'), 404);
    expectOutcome(await t.request('GET', `/fhir/Patient/${subject.id}/$everything?_count=many`), 400);
  });
});

describe('$validate', () => {
  async function patientCount(): Promise<number> {
    return (await t.request('GET', '/fhir/Patient?_summary=count')).body.total;
  }

  it('a valid resource: an OperationOutcome without errors, and nothing stored', async () => {
    const before = await patientCount();
    const res = await t.request('POST', '/fhir/Patient/$validate', { body: patient('Valid', { identifier: [nhsIdentifier(nhsNumber(40))] }) });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.filter((i: any) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
    expect(await patientCount()).toBe(before);
  });

  it('an invalid resource: error issues with locations, and nothing stored', async () => {
    const before = await patientCount();
    const res = await t.request('POST', '/fhir/Patient/$validate', { body: patient('Invalid', { identifier: [nhsIdentifier('1234567890')], gender: 'robot' }) });
    expect(res.body.resourceType).toBe('OperationOutcome');
    const errors = res.body.issue.filter((i: any) => i.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.flatMap((i: any) => i.expression ?? [])).toContain('Patient.identifier[0].value');
    expect(await patientCount()).toBe(before);
  });

  it('accepts a Parameters body with a resource parameter', async () => {
    const res = await t.request('POST', '/fhir/Observation/$validate', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: 'Observation', code: { text: 'no status' } } }] },
    });
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.some((i: any) => i.severity === 'error')).toBe(true);
    expect((await t.request('GET', '/fhir/Observation?code:text=no%20status')).body.total).toBe(0);
  });

  it('refuses a body of another type than the URL names (400)', async () => {
    expectOutcome(await t.request('POST', '/fhir/Patient/$validate', { body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } }), 400);
  });
});
