// A transaction Bundle's creates pass the same write checks as single creates: a Consent must be
// about a known person (one created in the same Bundle counts), and a Subscription's endpoint must
// pass the SSRF guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => t?.close());

const dissent = (patient: string) => ({
  resourceType: 'Consent', status: 'active', scope: { text: 'patient-privacy' }, category: [{ text: 'dissent' }], patient: { reference: patient },
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] }, provision: { type: 'deny' },
});

const transaction = (...entry: object[]) => ({ resourceType: 'Bundle', type: 'transaction', entry });

describe('write checks inside a transaction Bundle', () => {
  it('accepts a Consent about a Patient created in the same Bundle', async () => {
    const res = await t.request('POST', '/fhir', { body: transaction(
      { fullUrl: 'urn:uuid:3a7c1f0e-1111-4c1d-9a1e-000000000001', resource: { resourceType: 'Patient', name: [{ family: 'Bundled' }] }, request: { method: 'POST', url: 'Patient' } },
      { resource: dissent('urn:uuid:3a7c1f0e-1111-4c1d-9a1e-000000000001'), request: { method: 'POST', url: 'Consent' } },
    ) });
    expect(res.status, res.text).toBe(200);
  });

  it('refuses a Consent about an unknown person, and writes nothing', async () => {
    const before = (await t.request('GET', '/fhir/Patient?_summary=count')).body.total;
    const res = await t.request('POST', '/fhir', { body: transaction(
      { resource: { resourceType: 'Patient', name: [{ family: 'Rolledback' }] }, request: { method: 'POST', url: 'Patient' } },
      { resource: dissent('Patient/nobody-here'), request: { method: 'POST', url: 'Consent' } },
    ) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('CONSENT_PATIENT_UNKNOWN');
    expect((await t.request('GET', '/fhir/Patient?_summary=count')).body.total).toBe(before);
  });

  it('refuses a Subscription to the cloud metadata address', async () => {
    const res = await t.request('POST', '/fhir', { body: transaction({ request: { method: 'POST', url: 'Subscription' }, resource: {
      resourceType: 'Subscription', status: 'requested', reason: 'x', criteria: 'Basic?code=x',
      channel: { type: 'rest-hook', endpoint: 'http://169.254.169.254/latest/meta-data', payload: 'application/fhir+json' } } }) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('Subscription.channel.endpoint');
  });
});
