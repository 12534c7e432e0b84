// Patient/$summary and Person/$summary over HTTP: one person from a GP record and a hospital record,
// a medicine both report (one entry, two reporters, the dose disagreement shown), one only the GP
// reports; governed as $everything (relationship, need-to-know by role) and audited.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONSOLIDATED_COUNT_EXTENSION, CONSOLIDATION_CONFLICT_EXTENSION, DMD_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM, REPORTED_BY_EXTENSION, SNOMED_SYSTEM,
} from '../../src/fhir/systems.ts';
import { batchLink } from '../../src/identity/batch-link.ts';
import { LinkStore } from '../../src/identity/links/link-store.ts';
import { sourceMeta } from '../../src/ingest/provenance.ts';
import { auditedPatients, returnedPatients } from '../support/audit-trail.ts';
import { expectOutcome, nhsIdentifier, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform, type TestResponse } from '../support/test-platform.ts';

let t: TestPlatform;
let tokens: Record<'operator' | 'gp' | 'receptionist' | 'socialWorker', string>;
let personId: string;

const GP = sourceMeta('emis-f84001');
const HOSPITAL = sourceMeta('epr-rqx');
const ref = (type: string, id: string) => ({ reference: `${type}/${id}` });
const dmd = (code: string, display: string) => ({ coding: [{ system: DMD_SYSTEM, code, display }], text: display });
const AMLODIPINE = dmd('319283006', 'Amlodipine 5mg tablets');
const PENICILLIN = { coding: [{ system: SNOMED_SYSTEM, code: '764146007', display: 'Penicillin' }] };
const ACTIVE = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] };

function verified(nhs: string, status: '01' | '02') {
  const id = nhsIdentifier(nhs);
  return { ...id, extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION, valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: status }] } }] };
}

function world(): Resource[] {
  const [ann, zed] = [nhsNumber(8101), nhsNumber(8201)];
  const person = { name: [{ family: 'Ashby', given: ['Ann'] }], gender: 'female', birthDate: '1941-02-03' };
  return [
    { resourceType: 'Organization', id: 'sum-f84001', name: 'Riverside Surgery', identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: 'F84001' }] },
    { resourceType: 'Organization', id: 'sum-rqx', name: 'Homerton Healthcare', identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: 'RQX' }] },
    { resourceType: 'Organization', id: 'sum-hackney', name: 'London Borough of Hackney', identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: 'E09000012' }] },
    { resourceType: 'Patient', id: 'ann-gp', meta: GP, identifier: [verified(ann, '01')], ...person, generalPractitioner: [ref('Organization', 'sum-f84001')] },
    { resourceType: 'Patient', id: 'ann-hospital', meta: HOSPITAL, identifier: [verified(ann, '02')], ...person },
    { resourceType: 'MedicationRequest', id: 'ann-gp-amlodipine', meta: GP, status: 'active', intent: 'order', subject: ref('Patient', 'ann-gp'),
      medicationCodeableConcept: AMLODIPINE, authoredOn: '2023-01-10', dosageInstruction: [{ text: '10 mg once daily' }] },
    { resourceType: 'MedicationStatement', id: 'ann-hospital-amlodipine', meta: HOSPITAL, status: 'active', subject: ref('Patient', 'ann-hospital'),
      medicationCodeableConcept: AMLODIPINE, effectiveDateTime: '2025-05-02', dateAsserted: '2025-05-02T11:00:00Z', dosage: [{ text: '20 mg once daily' }] },
    { resourceType: 'MedicationRequest', id: 'ann-gp-metformin', meta: GP, status: 'active', intent: 'order', subject: ref('Patient', 'ann-gp'),
      medicationCodeableConcept: dmd('325278007', 'Metformin 500mg tablets'), authoredOn: '2022-03-01', dosageInstruction: [{ text: 'One tablet twice a day' }] },
    { resourceType: 'AllergyIntolerance', id: 'ann-gp-penicillin', meta: GP, patient: ref('Patient', 'ann-gp'), code: PENICILLIN, recordedDate: '2015-06-01', clinicalStatus: ACTIVE },
    { resourceType: 'AllergyIntolerance', id: 'ann-hospital-penicillin', meta: HOSPITAL, patient: ref('Patient', 'ann-hospital'), code: PENICILLIN, recordedDate: '2025-05-02', clinicalStatus: ACTIVE },
    { resourceType: 'Condition', id: 'ann-gp-hypertension', meta: GP, subject: ref('Patient', 'ann-gp'), code: { coding: [{ system: SNOMED_SYSTEM, code: '38341003' }] },
      clinicalStatus: { coding: [{ code: 'active' }] }, onsetDateTime: '2018-04-01' },
    // In hospital now: the trust's staff have a relationship with the person, through this record.
    { resourceType: 'Encounter', id: 'ann-hospital-stay', meta: HOSPITAL, status: 'in-progress', class: { code: 'IMP' }, subject: ref('Patient', 'ann-hospital'),
      serviceProvider: ref('Organization', 'sum-rqx'), period: { start: new Date().toISOString() } },
    { resourceType: 'Observation', id: 'ann-gp-bp', meta: GP, status: 'final', code: { text: 'blood pressure' }, subject: ref('Patient', 'ann-gp') },
    { resourceType: 'Patient', id: 'zed-gp', meta: GP, identifier: [verified(zed, '01')], name: [{ family: 'Zeller', given: ['Zed'] }], birthDate: '1970-07-07' },
    { resourceType: 'MedicationRequest', id: 'zed-gp-amlodipine', meta: GP, status: 'active', intent: 'order', subject: ref('Patient', 'zed-gp'),
      medicationCodeableConcept: AMLODIPINE, authoredOn: '2023-01-10' },
  ] as Resource[];
}

beforeAll(async () => {
  t = await startTestPlatform({ allowUpdateCreate: true });
  const entry = world().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }));
  const res = await t.request('POST', '/fhir', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
  expect(res.status, res.text).toBe(200);
  await batchLink(t.platform.repo);
  const user = (subject: string, role: string, organization: string) => t.token('user/*.cruds', { subject, kind: 'user', name: subject, role, organization });
  tokens = {
    operator: await t.token('system/*.cruds'),
    gp: await user('sum-gp', 'R8000', 'F84001'),
    receptionist: await user('sum-rec', 'R8009', 'RQX'),
    socialWorker: await user('sum-sw', 'R8014', 'E09000012'),
  };
  personId = (await t.request('GET', '/fhir/Person?patient=Patient/ann-gp')).body.entry[0].resource.id;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

let counter = 0;
async function summary(as: keyof typeof tokens, url: string): Promise<TestResponse & { requestId: string }> {
  const requestId = `summary-${++counter}-${as}`;
  return { ...await t.request('GET', url, { token: tokens[as], headers: { 'x-request-id': requestId } }), requestId };
}

const keys = (res: TestResponse): string[] => res.body.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`);
const extensions = (resource: any, url: string): any[] => (resource.extension ?? []).filter((e: any) => e.url === url);
const sub = (ext: any, url: string): any[] => ext.extension.filter((e: any) => e.url === url);
/** The entry standing for `reference`, whether it is the one shown or another member. */
function entryFor(res: TestResponse, reference: string): any {
  return res.body.entry.map((e: any) => e.resource).find((r: any) => `${r.resourceType}/${r.id}` === reference
    || extensions(r, REPORTED_BY_EXTENSION).some((x) => sub(x, 'reference')[0].valueReference.reference === reference));
}
const reportedBy = (resource: any) => extensions(resource, REPORTED_BY_EXTENSION).map((x) => sub(x, 'reference')[0].valueReference.reference).sort();

describe('Patient/$summary', () => {
  it('covers every record linked to the person: both records first, the verified NHS number\'s first', async () => {
    const res = await summary('operator', '/fhir/Patient/ann-hospital/$summary');
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(Date.parse(res.body.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(keys(res).slice(0, 2)).toEqual(['Patient/ann-gp', 'Patient/ann-hospital']);
    for (const e of res.body.entry) expect(e.fullUrl).toBe(`http://sharedcare.test/fhir/${e.resource.resourceType}/${e.resource.id}`);
    expect(keys(res)).toContain('Organization/sum-f84001');
    for (const key of keys(res)) expect(key).not.toMatch(/zed/);
  });

  it('shows a medicine both sources report once, with both reporters and the dose disagreement', async () => {
    const res = await summary('operator', '/fhir/Patient/ann-gp/$summary');
    const amlodipine = entryFor(res, 'MedicationRequest/ann-gp-amlodipine');
    // The hospital's statement is the more recent, so it is the one shown, as a MedicationStatement.
    expect(`${amlodipine.resourceType}/${amlodipine.id}`).toBe('MedicationStatement/ann-hospital-amlodipine');
    expect(reportedBy(amlodipine)).toEqual(['MedicationRequest/ann-gp-amlodipine', 'MedicationStatement/ann-hospital-amlodipine']);
    expect(extensions(amlodipine, REPORTED_BY_EXTENSION).map((x) => sub(x, 'source')[0].valueString)).toEqual(['emis-f84001', 'epr-rqx']);
    expect(extensions(amlodipine, CONSOLIDATED_COUNT_EXTENSION)).toEqual([{ url: CONSOLIDATED_COUNT_EXTENSION, valueInteger: 2 }]);
    const [conflict] = extensions(amlodipine, CONSOLIDATION_CONFLICT_EXTENSION);
    expect(sub(conflict, 'element')[0].valueString).toBe('dosage');
    expect(sub(conflict, 'value').map((v: any) => `${sub(v, 'source')[0].valueString} says ${sub(v, 'text')[0].valueString}`))
      .toEqual(['emis-f84001 says 10 mg once daily', 'epr-rqx says 20 mg once daily']);
    const medicines = res.body.entry.map((e: any) => e.resource).filter((r: any) => r.resourceType.startsWith('Medication'));
    expect(medicines).toHaveLength(2);
    const metformin = entryFor(res, 'MedicationRequest/ann-gp-metformin');
    expect(reportedBy(metformin)).toEqual(['MedicationRequest/ann-gp-metformin']);
    expect(extensions(metformin, CONSOLIDATION_CONFLICT_EXTENSION)).toEqual([]);
    const penicillin = entryFor(res, 'AllergyIntolerance/ann-gp-penicillin');
    expect(reportedBy(penicillin)).toEqual(['AllergyIntolerance/ann-gp-penicillin', 'AllergyIntolerance/ann-hospital-penicillin']);
    // Passed through with its one reporter.
    expect(reportedBy(entryFor(res, 'Observation/ann-gp-bp'))).toEqual(['Observation/ann-gp-bp']);
  });

  it('answers 404 for an unknown record', async () => {
    expectOutcome(await summary('operator', '/fhir/Patient/nobody/$summary'), 404);
    expectOutcome(await summary('operator', '/fhir/Person/nobody/$summary'), 404);
  });
});

describe('Person/$summary', () => {
  it('is the same consolidated record as Patient/$summary of either record', async () => {
    const byPerson = await summary('operator', `/fhir/Person/${personId}/$summary`);
    expect(byPerson.status, byPerson.text.slice(0, 300)).toBe(200);
    const byPatient = await summary('operator', '/fhir/Patient/ann-gp/$summary');
    expect(keys(byPerson)).toEqual(keys(byPatient));
  });

  it('is listed on Patient and Person in the CapabilityStatement', async () => {
    const cs = (await t.request('GET', '/fhir/metadata', { token: null })).body;
    for (const type of ['Patient', 'Person']) {
      expect(cs.rest[0].resource.find((r: any) => r.type === type).operation.map((o: any) => o.name)).toContain('summary');
    }
  });
});

describe('governance and audit', () => {
  it('the GP (registration) sees the whole consolidated record, and the request is audited with both records', async () => {
    const res = await summary('gp', '/fhir/Patient/ann-gp/$summary');
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(reportedBy(entryFor(res, 'MedicationRequest/ann-gp-amlodipine'))).toHaveLength(2);
    const audited = await auditedPatients(t, res.requestId);
    expect(audited.outcome).toBe('success');
    expect(audited.patients.sort()).toEqual(returnedPatients(res.body).sort());
    expect(audited.patients.sort()).toEqual(['Patient/ann-gp', 'Patient/ann-hospital']);
    const { rows } = await t.platform.driver.query<{ event: string }>('SELECT event FROM audit_event WHERE strpos(event, $1) > 0', [`"${res.requestId}"`]);
    expect(rows[0]!.event).toContain('"summary"');
  });

  it('a member of staff without a relationship is told to claim one, and the refusal is audited', async () => {
    const res = await summary('socialWorker', '/fhir/Patient/ann-gp/$summary');
    expectOutcome(res, 403, { id: 'POLICY_RELATIONSHIP_REQUIRED' });
    expect(res.text).not.toContain('Amlodipine');
    expectOutcome(await summary('socialWorker', `/fhir/Person/${personId}/$summary`), 403, { id: 'POLICY_RELATIONSHIP_REQUIRED' });
    expect(await auditedPatients(t, res.requestId)).toMatchObject({ outcome: 'denied', patients: ['Patient/ann-gp'] });
  });

  it('a receptionist (demographics, visits) with a relationship gets the records and the stay, and no medicines, allergies or diagnoses', async () => {
    const res = await summary('receptionist', '/fhir/Patient/ann-gp/$summary');
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const types = new Set(keys(res).map((k) => k.split('/')[0]));
    expect(types.has('Patient')).toBe(true);
    expect(types.has('Encounter')).toBe(true);
    for (const hidden of ['MedicationRequest', 'MedicationStatement', 'AllergyIntolerance', 'Condition', 'Observation']) expect(types.has(hidden), hidden).toBe(false);
    expect(res.text).not.toContain('Amlodipine');
    expect((await auditedPatients(t, res.requestId)).outcome).toBe('success');
  });
});

// Last: it moves a record into Ann's person.
describe('a record linked to the person later', () => {
  it('comes into Patient/$summary of the others, and its old person answers 410 naming where it went', async () => {
    const lone = { resourceType: 'Patient', id: 'ann-council', meta: sourceMeta('mosaic-hackney'), name: [{ family: 'Lowe', given: ['Annabel'] }], birthDate: '1941-03-02' };
    expect((await t.request('PUT', '/fhir/Patient/ann-council', { body: lone })).status).toBe(201);
    await batchLink(t.platform.repo);
    const retired = (await t.request('GET', '/fhir/Person?patient=Patient/ann-council')).body.entry[0].resource.id;
    expect(retired).not.toBe(personId);
    await t.platform.repo.transaction((repo, sql) => new LinkStore(repo, sql).applyLinks([
      { patientId: 'ann-council', personId, kind: 'manual', basis: 'manual', reason: 'same person, married name' },
    ], 'reviewer-test'));
    const res = await summary('operator', '/fhir/Patient/ann-gp/$summary');
    expect(keys(res).filter((k) => k.startsWith('Patient/')).sort()).toEqual(['Patient/ann-council', 'Patient/ann-gp', 'Patient/ann-hospital']);
    const gone = expectOutcome(await summary('operator', `/fhir/Person/${retired}/$summary`), 410, { id: 'IDENTITY_PERSON_MERGED' });
    expect(gone.issue[0].diagnostics).toContain(`Person/${personId}/$summary`);
  });
});
