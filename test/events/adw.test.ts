// Care Act Schedule 3 (ADW) notices over FHIR messaging: a hospital's assessment notice reaches the
// council's inbox as a Task due when the council must answer; the council's answer closes it; a
// repeat changes nothing; only the named sender may send; the stay's state and deadlines are visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdwMessage, buildAdwResponse, type AdwMessageInput } from '../../src/events/adw/adw-builder.ts';
import { parseAdwMessage } from '../../src/events/adw/adw-message.ts';
import { NOTIFICATION_SYSTEM } from '../../src/events/event-codes.ts';
import { expectOutcome, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

const HOUR = 3_600_000;
const iso = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const COUNCIL = { gss: 'E10000024', name: 'Nottinghamshire County Council' };
const NHS = nhsNumber(8801);

const notice: AdwMessageInput = {
  kind: 'assessment-notice', messageId: 'adw-assess-1', issued: iso(0),
  stay: { encounter: { system: 'urn:sharedcare:id:epr-rx1:spell', value: 'SP-1' }, hospital: { ods: 'RX1', name: 'Queens Medical Centre' },
    ward: 'Ward B', admitted: iso(-24), proposedDischarge: iso(120) },
  patient: { nhsNumber: NHS, name: { family: 'Notice', given: ['Nina'] }, birthDate: '1940-05-05' },
  council: COUNCIL, statements: { patientConsulted: true, objection: false, chcConsidered: false },
  liaison: { name: { family: 'Liaison', given: ['Lee'] }, telecom: [{ system: 'phone', value: '0115 000 0001' }] },
};

let t: TestPlatform;
let hospital: string;
let councilSystem: string;
let otherHospital: string;

beforeAll(async () => {
  t = await startTestPlatform();
  hospital = await t.token('system/*.cruds', { subject: 'qmc-epr', kind: 'system', organization: 'RX1' });
  councilSystem = await t.token('system/*.cruds', { subject: 'notts-case-system', kind: 'system', organization: COUNCIL.gss });
  otherHospital = await t.token('system/*.cruds', { subject: 'other-epr', kind: 'system', organization: 'RX9' });
  const patient = await t.request('POST', '/fhir/Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS }], name: [{ family: 'Notice' }] } });
  expect(patient.status).toBe(201);
});

afterAll(async () => t?.close());

async function adwTasks(): Promise<any[]> {
  const res = await t.request('GET', `/fhir/Task?code=${encodeURIComponent(`${NOTIFICATION_SYSTEM}|adw-notice`)}`);
  return (res.body.entry ?? []).map((e: any) => e.resource);
}

describe('ADW notices', () => {
  it('refuses a notice from a system that is not the hospital', async () => {
    const res = await t.request('POST', '/fhir/$process-message', { token: otherHospital, body: buildAdwMessage(notice) });
    expectOutcome(res, 403, { id: 'ADW_SENDER' });
    expect(await adwTasks()).toEqual([]);
  });

  it('refuses a malformed notice, naming what is missing', async () => {
    const bad = buildAdwMessage({ ...notice, messageId: 'adw-bad', patient: { ...notice.patient, nhsNumber: '' } });
    const res = await t.request('POST', '/fhir/$process-message', { token: hospital, body: bad });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('ADW_');
  });

  it('puts an assessment notice in the council inbox, due when the council must answer', async () => {
    const res = await t.request('POST', '/fhir/$process-message', { token: hospital, body: buildAdwMessage(notice) });
    expect(res.status, res.text).toBe(200);
    expect(res.body.entry[0].resource.response).toEqual({ identifier: 'adw-assess-1', code: 'ok' });
    const [task] = await adwTasks();
    expect(task).toMatchObject({ status: 'requested', owner: { identifier: { value: COUNCIL.gss } }, businessStatus: { text: 'awaiting response' } });
    expect(task.for.reference).toMatch(/^Patient\//);
    expect(Date.parse(task.restriction.period.end)).toBeGreaterThan(Date.now() + 47 * HOUR);
    expect(task.description).toContain('Assessment Notice');
  });

  it('acknowledges a repeated notice without a second Task', async () => {
    const res = await t.request('POST', '/fhir/$process-message', { token: hospital, body: buildAdwMessage(notice) });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Already received');
    expect(await adwTasks()).toHaveLength(1);
  });

  it("closes the Task with the council's answer, and shows the stay's state", async () => {
    const parsed = parseAdwMessage(buildAdwMessage(notice));
    const fromOther = buildAdwResponse(parsed, 'accept', { council: COUNCIL, now: new Date(), messageId: 'adw-accept-x' });
    expectOutcome(await t.request('POST', '/fhir/$process-message', { token: hospital, body: fromOther }), 403, { id: 'ADW_SENDER' });
    const accept = buildAdwResponse(parsed, 'accept', { council: COUNCIL, now: new Date(), messageId: 'adw-accept-1' });
    const res = await t.request('POST', '/fhir/$process-message', { token: councilSystem, body: accept });
    expect(res.status, res.text).toBe(200);
    const [task] = await adwTasks();
    expect(task).toMatchObject({ status: 'completed', businessStatus: { text: 'accept' } });
    const stay = await t.request('GET', `/fhir/$adw-stay?hospital=RX1&encounter=${encodeURIComponent('urn:sharedcare:id:epr-rx1:spell|SP-1')}`, { token: hospital });
    expect(stay.status, stay.text).toBe(200);
    const notices = stay.body.parameter.filter((p: any) => p.name === 'notice');
    expect(notices[0].part.find((p: any) => p.name === 'status').valueCode).toBe('accepted');
    expectOutcome(await t.request('GET', `/fhir/$adw-stay?hospital=RX1&encounter=${encodeURIComponent('urn:sharedcare:id:epr-rx1:spell|SP-1')}`, { token: otherHospital }), 404);
  });

  it('refuses an answer to a notice that is not awaiting one', async () => {
    const parsed = parseAdwMessage(buildAdwMessage(notice));
    const again = buildAdwResponse(parsed, 'reject', { council: COUNCIL, now: new Date(), messageId: 'adw-reject-late' });
    const res = await t.request('POST', '/fhir/$process-message', { token: councilSystem, body: again });
    expect(res.status).toBe(409);
  });
});
