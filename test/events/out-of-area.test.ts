// A person known to a council this deployment does not serve: their admission goes to that council's
// own system as a FHIR message, or, when it has none, as a readable notice in the secure-email
// outbox. The locator's council table says which.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_LOCATOR_DIR } from '../../src/events/locator/locator-table.ts';
import { ORG, loadWorld } from '../support/governance-world.ts';
import { drainEvents } from '../support/events.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

/** The sample locator tables, with Hackney (the world's council) reached as `how`. */
function locatorWith(how: { endpoint?: string; email?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sharedcare-locator-'));
  for (const file of ['postcodes.csv', 'overrides.csv']) writeFileSync(join(dir, file), readFileSync(join(SAMPLE_LOCATOR_DIR, file)));
  const councils = readFileSync(join(SAMPLE_LOCATOR_DIR, 'councils.csv'), 'utf8').split('\n')
    .map((line) => (line.startsWith(`${ORG.council},`) ? `${ORG.council},London Borough of Hackney,${how.endpoint ?? ''},${how.email ?? ''},false,,` : line));
  writeFileSync(join(dir, 'councils.csv'), councils.join('\n'));
  return dir;
}

/** The audit trail's record of what was disclosed, and about whom. */
async function disclosures(t: TestPlatform, operation: string) {
  const { rows } = await t.platform.driver.query('SELECT agent_subject, patients FROM audit_event WHERE operation = $1', [operation]);
  return rows;
}

const admit = (t: TestPlatform) => t.request('PUT', '/fhir/Encounter/alice-away', { body: {
  resourceType: 'Encounter', id: 'alice-away', status: 'in-progress', class: { code: 'IMP' }, subject: { reference: 'Patient/alice-gp' },
  serviceProvider: { reference: 'Organization/rqx', display: 'Homerton Healthcare' }, period: { start: new Date().toISOString() },
  location: [{ location: { display: 'Ward 9' }, status: 'active' }],
} });

describe('a council with its own system', () => {
  let t: TestPlatform;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver('/fhir');
    t = await startTestPlatform({ allowUpdateCreate: true, webhookAllow: ['127.0.0.1'], locatorDir: locatorWith({ endpoint: receiver.url }) });
    await loadWorld(t);
    await drainEvents(t.platform);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('receives the admission as a FHIR message at its $process-message, and no Task is left here', async () => {
    expect((await admit(t)).status).toBe(201);
    await drainEvents(t.platform);
    const [message] = await receiver.waitFor(1);
    expect(message!.json.type).toBe('message');
    const header = message!.json.entry[0].resource;
    expect(header).toMatchObject({ resourceType: 'MessageHeader', eventCoding: { code: 'admission' } });
    expect(message!.json.entry.map((e: any) => e.resource.resourceType)).toEqual(['MessageHeader', 'Encounter', 'Patient']);
    expect(message!.headers['x-sharedcare-event-id']).toBeDefined();
    const tasks = await t.request('GET', '/fhir/Task?patient=alice-council');
    expect(tasks.body.entry ?? []).toEqual([]);
    expect(await disclosures(t, 'notify-fhir-message')).toEqual([{ agent_subject: 'sharedcare-events', patients: ['Patient/alice-gp'] }]);
  });
});

describe('a council with only a secure-email address', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ allowUpdateCreate: true, locatorDir: locatorWith({ email: 'hospital.notices@hackney.example' }) });
    await loadWorld(t);
    await drainEvents(t.platform);
  });
  afterAll(async () => t?.close());

  it('gets a readable notice in the mail outbox, named by its event', async () => {
    expect((await admit(t)).status).toBe(201);
    await drainEvents(t.platform);
    const dir = t.platform.events.settings.mailDir;
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = readFileSync(join(dir, files[0]!), 'utf8');
    expect(mail).toContain('To: hospital.notices@hackney.example');
    expect(mail).not.toMatch(/Subject:.*Archer/);
    const html = Buffer.from(mail.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(html).toContain('Archer');
    expect(html).toContain('Ward 9');
    expect(await disclosures(t, 'notify-secure-email')).toEqual([{ agent_subject: 'sharedcare-events', patients: ['Patient/alice-gp'] }]);
  });

  it('finds the council from the address when the record names none, and writes to it', async () => {
    // Erin has an open adult social-care episode that names no council; she lives in Lincoln.
    const council = { source: 'urn:sharedcare:source:mosaic-hackney' };
    for (const resource of [
      { resourceType: 'Patient', id: 'erin', meta: council, name: [{ family: 'Evans', given: ['Erin'] }], birthDate: '1945-05-05',
        address: [{ use: 'home', line: ['3 Minster Yard'], city: 'Lincoln', postalCode: 'LN2 1PX' }] },
      { resourceType: 'EpisodeOfCare', id: 'erin-episode', meta: council, status: 'active', patient: { reference: 'Patient/erin' },
        type: [{ coding: [{ system: 'urn:sharedcare:codesystem:social-care-record-category', code: 'adult-social-care' }] }] },
      { resourceType: 'Encounter', id: 'erin-stay', status: 'in-progress', class: { code: 'IMP' }, subject: { reference: 'Patient/erin' },
        serviceProvider: { reference: 'Organization/rqx', display: 'Homerton Healthcare' }, period: { start: new Date().toISOString() } },
    ]) expect((await t.request('PUT', `/fhir/${resource.resourceType}/${resource.id}`, { body: resource })).status).toBe(201);
    await drainEvents(t.platform);
    const mails = readdirSync(t.platform.events.settings.mailDir).map((f) => readFileSync(join(t.platform.events.settings.mailDir, f), 'utf8'));
    const toLincolnshire = mails.filter((m) => m.includes('To: customer.service.hospitals@lincolnshire.example'));
    expect(toLincolnshire).toHaveLength(1);
    expect(Buffer.from(toLincolnshire[0]!.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8')).toContain('Evans');
  });
});
