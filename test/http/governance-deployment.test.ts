// A deployment's own policy: data-sharing agreements that share only some categories of one
// source's data with one organisation, and Hackney-style consent to view asked at each access.
// Also: requests refused before a token is read are audited, and when the audit trail cannot be
// written the request fails closed with no data in the answer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOutcome } from '../support/fhir-fixtures.ts';
import { auditedPatients } from '../support/audit-trail.ts';
import { loadWorld, ORG, SOURCE, worldTokens, type CallerName } from '../support/governance-world.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';
import { sourceMeta } from '../../src/ingest/provenance.ts';

let t: TestPlatform;
let tokens: Record<CallerName, string>;
let counter = 0;

beforeAll(async () => {
  const policyFile = join(mkdtempSync(join(tmpdir(), 'sharedcare-policy-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify({
    agreements: [
      { id: 'gp-conditions-to-council', name: 'GP diagnoses for social care', from: [ORG.practice], to: [ORG.council], categories: ['conditions', 'demographics'], purposes: ['direct-care'] },
      { id: 'council-and-trust-to-all', name: 'Council and trust share for direct care', from: [ORG.council, ORG.trust], to: ['*'], categories: ['*'], purposes: ['direct-care'] },
      { id: 'research', name: 'Linked data for an approved study', from: ['*'], to: ['X26'], categories: ['*'], purposes: ['secondary'] },
    ],
    sources: { [SOURCE.council]: ORG.council, [SOURCE.gp]: ORG.practice, [SOURCE.hospital]: ORG.trust },
    consent: { consentToView: true },
  }));
  t = await startTestPlatform({ allowUpdateCreate: true, policyFile });
  await loadWorld(t);
  tokens = await worldTokens(t);
  // One fact from a source no agreement names, and one written here through the API (no source).
  await t.request('PUT', '/fhir/Condition/alice-unlisted', { body: { resourceType: 'Condition', id: 'alice-unlisted', meta: sourceMeta('unlisted-system'),
    code: { text: 'from a source no agreement names' }, subject: { reference: 'Patient/alice-gp' } } });
  await t.request('PUT', '/fhir/Condition/alice-local', { body: { resourceType: 'Condition', id: 'alice-local', code: { text: 'recorded here' },
    subject: { reference: 'Patient/alice-gp' } } });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function as(caller: CallerName, method: string, url: string, body?: unknown) {
  const requestId = `dep-${++counter}-${caller}`;
  const res = await t.request(method, url, { token: tokens[caller], headers: { 'x-request-id': requestId }, ...(body !== undefined ? { body } : {}) });
  return { ...res, requestId };
}

const ids = (res: { body: any }) => (res.body?.entry ?? []).map((e: any) => e.resource.id as string);
const answer = (value: 'given' | 'refused', note?: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'answer', valueCode: value },
  ...(note ? [{ name: 'note', valueString: note }] : [])] });

describe('consent to view', () => {
  it('is asked before the record is shown; a refusal is kept and reported; a yes opens the record for the session', async () => {
    expectOutcome(await as('socialWorker', 'GET', '/fhir/Patient/alice-gp/$everything'), 403, { id: 'POLICY_CONSENT_TO_VIEW' });
    const refused = await as('socialWorker', 'POST', '/fhir/Patient/alice-gp/$consent-to-view', answer('refused', 'asked at home visit'));
    expect(refused.status, refused.text).toBe(200);
    expect(await auditedPatients(t, refused.requestId)).toMatchObject({ outcome: 'success', reason: 'refused: asked at home visit', patients: ['Patient/alice-gp'] });
    expectOutcome(await as('socialWorker', 'GET', '/fhir/Patient/alice-gp/$everything'), 403, { id: 'POLICY_CONSENT_TO_VIEW' });
    expect((await as('socialWorker', 'GET', '/fhir/Condition/alice-cond')).status).toBe(404);

    const report = await as('privacyOfficer', 'GET', '/fhir/$audit-report?report=consent-refusals');
    expect(report.status, report.text).toBe(200);
    expect(JSON.stringify(report.body)).toContain('asked at home visit');

    expect((await as('socialWorker', 'POST', '/fhir/Patient/alice-gp/$consent-to-view', answer('given'))).status).toBe(200);
    expect((await as('socialWorker', 'GET', '/fhir/Patient/alice-gp/$everything')).status).toBe(200);
  });
});

describe('data-sharing agreements', () => {
  it('share the GP\'s diagnoses with the council but not its medications; the council\'s and the trust\'s own data flow', async () => {
    await as('socialWorker', 'POST', '/fhir/Patient/alice-gp/$consent-to-view', answer('given'));
    const res = await as('socialWorker', 'GET', '/fhir/Person/' + (await personOf('alice-gp')) + '/$everything');
    expect(res.status, res.text).toBe(200);
    const seen = ids(res);
    expect(seen).toEqual(expect.arrayContaining(['alice-cond', 'alice-plan', 'alice-episode', 'alice-old-visit', 'alice-local']));
    expect(seen).not.toContain('alice-med');
    expect(seen).not.toContain('alice-unlisted');
    expect((await as('socialWorker', 'GET', '/fhir/MedicationStatement/alice-med')).status).toBe(404);
    expect((await as('socialWorker', 'GET', '/fhir/MedicationStatement?patient=alice-gp&_summary=count')).body.total).toBe(0);
  });

  it('the practice always sees what it sent', async () => {
    await as('gp', 'POST', '/fhir/Patient/alice-gp/$consent-to-view', answer('given'));
    expect(ids(await as('gp', 'GET', '/fhir/MedicationStatement?patient=alice-gp'))).toEqual(['alice-med']);
  });
});

describe('opt-outs', () => {
  it('the national data opt-out applies to secondary uses, never to direct care', async () => {
    const research = ids(await as('researchSystem', 'GET', '/fhir/Condition?_count=100'));
    expect(research).not.toContain('dave-cond');
    expect(research).toEqual(expect.arrayContaining(['alice-cond', 'carol-cond']));
    expect((await as('researchSystem', 'GET', '/fhir/Patient/dave-council')).status).toBe(404);
    await as('socialWorker', 'POST', '/fhir/Patient/dave-council/$consent-to-view', answer('given'));
    expect((await as('socialWorker', 'GET', '/fhir/Condition/dave-cond')).status).toBe(200);
  });
});

describe('the audit trail', () => {
  it('records a request refused for want of a token', async () => {
    const res = await t.request('GET', '/fhir/Patient/alice-gp', { token: null, headers: { 'x-request-id': 'no-token-1' } });
    expect(res.status).toBe(401);
    expect(await auditedPatients(t, 'no-token-1')).toMatchObject({ outcome: 'denied' });
  });

  it('fails closed: when the audit cannot be written, the answer is a 503 without the data', async () => {
    await t.platform.driver.query('ALTER TABLE audit_event RENAME TO audit_event_away');
    try {
      const res = await t.request('GET', '/fhir/Patient/alice-gp');
      expectOutcome(res, 503, { id: 'AUDIT_UNAVAILABLE' });
      expect(res.text).not.toContain('Archer');
    } finally {
      await t.platform.driver.query('ALTER TABLE audit_event_away RENAME TO audit_event');
    }
    expect((await t.request('GET', '/fhir/Patient/alice-gp')).status).toBe(200);
  });
});

async function personOf(patientId: string): Promise<string> {
  const { rows } = await t.platform.driver.query<{ person_id: string }>('SELECT person_id FROM identity_link WHERE patient_id = $1', [patientId]);
  return rows[0]!.person_id;
}
