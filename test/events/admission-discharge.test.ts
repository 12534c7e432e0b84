// Admissions and discharges reach the council that knows the person: a Task in its inbox, and a
// signed webhook to the council's system, carrying only what that system may see. Runs the real
// routing and delivery workers over a real HTTP receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/events/webhooks/webhook-signature.ts';
import { NOTIFICATION_SYSTEM } from '../../src/events/event-codes.ts';
import { ORG, loadWorld } from '../support/governance-world.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';
import { notificationFoci, notificationType, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { drainEvents } from '../support/events.ts';

const SECRET = 'council-webhook-secret-0123456789';
let t: TestPlatform;
let receiver: WebhookReceiver;
let councilSystem: string;

const admission = (id: string, patient: string, status = 'in-progress', extra: object = {}) => ({
  resourceType: 'Encounter', id, status, class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
  subject: { reference: `Patient/${patient}` }, serviceProvider: { reference: 'Organization/rqx', display: 'Homerton Healthcare' },
  period: { start: new Date(Date.now() - 3_600_000).toISOString() }, location: [{ location: { display: 'Ward 4 (Elderly care)' }, status: 'active' }], ...extra,
});

async function tasksFor(patient: string): Promise<any[]> {
  const res = await t.request('GET', `/fhir/Task?patient=${patient}&_sort=_lastUpdated`);
  expect(res.status, res.text).toBe(200);
  return (res.body.entry ?? []).map((e: any) => e.resource);
}

beforeAll(async () => {
  t = await startTestPlatform({ allowUpdateCreate: true, webhookAllow: ['127.0.0.1'] });
  await loadWorld(t);
  receiver = await startWebhookReceiver();
  councilSystem = await t.token('system/*.rs system/Subscription.cruds', { subject: 'hackney-case-system', kind: 'system', organization: ORG.council });
  const sub = await t.request('POST', '/fhir/Subscription', { token: councilSystem, body: {
    resourceType: 'Subscription', status: 'requested', reason: 'Hospital stays of people we support',
    criteria: 'https://sharedcare.org.uk/fhir/SubscriptionTopic/admission-discharge',
    extension: [{ url: 'https://sharedcare.org.uk/fhir/StructureDefinition/subscription-signing-secret', valueString: SECRET }],
    channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' },
  } });
  expect(sub.status, sub.text).toBe(201);
  expect(sub.body.status).toBe('active');
  expect(JSON.stringify(sub.body)).not.toContain(SECRET);
  await drainEvents(t.platform);
});

afterAll(async () => {
  await receiver?.close();
  await t?.close();
});

describe('a person known to social care goes into hospital', () => {
  it('puts an admission Task in the council inbox and signs a webhook naming it', async () => {
    const before = receiver.received.length;
    expect((await t.request('PUT', '/fhir/Encounter/alice-stay', { body: admission('alice-stay', 'alice-gp') })).status).toBe(201);
    await drainEvents(t.platform);
    const tasks = await tasksFor('alice-council');
    expect(tasks).toHaveLength(1);
    const task = tasks[0];
    expect(task.code.coding[0]).toMatchObject({ system: NOTIFICATION_SYSTEM, code: 'admission' });
    expect(task).toMatchObject({ status: 'requested', priority: 'urgent', focus: { reference: 'Encounter/alice-stay' },
      owner: { reference: 'Organization/hackney' }, for: { reference: 'Patient/alice-council' }, reasonReference: { reference: 'EpisodeOfCare/alice-episode' } });
    expect(task.description).toContain('Ward 4');

    const [note] = (await receiver.waitFor(before + 1)).slice(before);
    expect(notificationType(note!.json)).toBe('event-notification');
    expect(notificationFoci(note!.json)).toEqual([`http://sharedcare.test/fhir/Task/${task.id}`]);
    const h = note!.headers;
    expect(verifyWebhook(SECRET, h['x-sharedcare-signature'] as string, h['x-sharedcare-timestamp'] as string, note!.body)).toBe(true);
    expect(h['x-sharedcare-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Audited as a disclosure on the subscriber's account, naming the person.
    const { rows } = await t.platform.driver.query<{ agent_subject: string; patients: string[] }>(
      "SELECT agent_subject, patients FROM audit_event WHERE operation = 'notify-rest-hook'");
    expect(rows).toContainEqual({ agent_subject: 'hackney-case-system', patients: ['Patient/alice-council'] });
  });

  it('tells of the discharge, and not again when nothing changes', async () => {
    const before = receiver.received.length;
    await t.request('PUT', '/fhir/Encounter/alice-stay', { body: admission('alice-stay', 'alice-gp', 'finished', { period: { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date().toISOString() } }) });
    await drainEvents(t.platform);
    await t.request('PUT', '/fhir/Encounter/alice-stay', { body: admission('alice-stay', 'alice-gp', 'finished', { period: { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date().toISOString() }, priority: { text: 'routine' } }) });
    await drainEvents(t.platform);
    const codes = (await tasksFor('alice-council')).map((task) => task.code.coding[0].code);
    expect(codes).toEqual(['admission', 'discharge']);
    await receiver.waitFor(before + 1);
    expect(receiver.received.length).toBe(before + 1);
  });

  it('raises nothing for a person social care does not know', async () => {
    await t.request('PUT', '/fhir/Encounter/bob-stay', { body: admission('bob-stay', 'bob-gp') });
    await drainEvents(t.platform);
    expect(await tasksFor('bob-gp')).toEqual([]);
  });

  it('never sends the council system a notification about a person who withheld their record', async () => {
    const before = receiver.received.length;
    await t.request('PUT', '/fhir/Patient/carol-hospital', { body: { resourceType: 'Patient', id: 'carol-hospital', meta: { source: 'urn:sharedcare:source:epr-rqx' },
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: (await t.request('GET', '/fhir/Patient/carol-council')).body.identifier[0].value }],
      name: [{ family: 'Cole', given: ['Carol'] }], birthDate: '1970-03-03', gender: 'female' } });
    await t.request('PUT', '/fhir/Encounter/carol-stay', { body: admission('carol-stay', 'carol-council') });
    await drainEvents(t.platform);
    // The Task is raised (the council's own staff decide under their rules who sees it)…
    expect((await tasksFor('carol-council')).map((task) => task.code.coding[0].code)).toEqual(['admission']);
    // …but the council system, which may not read Carol's record, is told nothing about it.
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.slice(before).flatMap((n) => notificationFoci(n.json))).toEqual([]);
    const status = await t.request('GET', `/fhir/Subscription/${await subscriptionId()}/$status`, { token: councilSystem });
    expect(status.status, status.text).toBe(200);
  });
});

async function subscriptionId(): Promise<string> {
  const res = await t.request('GET', '/fhir/Subscription', { token: councilSystem });
  return res.body.entry[0].resource.id;
}
