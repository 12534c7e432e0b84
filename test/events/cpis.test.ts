// CP-IS end to end: a child on a child protection plan is seen in A&E; the responsible council gets
// one Task per member of staff and day, the A&E doctor sees the plan and the council's number, the
// child's other accesses are listed, and the council follows the Task up to closure. Other staff
// (the GP, another council) neither raise a notification nor see the plan without a relationship.
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_SYSTEM } from '../../src/events/event-codes.ts';
import { CHILD_PROTECTION_PLAN_CODES, ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM, SNOMED_SYSTEM } from '../../src/fhir/systems.ts';
import { batchLink } from '../../src/identity/batch-link.ts';
import { sourceMeta } from '../../src/ingest/provenance.ts';
import { drainEvents } from '../support/events.ts';
import { ORG, SOURCE } from '../support/governance-world.ts';
import { nhsIdentifier, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

const CPIS_ACCESS = `${NOTIFICATION_SYSTEM}|cpis-access`;
const OPEN_TASKS = `/fhir/Task?code=${encodeURIComponent(CPIS_ACCESS)}&status=requested,in-progress`;
const COUNCIL_PHONE = '020 7946 0100';
const CHILD = { council: 'kit-council', hospital: 'kit-hospital' } as const;

const ref = (type: string, id: string) => ({ reference: `${type}/${id}` });
const monthsAgo = (months: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
};

/** The council, the A&E trust, the GP practice and another council; one child with two linked records. */
function world(): Resource[] {
  const nhs = nhsNumber(7401);
  const council = sourceMeta(SOURCE.council);
  const child = (id: string, source: string, extra: object = {}) => ({ resourceType: 'Patient', id, meta: sourceMeta(source),
    identifier: [nhsIdentifier(nhs)], name: [{ family: 'Kirby', given: ['Kit'] }], gender: 'male', birthDate: '2016-06-06', ...extra });
  const flag = (id: string, code: string, display: string, status: string, period: object) => ({ resourceType: 'Flag', id, meta: council, status,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety' }] }],
    code: { coding: [{ system: SNOMED_SYSTEM, code, display }] }, subject: ref('Patient', CHILD.council), period, author: ref('Organization', 'hackney') });
  return [
    { resourceType: 'Organization', id: 'hackney', name: 'London Borough of Hackney', identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: ORG.council }],
      telecom: [{ system: 'phone', value: COUNCIL_PHONE, use: 'work' }, { system: 'email', value: 'cpis@hackney.example' }] },
    { resourceType: 'Organization', id: 'city', name: 'City of London', identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: ORG.otherCouncil }] },
    { resourceType: 'Organization', id: 'rqx', name: 'Homerton Healthcare', identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: ORG.trust }] },
    { resourceType: 'Organization', id: 'f84001', name: 'Riverside Surgery', identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: ORG.practice }] },
    child(CHILD.council, SOURCE.council),
    child(CHILD.hospital, SOURCE.hospital, { generalPractitioner: [ref('Organization', 'f84001')] }),
    flag('kit-cpp', CHILD_PROTECTION_PLAN_CODES.childProtectionPlan, 'Subject to child protection plan', 'active', { start: monthsAgo(3) }),
    // Looked after until 13 months ago: past CP-IS's 12 months, so out of scope.
    flag('kit-lac', CHILD_PROTECTION_PLAN_CODES.lookedAfterChild, 'Looked after child', 'inactive', { start: monthsAgo(30), end: monthsAgo(13) }),
    // In A&E now: the trust's staff have a relationship through the encounter.
    { resourceType: 'Encounter', id: 'kit-ae', meta: sourceMeta(SOURCE.hospital), status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' },
      subject: ref('Patient', CHILD.hospital), serviceProvider: ref('Organization', 'rqx'), period: { start: new Date(Date.now() - 3_600_000).toISOString() } },
  ] as Resource[];
}

let t: TestPlatform;
let tokens: Record<'aeDoctor' | 'gp' | 'otherCouncilSocialWorker' | 'trustSystem' | 'councilSystem', string>;

async function cpisTasks(url = `/fhir/Task?code=${encodeURIComponent(CPIS_ACCESS)}`): Promise<any[]> {
  const res = await t.request('GET', url, { token: tokens.councilSystem });
  expect(res.status, res.text).toBe(200);
  return (res.body.entry ?? []).map((e: any) => e.resource);
}

async function read(token: string, url = `/fhir/Patient/${CHILD.hospital}`): Promise<void> {
  const res = await t.request('GET', url, { token });
  expect(res.status, res.text).toBe(200);
}

beforeAll(async () => {
  t = await startTestPlatform({ allowUpdateCreate: true });
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction',
    entry: world().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } })) };
  const loaded = await t.request('POST', '/fhir', { body: bundle });
  expect(loaded.status, loaded.text).toBe(200);
  await batchLink(t.platform.repo);
  const user = (subject: string, name: string, role: string, organization: string) =>
    t.token('user/*.cruds', { subject, kind: 'user', name, role, organization });
  tokens = {
    aeDoctor: await user('aed-1', 'Dr Ada Emery', 'R8000', ORG.trust),
    gp: await user('gp-1', 'Dr Gail Practice', 'R8000', ORG.practice),
    otherCouncilSocialWorker: await user('sw-2', 'Sam Other', 'R8014', ORG.otherCouncil),
    trustSystem: await t.token('system/*.rs', { subject: 'trust-epr', kind: 'system', role: 'R8000', organization: ORG.trust }),
    councilSystem: await t.token('system/*.cruds', { subject: 'hackney-case-system', kind: 'system', organization: ORG.council }),
  };
  // The watcher starts from the end of the audit trail as it first finds it.
  await drainEvents(t.platform);
});

afterAll(async () => t?.close());

describe('CP-IS access notifications', () => {
  it('tells the council once when the A&E doctor opens the child’s record', async () => {
    await read(tokens.aeDoctor);
    await drainEvents(t.platform);
    const tasks = await cpisTasks();
    expect(tasks).toHaveLength(1);
    const [task] = tasks;
    expect(task.code.coding[0]).toMatchObject({ system: NOTIFICATION_SYSTEM, code: 'cpis-access' });
    expect(task).toMatchObject({ status: 'requested', priority: 'urgent', owner: { reference: 'Organization/hackney', display: 'London Borough of Hackney' },
      for: { reference: `Patient/${CHILD.council}` }, focus: { reference: 'Flag/kit-cpp' } });
    expect(task.description).toContain('Dr Ada Emery (R8000)');
    expect(task.description).toContain(ORG.trust);
    expect(task.description).toContain('Subject to child protection plan');
  });

  it('adds no second Task for the same doctor the same day', async () => {
    await read(tokens.aeDoctor);
    await read(tokens.aeDoctor, `/fhir/Patient/${CHILD.council}`);
    await drainEvents(t.platform);
    expect(await cpisTasks()).toHaveLength(1);
  });

  it('raises nothing when the GP, or the trust’s own system, reads the record', async () => {
    await read(tokens.gp);
    await read(tokens.trustSystem);
    await drainEvents(t.platform);
    expect(await cpisTasks()).toHaveLength(1);
  });
});

describe('Patient/$cpis', () => {
  it('shows the A&E doctor the plan and how to reach the council, not the ended looked-after episode', async () => {
    const res = await t.request('GET', `/fhir/Patient/${CHILD.hospital}/$cpis`, { token: tokens.aeDoctor });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const teams = res.body.entry.map((e: any) => e.resource);
    expect(teams).toHaveLength(1);
    expect(teams[0]).toMatchObject({
      resourceType: 'CareTeam', status: 'active', name: 'London Borough of Hackney',
      category: [{ coding: [{ system: SNOMED_SYSTEM, code: CHILD_PROTECTION_PLAN_CODES.childProtectionPlan }] }],
      managingOrganization: [{ reference: 'Organization/hackney', identifier: { system: ONS_GSS_CODE_SYSTEM, value: ORG.council } }],
      // Office hours from the council's own record; the emergency-duty number from the council directory (councils.csv).
      telecom: [{ system: 'phone', value: COUNCIL_PHONE, use: 'work' }, { system: 'phone', value: '020 7946 0199', use: 'mobile' }],
      subject: { reference: `Patient/${CHILD.hospital}`, identifier: { value: nhsNumber(7401) } },
    });
    expect(JSON.stringify(res.body)).not.toContain(CHILD_PROTECTION_PLAN_CODES.lookedAfterChild);
  });

  it('does not show the plan to another council’s social worker without a relationship', async () => {
    const res = await t.request('GET', `/fhir/Patient/${CHILD.hospital}/$cpis`, { token: tokens.otherCouncilSocialWorker });
    expect([403, 404]).toContain(res.status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.text).not.toContain(CHILD_PROTECTION_PLAN_CODES.childProtectionPlan);
    expect(res.text).not.toContain(COUNCIL_PHONE);
  });
});

describe('Patient/$cpis-accesses', () => {
  it('lists the A&E doctor’s accesses, newest first, and no one else’s', async () => {
    const res = await t.request('GET', `/fhir/Patient/${CHILD.council}/$cpis-accesses`, { token: tokens.aeDoctor });
    expect(res.status, res.text).toBe(200);
    const events = res.body.entry.map((e: any) => e.resource);
    // Three record reads and one $cpis so far, all by the doctor.
    expect(events).toHaveLength(4);
    for (const event of events) {
      expect(event).toMatchObject({ resourceType: 'AuditEvent', outcome: '0' });
      expect(event.agent[0]).toMatchObject({ name: 'Dr Ada Emery', role: [{ coding: [{ code: 'R8000' }] }] });
      expect(event.agent[1].who.identifier).toEqual({ system: ODS_ORGANIZATION_SYSTEM, value: ORG.trust });
    }
    const ids = events.map((e: any) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const times = events.map((e: any) => Date.parse(e.recorded));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe('the council follows the notification up', () => {
  it('moves the Task to in-progress, then completed, and the open list empties', async () => {
    const [task] = await cpisTasks(OPEN_TASKS);
    expect(task).toBeDefined();
    const patch = await t.request('PATCH', `/fhir/Task/${task.id}`, { token: tokens.councilSystem, headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/status', value: 'in-progress' }] });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.body.status).toBe('in-progress');
    expect((await cpisTasks(OPEN_TASKS)).map((x) => x.id)).toEqual([task.id]);

    const put = await t.request('PUT', `/fhir/Task/${task.id}`, { token: tokens.councilSystem,
      body: { ...patch.body, status: 'completed', businessStatus: { text: 'Checked with the allocated social worker' } } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ status: 'completed', meta: { versionId: '3' } });
    expect(await cpisTasks(OPEN_TASKS)).toEqual([]);
    expect(await cpisTasks()).toHaveLength(1);
  });

  it('does not reopen the closed Task when the doctor opens the record again the same day', async () => {
    await read(tokens.aeDoctor);
    await drainEvents(t.platform);
    expect(await cpisTasks(OPEN_TASKS)).toEqual([]);
  });
});
