// FHIR Subscriptions end to end (R4 with Backport IG semantics): what a subscriber may ask for, what
// it is sent and signed with, how a receiver that is down is retried, dead-lettered and replayed,
// how a subscriber recovers missed events, and that notifications carry only what the owner may read.
// Runs the real routing and delivery workers against real HTTP receivers on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as FhirKitClient } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDueHeartbeats } from '../../src/events/heartbeats.ts';
import { BACKPORT } from '../../src/events/subscriptions/backport.ts';
import { verifyWebhook } from '../../src/events/webhooks/webhook-signature.ts';
import { sourceMeta } from '../../src/ingest/provenance.ts';
import { SIGNING_SECRET_EXTENSION } from '../../src/server/subscription-writes.ts';
import { drainEvents } from '../support/events.ts';
import { expectOutcome, FHIR_BASE } from '../support/fhir-fixtures.ts';
import { loadWorld, ORG, SOURCE } from '../support/governance-world.ts';
import { startTestPlatform, type TestPlatform, type TestResponse } from '../support/test-platform.ts';
import { notificationFoci, notificationType, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = 'subscriber-webhook-secret-0123456789';
const CODE_SYSTEM = 'urn:sharedcare:test:subscription-code';
const CITY_SOURCE = 'mosaic-city';
const ENDPOINT = 'Subscription.channel.endpoint';

let t: TestPlatform;
let operator: string;
let hackneySystem: string;
let citySystem: string;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  // Partners in Hackney share with each other; the City of London council sees only its own source's
  // data (and what was written here without a source), so its system may not read Hackney's records.
  const policyFile = join(mkdtempSync(join(tmpdir(), 'sharedcare-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({
    agreements: [{ id: 'hackney-partners', name: 'Hackney partners share for direct care', from: [ORG.council, ORG.trust, ORG.practice],
      to: [ORG.council, ORG.trust, ORG.practice], categories: ['*'], purposes: ['direct-care'] }],
    sources: { [SOURCE.council]: ORG.council, [SOURCE.gp]: ORG.practice, [SOURCE.hospital]: ORG.trust, [CITY_SOURCE]: ORG.otherCouncil },
  }));
  t = await startTestPlatform({ allowUpdateCreate: true, webhookAllow: ['127.0.0.1'], eventMaxAttempts: 3, eventRetryBaseMs: 50, policyFile });
  await loadWorld(t);
  await drainEvents(t.platform);
  operator = await t.token('system/*.cruds');
  const councilScopes = 'system/*.rs system/Subscription.cruds';
  hackneySystem = await t.token(councilScopes, { subject: 'hackney-case-system', kind: 'system', organization: ORG.council });
  citySystem = await t.token(councilScopes, { subject: 'city-case-system', kind: 'system', organization: ORG.otherCouncil });
}, 120_000);

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t?.close();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

function subscription(criteria: string, endpoint: string, extra: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) {
  return { resourceType: 'Subscription', status: 'requested', reason: 'Tell our case system', criteria,
    channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', ...channel }, ...extra };
}

const fullResource = { _payload: { extension: [{ url: BACKPORT.payloadContent, valueCode: 'full-resource' }] } };

async function subscribe(body: object, token = hackneySystem): Promise<string> {
  const res = await t.request('POST', '/fhir/Subscription', { token, body });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

const basic = (code: string) => ({ resourceType: 'Basic', code: { coding: [{ system: CODE_SYSTEM, code }] } });

async function createBasic(code: string): Promise<string> {
  const res = await t.request('POST', '/fhir/Basic', { token: operator, body: basic(code) });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** The status Parameters of a notification (or $status / $events) Bundle, as name → value. */
function statusOf(bundle: any): { status?: string; type?: string; eventsSinceStart?: string; topic?: string; subscription?: string } {
  const params: any[] = bundle.entry[0].resource.parameter;
  const value = (name: string) => params.find((p) => p.name === name);
  return { status: value('status')?.valueCode, type: value('type')?.valueCode, eventsSinceStart: value('events-since-subscription-start')?.valueString,
    topic: value('topic')?.valueCanonical, subscription: value('subscription')?.valueReference?.reference };
}

function eventsOf(bundle: any): Array<{ number: number; focus?: string }> {
  return (bundle.entry[0].resource.parameter as any[]).filter((p) => p.name === 'notification-event').map((p) => {
    const focus = p.part.find((q: any) => q.name === 'focus')?.valueReference?.reference;
    return { number: Number(p.part.find((q: any) => q.name === 'event-number').valueString), ...(focus ? { focus } : {}) };
  });
}

interface DeliveryView {
  id: string; eventId: string; subscriber: string; status: string; attempts: number; eventNumber?: string; lastError?: string;
  log: Array<{ outcome: string; httpStatus?: number }>;
  /** When each attempt ended (ms since the epoch). */
  attemptTimes: number[];
}

async function deliveries(query: string): Promise<DeliveryView[]> {
  const res = await t.request('GET', `/fhir/$deliveries?${query}`, { token: operator });
  expect(res.status, res.text).toBe(200);
  return (res.body.parameter ?? []).map((d: any) => {
    const part = (name: string) => d.part.find((p: any) => p.name === name);
    return {
      id: part('id').valueString, eventId: part('eventId').valueUuid.replace(/^urn:uuid:/, ''), subscriber: part('subscriber').valueString,
      status: part('status').valueCode, attempts: part('attempts').valueInteger, eventNumber: part('eventNumber')?.valueString,
      lastError: part('lastError')?.valueString,
      log: d.part.filter((p: any) => p.name === 'attempt').map((a: any) => ({
        outcome: a.part.find((p: any) => p.name === 'outcome').valueCode, httpStatus: a.part.find((p: any) => p.name === 'httpStatus')?.valueInteger })),
      attemptTimes: d.part.filter((p: any) => p.name === 'attempt').map((a: any) => Date.parse(a.part.find((p: any) => p.name === 'at').valueInstant)),
    };
  });
}

/** Keeps the workers going, waiting out the retry delays, until the delivery of an event number is `status`. */
async function drainUntil(subscriptionId: string, eventNumber: number, status: string, timeoutMs = 10_000): Promise<DeliveryView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await drainEvents(t.platform);
    const found = (await deliveries(`subscriber=Subscription/${subscriptionId}`)).find((d) => d.eventNumber === String(eventNumber));
    if (found?.status === status) return found;
    if (Date.now() > deadline) throw new Error(`event ${eventNumber} of Subscription/${subscriptionId} did not become ${status}: ${JSON.stringify(found)}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

const replay = (parameter: object[], token = operator) =>
  t.request('POST', '/fhir/$delivery-replay', { token, body: { resourceType: 'Parameters', parameter } });

describe('creating a Subscription', () => {
  let unguarded: TestPlatform;
  beforeAll(async () => {
    unguarded = await startTestPlatform();
  }, 120_000);
  afterAll(async () => {
    await unguarded?.close();
  });

  it('refuses endpoints inside the network when they are not allowlisted, however they are spelled', async () => {
    const endpoints = ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook', 'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/hook', 'http://2130706433/hook'];
    for (const endpoint of endpoints) {
      const res = await unguarded.request('POST', '/fhir/Subscription', { body: subscription('Basic?code=x', endpoint) });
      expectOutcome(res, 400, { id: 'WEBHOOK_ADDRESS_BLOCKED', expression: ENDPOINT });
    }
    expect((await unguarded.request('GET', '/fhir/Subscription?_summary=count')).body.total).toBe(0);
  });

  it('allowlisting 127.0.0.1 lets loopback through but not the rest of the network', async () => {
    for (const endpoint of ['http://10.0.0.5/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:9/hook']) {
      expectOutcome(await t.request('POST', '/fhir/Subscription', { token: hackneySystem, body: subscription('Basic?code=x', endpoint) }), 400,
        { id: 'WEBHOOK_ADDRESS_BLOCKED', expression: ENDPOINT });
    }
    expectOutcome(await t.request('POST', '/fhir/Subscription', { token: hackneySystem, body: subscription('Basic?code=x', 'ftp://127.0.0.1/hook') }), 400,
      { id: 'WEBHOOK_URL_SCHEME', expression: ENDPOINT });
    expectOutcome(await t.request('POST', '/fhir/Subscription', { token: hackneySystem, body: subscription('Basic?code=x', 'http://user:pw@127.0.0.1/hook') }), 400,
      { id: 'WEBHOOK_URL_CREDENTIALS', expression: ENDPOINT });
  });

  it('refuses what it cannot honour, naming the element', async () => {
    const r = await receiver();
    const refused: Array<[object, string, string]> = [
      [subscription('Basic?code=x', 'mailto:team@example.org', {}, { type: 'email' }), 'SUBSCRIPTION_CHANNEL', 'Subscription.channel.type'],
      [subscription('Basic?code=x', 'wss://127.0.0.1/socket', {}, { type: 'websocket' }), 'SUBSCRIPTION_CHANNEL', 'Subscription.channel.type'],
      [subscription('https://sharedcare.org.uk/fhir/SubscriptionTopic/no-such-topic', r.url), 'SUBSCRIPTION_TOPIC', 'Subscription.criteria'],
      [subscription('NoSuchType?code=x', r.url), 'SUBSCRIPTION_CRITERIA_TYPE', 'Subscription.criteria'],
      [subscription('Condition?_include=Condition:subject', r.url), 'SUBSCRIPTION_CRITERIA_RESULT', 'Subscription.criteria'],
      [subscription('https://sharedcare.org.uk/fhir/SubscriptionTopic/encounter', r.url,
        { _criteria: { extension: [{ url: BACKPORT.filterCriteria, valueString: 'Patient?gender=female' }] } }), 'SUBSCRIPTION_FILTER_TYPE', 'Subscription.criteria.extension'],
      [subscription('Basic?code=x', r.url, { extension: [{ url: SIGNING_SECRET_EXTENSION, valueString: 'too-short' }] }), 'SUBSCRIPTION_SECRET', 'Subscription.extension'],
    ];
    for (const [body, id, expression] of refused) {
      expectOutcome(await t.request('POST', '/fhir/Subscription', { token: hackneySystem, body }), 400, { id, expression });
    }
    expect(r.received).toEqual([]);
  });

  it('makes a requested Subscription active and never shows its signing secret', async () => {
    const r = await receiver();
    const created = await t.request('POST', '/fhir/Subscription', { token: hackneySystem,
      body: subscription(`Basic?code=${CODE_SYSTEM}|secret`, r.url, { extension: [{ url: SIGNING_SECRET_EXTENSION, valueString: SECRET }] }) });
    expect(created.status, created.text).toBe(201);
    expect(created.body.status).toBe('active');
    const id = created.body.id;
    const readings = [await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem }),
      await t.request('GET', `/fhir/Subscription/${id}/_history`, { token: operator }),
      await t.request('GET', `/fhir/Subscription?_id=${id}`, { token: operator })];
    for (const res of [created, ...readings]) {
      expect(res.status, res.text).toBe(res === created ? 201 : 200);
      expect(res.text).toContain(id);
      expect(res.text).not.toContain(SECRET);
      expect(res.text).not.toContain(SIGNING_SECRET_EXTENSION);
    }

    // The secret was kept beside the resource: notifications are signed with it.
    await createBasic('secret');
    await drainEvents(t.platform);
    const note = (await r.waitFor(1))[0]!;
    expect(verifyWebhook(SECRET, note.headers['x-sharedcare-signature'] as string, note.headers['x-sharedcare-timestamp'] as string, note.body)).toBe(true);
    expect(verifyWebhook('some-other-secret-0123456789', note.headers['x-sharedcare-signature'] as string,
      note.headers['x-sharedcare-timestamp'] as string, note.body)).toBe(false);

    // An update without the extension keeps the secret.
    const read = (await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem })).body;
    expect((await t.request('PUT', `/fhir/Subscription/${id}`, { token: hackneySystem, body: { ...read, reason: 'Still ours' } })).status).toBe(200);
    await createBasic('secret');
    await drainEvents(t.platform);
    const second = (await r.waitFor(2))[1]!;
    expect(verifyWebhook(SECRET, second.headers['x-sharedcare-signature'] as string, second.headers['x-sharedcare-timestamp'] as string, second.body)).toBe(true);
  });
});

describe('ownership', () => {
  let id: string;
  beforeAll(async () => {
    id = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|owned`, (await receiver()).url));
  });

  it('lets only the owner change the Subscription', async () => {
    const read = (await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem })).body;
    expectOutcome(await t.request('PUT', `/fhir/Subscription/${id}`, { token: citySystem, body: { ...read, reason: 'Now ours' } }), 403, { id: 'SUBSCRIPTION_OWNER' });
    expect((await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem })).body.reason).toBe('Tell our case system');
    const updated = await t.request('PUT', `/fhir/Subscription/${id}`, { token: hackneySystem, body: { ...read, reason: 'Tell our new case system' } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.meta.versionId).toBe('2');
  });

  it('refuses another system\'s conditional update and patch too, changing nothing', async () => {
    const read = (await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem })).body;
    const { id: _id, meta: _meta, ...withoutId } = read;
    expectOutcome(await t.request('PUT', `/fhir/Subscription?_id=${id}`, { token: citySystem, body: { ...withoutId, reason: 'Now ours' } }), 403,
      { id: 'SUBSCRIPTION_OWNER' });
    expectOutcome(await t.request('PATCH', `/fhir/Subscription/${id}`, { token: citySystem, headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/reason', value: 'Now ours' }] }), 403, { id: 'SUBSCRIPTION_OWNER' });
    const after = (await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem })).body;
    expect(after).toMatchObject({ reason: read.reason, meta: { versionId: read.meta.versionId } });
    expect((await t.request('GET', `/fhir/Subscription/${id}/$status`, { token: hackneySystem })).status).toBe(200);
    expectOutcome(await t.request('GET', `/fhir/Subscription/${id}/$status`, { token: citySystem }), 403, { id: 'SUBSCRIPTION_OWNER' });
  });

  it('lets only the owner (or an operator) delete the Subscription', async () => {
    const mine = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|deleted`, (await receiver()).url));
    expectOutcome(await t.request('DELETE', `/fhir/Subscription/${mine}`, { token: citySystem }), 403, { id: 'SUBSCRIPTION_OWNER' });
    expect((await t.request('GET', `/fhir/Subscription/${mine}`, { token: hackneySystem })).status).toBe(200);
    expect((await t.request('DELETE', `/fhir/Subscription/${mine}`, { token: hackneySystem })).status).toBe(200);
    const theirs = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|deleted`, (await receiver()).url));
    expect((await t.request('DELETE', `/fhir/Subscription/${theirs}`, { token: operator })).status).toBe(200);
  });

  it('applies the Subscription checks (SSRF guard, secret, owner) to creates inside a transaction Bundle', async () => {
    const entry = (endpoint: string) => ({ fullUrl: `urn:uuid:${crypto.randomUUID()}`, request: { method: 'POST', url: 'Subscription' },
      resource: subscription(`Basic?code=${CODE_SYSTEM}|bundled`, endpoint, {
        extension: [{ url: 'https://sharedcare.org.uk/fhir/StructureDefinition/subscription-signing-secret', valueString: SECRET }] }) });
    const refused = await t.request('POST', '/fhir', { token: hackneySystem, body: { resourceType: 'Bundle', type: 'transaction',
      entry: [entry('http://169.254.169.254/latest/meta-data')] } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('Subscription.channel.endpoint');
    const r = await receiver();
    const accepted = await t.request('POST', '/fhir', { token: hackneySystem, body: { resourceType: 'Bundle', type: 'transaction', entry: [entry(r.url)] } });
    expect(accepted.status, accepted.text).toBe(200);
    const id = /Subscription\/([^/]+)/.exec(accepted.body.entry[0].response.location)![1];
    const stored = (await t.request('GET', `/fhir/Subscription/${id}`, { token: hackneySystem })).body;
    expect(stored.status).toBe('active');
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    // Owned by the system that sent the Bundle, so it is told of matches, signed with its secret.
    await createBasic('bundled');
    await drainEvents(t.platform);
    const [note] = await r.waitFor(1);
    expect(verifyWebhook(SECRET, note!.headers['x-sharedcare-signature'] as string, note!.headers['x-sharedcare-timestamp'] as string, note!.body)).toBe(true);
    expect((await t.request('GET', `/fhir/Subscription/${id}/$status`, { token: citySystem })).status).toBe(403);
  });

  it('lets only the owner (or an operator) see its $status and $events', async () => {
    expectOutcome(await t.request('GET', `/fhir/Subscription/${id}/$status`, { token: citySystem }), 403, { id: 'SUBSCRIPTION_OWNER' });
    expectOutcome(await t.request('GET', `/fhir/Subscription/${id}/$events`, { token: citySystem }), 403, { id: 'SUBSCRIPTION_OWNER' });
    for (const token of [hackneySystem, operator]) {
      const status = await t.request('GET', `/fhir/Subscription/${id}/$status`, { token });
      expect(status.status, status.text).toBe(200);
      expect(statusOf(status.body)).toMatchObject({ status: 'active', type: 'query-status', eventsSinceStart: '0', subscription: `${FHIR_BASE}/Subscription/${id}` });
      expect((await t.request('GET', `/fhir/Subscription/${id}/$events`, { token })).status).toBe(200);
    }
  });

  it('keeps the delivery queue to operators', async () => {
    expectOutcome(await t.request('GET', '/fhir/$deliveries?status=dead', { token: hackneySystem }), 403, { id: 'EVENTS_OPERATOR' });
    expectOutcome(await replay([{ name: 'all', valueBoolean: true }], hackneySystem), 403, { id: 'EVENTS_OPERATOR' });
    expectOutcome(await replay([]), 400, { id: 'EVENTS_REPLAY_WHICH' });
    expectOutcome(await t.request('GET', '/fhir/$deliveries?status=lost', { token: operator }), 400, { id: 'EVENTS_STATUS' });
  });
});

describe('delivery', () => {
  it('tells of a matching change, with the event number and focus, and of nothing else', async () => {
    const r = await receiver();
    const id = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|match`, r.url));
    await createBasic('no-match');
    await drainEvents(t.platform);
    expect(r.received).toEqual([]);
    expect(await deliveries(`subscriber=Subscription/${id}`)).toEqual([]);

    const focus = await createBasic('match');
    await drainEvents(t.platform);
    const [note] = await r.waitFor(1);
    expect(r.received).toHaveLength(1);
    expect(note!.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(note!.json).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(notificationType(note!.json)).toBe('event-notification');
    expect(statusOf(note!.json)).toMatchObject({ status: 'active', eventsSinceStart: '1', subscription: `${FHIR_BASE}/Subscription/${id}` });
    expect(eventsOf(note!.json)).toEqual([{ number: 1, focus: `${FHIR_BASE}/Basic/${focus}` }]);
    expect(notificationFoci(note!.json)).toEqual([`${FHIR_BASE}/Basic/${focus}`]);
    // id-only (the default): the entry names the resource but does not carry it.
    expect(note!.json.entry[1]).toMatchObject({ fullUrl: `${FHIR_BASE}/Basic/${focus}` });
    expect(note!.json.entry[1].resource).toBeUndefined();
    expect(note!.headers['x-sharedcare-event-id']).toMatch(/^[0-9a-f-]{36}$/);

    // Each further event takes the next number; the non-matching one in between took none.
    for (const expected of [2, 3]) {
      await createBasic('no-match');
      const next = await createBasic('match');
      await drainEvents(t.platform);
      const latest = (await r.waitFor(expected))[expected - 1]!;
      expect(statusOf(latest.json).eventsSinceStart).toBe(String(expected));
      expect(eventsOf(latest.json)).toEqual([{ number: expected, focus: `${FHIR_BASE}/Basic/${next}` }]);
    }
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((n) => n.headers['x-sharedcare-event-id'])).size).toBe(3);
    expect((await deliveries(`subscriber=Subscription/${id}`)).map((d) => [d.eventNumber, d.status])).toEqual([['3', 'delivered'], ['2', 'delivered'], ['1', 'delivered']]);
  });

  it('carries the resource itself when the payload is full-resource', async () => {
    const r = await receiver();
    await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|full`, r.url, {}, fullResource));
    const focus = await createBasic('full');
    await drainEvents(t.platform);
    const note = (await r.waitFor(1))[0]!;
    expect(eventsOf(note.json)).toEqual([{ number: 1, focus: `${FHIR_BASE}/Basic/${focus}` }]);
    expect(note.json.entry[1].resource).toMatchObject({ resourceType: 'Basic', id: focus, code: { coding: [{ system: CODE_SYSTEM, code: 'full' }] } });
  });

  it('says only that something happened when the payload is empty', async () => {
    const r = await receiver();
    await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|empty`, r.url, {}, { _payload: { extension: [{ url: BACKPORT.payloadContent, valueCode: 'empty' }] } }));
    const focus = await createBasic('empty');
    await drainEvents(t.platform);
    const note = (await r.waitFor(1))[0]!;
    expect(eventsOf(note.json)).toEqual([{ number: 1 }]);
    expect(note.json.entry).toHaveLength(1);
    expect(note.body).not.toContain(focus);
  });

  it('narrows a topic with the subscriber\'s filter criteria and names the topic', async () => {
    const r = await receiver();
    const topic = 'https://sharedcare.org.uk/fhir/SubscriptionTopic/encounter';
    await subscribe(subscription(topic, r.url, { _criteria: { extension: [{ url: BACKPORT.filterCriteria, valueString: 'Encounter?status=cancelled' }] } }));
    const encounter = (status: string) => ({ resourceType: 'Encounter', status, class: { code: 'AMB' }, subject: { reference: 'Patient/alice-council' } });
    await t.request('POST', '/fhir/Encounter', { token: operator, body: encounter('planned') });
    const cancelled = await t.request('POST', '/fhir/Encounter', { token: operator, body: encounter('cancelled') });
    expect(cancelled.status, cancelled.text).toBe(201);
    await drainEvents(t.platform);
    const [note] = await r.waitFor(1);
    expect(r.received).toHaveLength(1);
    expect(statusOf(note!.json).topic).toBe(topic);
    expect(notificationFoci(note!.json)).toEqual([`${FHIR_BASE}/Encounter/${cancelled.body.id}`]);
  });
});

describe('a receiver that is down', () => {
  let r: WebhookReceiver;
  let id: string;
  let first: DeliveryView;

  beforeAll(async () => {
    r = await receiver();
    id = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|down`, r.url));
  });

  it('is retried with backoff, then dead-lettered after the last attempt', async () => {
    r.respondWith(503);
    await createBasic('down');
    await drainEvents(t.platform);
    const [pending] = await deliveries(`subscriber=Subscription/${id}`);
    // Normally one attempt; a slow machine may already have made the first retry within the drain.
    expect(pending).toMatchObject({ status: 'pending', eventNumber: '1' });
    expect([1, 2]).toContain(pending!.attempts);
    expect(pending!.log).toEqual(Array(pending!.attempts).fill({ outcome: 'retry', httpStatus: 503 }));

    const dead = await drainUntil(id, 1, 'dead');
    expect(dead).toMatchObject({ id: pending!.id, eventId: pending!.eventId, status: 'dead', attempts: 3 });
    expect(dead!.lastError).toBeTruthy();
    expect(dead!.log).toEqual([{ outcome: 'retry', httpStatus: 503 }, { outcome: 'retry', httpStatus: 503 }, { outcome: 'dead', httpStatus: 503 }]);
    // Backoff: 50 ms then 100 ms (less up to 20 % jitter) between attempts, give or take the millisecond the instants are cut to.
    const [a1, a2, a3] = dead!.attemptTimes as [number, number, number];
    expect(a2 - a1).toBeGreaterThanOrEqual(39);
    expect(a3 - a2).toBeGreaterThanOrEqual(79);
    expect((await deliveries('status=dead')).map((d) => d.id)).toContain(dead!.id);
    expect(r.received).toEqual([]);
    first = dead!;

    const status = await t.request('GET', `/fhir/Subscription/${id}/$status`, { token: hackneySystem });
    expect(statusOf(status.body)).toMatchObject({ status: 'error', eventsSinceStart: '1' });
  });

  it('is sent again on replay, with the same event id', async () => {
    r.respondWith(200);
    const res = await replay([{ name: 'id', valueString: first.id }]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.parameter).toEqual([{ name: 'replayed', valueInteger: 1 }]);
    const delivered = await drainUntil(id, 1, 'delivered');
    expect(delivered).toMatchObject({ id: first.id, attempts: 1 });
    const [note] = await r.waitFor(1);
    expect(note!.headers['x-sharedcare-event-id']).toBe(first.eventId);
    expect(eventsOf(note!.json)).toEqual([{ number: 1, focus: expect.stringMatching(new RegExp(`^${FHIR_BASE}/Basic/`)) }]);
    // Replaying what is not dead does nothing.
    expect((await replay([{ name: 'id', valueString: first.id }])).body.parameter).toEqual([{ name: 'replayed', valueInteger: 0 }]);
    const status = await t.request('GET', `/fhir/Subscription/${id}/$status`, { token: hackneySystem });
    expect(statusOf(status.body).status).toBe('active');
  });

  it('lets the subscriber recover what it missed through $events', async () => {
    r.respondWith(503);
    const missed = await createBasic('down');
    await drainUntil(id, 2, 'dead');
    r.respondWith(200);
    expect(r.received).toHaveLength(1);

    const res = await t.request('GET', `/fhir/Subscription/${id}/$events?eventsSinceNumber=1`, { token: hackneySystem });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(statusOf(res.body)).toMatchObject({ type: 'query-event', eventsSinceStart: '2' });
    const events = eventsOf(res.body);
    expect(events.map((e) => e.number)).toEqual([1, 2]);
    expect(events[1]).toEqual({ number: 2, focus: `${FHIR_BASE}/Basic/${missed}` });
    expect(events.every((e) => e.focus)).toBe(true);
    expect(res.body.entry.slice(1).map((e: any) => e.fullUrl)).toEqual(events.map((e) => e.focus));

    const only = await t.request('GET', `/fhir/Subscription/${id}/$events?eventsSinceNumber=2&eventsUntilNumber=2&content=full-resource`, { token: hackneySystem });
    expect(eventsOf(only.body)).toEqual([{ number: 2, focus: `${FHIR_BASE}/Basic/${missed}` }]);
    expect(only.body.entry[1].resource).toMatchObject({ resourceType: 'Basic', id: missed });
    expectOutcome(await t.request('GET', `/fhir/Subscription/${id}/$events?content=everything`, { token: hackneySystem }), 400, { id: 'SUBSCRIPTION_EVENTS_CONTENT' });
    expectOutcome(await t.request('GET', `/fhir/Subscription/${id}/$events?eventsSinceNumber=first`, { token: hackneySystem }), 400, { id: 'SUBSCRIPTION_EVENTS_NUMBER' });
  });

  it('replays everything dead for one subscriber', async () => {
    const res = await replay([{ name: 'subscriber', valueString: `Subscription/${id}` }]);
    expect(res.body.parameter).toEqual([{ name: 'replayed', valueInteger: 1 }]);
    await drainUntil(id, 2, 'delivered');
    expect(eventsOf((await r.waitFor(2))[1]!.json).map((e) => e.number)).toEqual([2]);
  });
});

describe('a receiver that refuses', () => {
  it('is dead-lettered at once on a 4xx, not retried', async () => {
    const r = await receiver();
    r.respondWith(404);
    const id = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|gone`, r.url));
    await createBasic('gone');
    await drainEvents(t.platform);
    const [dead] = await deliveries(`subscriber=Subscription/${id}`);
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead!.log).toEqual([{ outcome: 'dead', httpStatus: 404 }]);

    r.respondWith(200);
    const res = await replay([{ name: 'all', valueBoolean: true }]);
    expect(res.body.parameter[0].valueInteger).toBeGreaterThanOrEqual(1);
    await drainUntil(id, 1, 'delivered');
    expect((await r.waitFor(1))[0]!.headers['x-sharedcare-event-id']).toBe(dead!.eventId);
  });

  it('is not reached when its address is no longer allowed at delivery time', async () => {
    const r = await receiver();
    const id = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|rebound`, r.url));
    const settings = t.platform.events.settings;
    const allowed = settings.webhookAllow;
    // As if the operator took the address off the allowlist (or the name now resolves inside the network).
    settings.webhookAllow = { hosts: [] };
    try {
      await createBasic('rebound');
      await drainEvents(t.platform);
    } finally {
      settings.webhookAllow = allowed;
    }
    const [dead] = await deliveries(`subscriber=Subscription/${id}`);
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead!.lastError).toMatch(/loopback/);
    expect(r.received).toEqual([]);
  });
});

describe('governance of notifications', () => {
  let hackney: WebhookReceiver;
  let city: WebhookReceiver;
  let hackneyId: string;

  const condition = (id: string, patient: string, source: string) => ({ resourceType: 'Condition', id, meta: sourceMeta(source),
    code: { coding: [{ system: CODE_SYSTEM, code: id }], text: id }, subject: { reference: `Patient/${patient}` } });

  async function put(resource: { resourceType: string; id: string; [element: string]: unknown }): Promise<TestResponse> {
    const res = await t.request('PUT', `/fhir/${resource.resourceType}/${resource.id}`, { token: operator, body: resource });
    expect(res.status, res.text).toBe(201);
    return res;
  }

  const foci = (r: WebhookReceiver) => r.received.flatMap((n) => notificationFoci(n.json));

  beforeAll(async () => {
    hackney = await receiver();
    city = await receiver();
    hackneyId = await subscribe(subscription('Condition?', hackney.url));
    await subscribe(subscription('Condition?', city.url), citySystem);
    // A person the City of London council supports, recorded in its own system.
    await put({ resourceType: 'Patient', id: 'erin-city', meta: sourceMeta(CITY_SOURCE), name: [{ family: 'Evans', given: ['Erin'] }], birthDate: '1945-05-05' });
  });

  it('tells each council system only of the conditions it may read', async () => {
    await put(condition('alice-council-cond', 'alice-council', SOURCE.council));
    await put(condition('erin-city-cond', 'erin-city', CITY_SOURCE));
    await drainEvents(t.platform);
    await hackney.waitFor(1);
    await city.waitFor(1);
    expect(foci(hackney)).toEqual([`${FHIR_BASE}/Condition/alice-council-cond`]);
    expect(foci(city)).toEqual([`${FHIR_BASE}/Condition/erin-city-cond`]);
    // Neither was given an event number for what it may not see.
    expect(eventsOf(hackney.received[0]!.json)).toEqual([{ number: 1, focus: `${FHIR_BASE}/Condition/alice-council-cond` }]);
    expect(eventsOf(city.received[0]!.json)).toEqual([{ number: 1, focus: `${FHIR_BASE}/Condition/erin-city-cond` }]);
  });

  it('keeps the owner\'s view when an operator changes the Subscription', async () => {
    const read = (await t.request('GET', `/fhir/Subscription/${hackneyId}`, { token: operator })).body;
    const updated = await t.request('PUT', `/fhir/Subscription/${hackneyId}`, { token: operator, body: { ...read, reason: 'Renamed by the operator' } });
    expect(updated.status, updated.text).toBe(200);
    const before = { hackney: hackney.received.length, city: city.received.length };
    await put(condition('erin-city-cond-2', 'erin-city', CITY_SOURCE));
    await drainEvents(t.platform);
    await city.waitFor(before.city + 1);
    expect(hackney.received.length).toBe(before.hackney);
    const status = await t.request('GET', `/fhir/Subscription/${hackneyId}/$status`, { token: hackneySystem });
    expect(status.status, status.text).toBe(200);
    expect(statusOf(status.body).eventsSinceStart).toBe('1');
  });

  it('tells no one of a condition of a person who withheld their record', async () => {
    const before = hackney.received.length;
    await put(condition('carol-council-cond', 'carol-council', SOURCE.council));
    await drainEvents(t.platform);
    expect(hackney.received.length).toBe(before);
    expect(foci(hackney)).not.toContain(`${FHIR_BASE}/Condition/carol-council-cond`);
    expect(foci(city)).not.toContain(`${FHIR_BASE}/Condition/carol-council-cond`);
  });

  it('leaves out a focus the owner may no longer read by the time it is sent', async () => {
    const before = hackney.received.length;
    await put(condition('dave-council-cond', 'dave-council', SOURCE.council));
    expect(await t.platform.eventWorkers.router.routeOnce()).toBeGreaterThan(0);
    // Dave asks that his record is not shared after the change was routed, before it is sent.
    await put({ resourceType: 'Consent', id: 'dave-dissent', status: 'active', scope: { text: 'patient-privacy' }, category: [{ text: 'dissent' }],
      patient: { reference: 'Patient/dave-council' }, policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] },
      provision: { type: 'deny' } });
    await drainEvents(t.platform);
    const [note] = (await hackney.waitFor(before + 1)).slice(before);
    expect(eventsOf(note!.json)).toEqual([{ number: 2 }]);
    expect(note!.body).not.toContain('dave-council');
    // $events rebuilds it the same way: the subscriber learns only that its counter moved on.
    const events = await t.request('GET', `/fhir/Subscription/${hackneyId}/$events?eventsSinceNumber=1`, { token: hackneySystem });
    expect(eventsOf(events.body)).toEqual([{ number: 1, focus: `${FHIR_BASE}/Condition/alice-council-cond` }, { number: 2 }]);
  });
});

describe('an external FHIR client', () => {
  it('creates a Subscription with fhir-kit-client and reads its $status', async () => {
    const r = await receiver();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const client = new FhirKitClient({ baseUrl: `${address}/fhir`, bearerToken: hackneySystem });
    const created: any = await client.create({ resourceType: 'Subscription',
      body: subscription(`Basic?code=${CODE_SYSTEM}|kit`, r.url, { extension: [{ url: SIGNING_SECRET_EXTENSION, valueString: SECRET }] }) as never });
    expect(created).toMatchObject({ resourceType: 'Subscription', status: 'active' });
    expect(JSON.stringify(created)).not.toContain(SECRET);
    await createBasic('kit');
    await drainEvents(t.platform);
    await r.waitFor(1);

    const status: any = await client.operation({ resourceType: 'Subscription', id: created.id, name: '$status', method: 'GET' });
    expect(status).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(statusOf(status)).toMatchObject({ status: 'active', type: 'query-status', eventsSinceStart: '1' });
    const events: any = await client.operation({ resourceType: 'Subscription', id: created.id, name: '$events', method: 'GET', input: { eventsSinceNumber: '1' } });
    expect(notificationFoci(events)).toHaveLength(1);
  });
});

describe('heartbeats', () => {
  it('sends a heartbeat when a subscription that asked for one has been quiet for its period, and only one per period', async () => {
    const r = await receiver();
    const id = await subscribe(subscription(`Basic?code=${CODE_SYSTEM}|quiet`, r.url, {}, { extension: [{ url: BACKPORT.heartbeatPeriod, valueUnsignedInt: 60 }] }));
    // Nothing is due yet: it has just been made.
    expect(await enqueueDueHeartbeats(t.platform.events)).toBe(0);
    const later = new Date(Date.now() + 61_000);
    expect(await enqueueDueHeartbeats(t.platform.events, later)).toBe(1);
    expect(await enqueueDueHeartbeats(t.platform.events, later)).toBe(0);
    await drainEvents(t.platform);
    const [beat] = await r.waitFor(1);
    expect(notificationType(beat!.json)).toBe('heartbeat');
    expect(statusOf(beat!.json)).toMatchObject({ subscription: `${FHIR_BASE}/Subscription/${id}`, eventsSinceStart: '0' });
    expect(notificationFoci(beat!.json)).toEqual([]);
    // Sent just now, so not due again within the period.
    expect(await enqueueDueHeartbeats(t.platform.events, new Date(Date.now() + 30_000))).toBe(0);
  });
});
