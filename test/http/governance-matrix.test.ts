// Who may see what, on every path. A table of callers × people × interaction paths (read, vread,
// search and its totals, _include/_revinclude, chains, _has, history, $everything, Person/$everything)
// asserting what is returned and that nothing denied leaks — not as a record, a total or a match.
// Each response is then checked against the audit trail: one patient entity per patient returned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorld, SENSITIVE_CODE, worldTokens, type CallerName } from '../support/governance-world.ts';
import { expectOutcome } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform, type TestResponse } from '../support/test-platform.ts';
import { auditedPatients, returnedPatients } from '../support/audit-trail.ts';

let t: TestPlatform;
let tokens: Record<CallerName, string>;
let counter = 0;

beforeAll(async () => {
  t = await startTestPlatform({ allowUpdateCreate: true });
  await loadWorld(t);
  tokens = await worldTokens(t);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** A request as `caller`, with a request id the audit trail can be searched by. */
async function as(caller: CallerName, method: string, url: string, body?: unknown): Promise<TestResponse & { requestId: string }> {
  const requestId = `gov-${++counter}-${caller}`;
  const res = await t.request(method, url, { token: tokens[caller], headers: { 'x-request-id': requestId }, ...(body !== undefined ? { body } : {}) });
  return { ...res, requestId };
}

/** Every resource id in a response (searchset entries, or the resource itself). */
function idsOf(res: TestResponse): string[] {
  if (res.body?.resourceType === 'Bundle') return (res.body.entry ?? []).map((e: any) => e.resource?.id).filter(Boolean);
  return res.body?.id ? [res.body.id] : [];
}

/** The paths by which `caller` might reach one person's clinical data, each with the ids it returned. */
async function everyPath(caller: CallerName, patientId: string, ids: { med?: string; cond: string; obs?: string }): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const take = async (name: string, url: string) => {
    const res = await as(caller, 'GET', url);
    out[name] = res.status === 200 ? idsOf(res) : [];
    out[`${name}:status`] = [String(res.status)];
    if (res.status === 200 && res.body?.resourceType === 'Bundle' && res.body.type === 'searchset' && res.body.total !== undefined) out[`${name}:total`] = [String(res.body.total)];
    await expectAudited(res);
  };
  await take('read', `/fhir/Condition/${ids.cond}`);
  await take('vread', `/fhir/Condition/${ids.cond}/_history/1`);
  await take('history', `/fhir/Condition/${ids.cond}/_history`);
  await take('search', `/fhir/Condition?patient=${patientId}&_total=accurate`);
  await take('searchAll', `/fhir/Condition?_total=accurate&_count=100`);
  await take('count', `/fhir/Condition?patient=${patientId}&_summary=count`);
  await take('revinclude', `/fhir/Patient?_id=${patientId}&_revinclude=Condition:subject`);
  await take('chain', `/fhir/Condition?subject:Patient._id=${patientId}`);
  await take('typeHistory', `/fhir/Condition/_history?_count=100`);
  await take('everything', `/fhir/Patient/${patientId}/$everything`);
  return out;
}

async function expectAudited(res: TestResponse & { requestId: string }): Promise<void> {
  const audited = await auditedPatients(t, res.requestId);
  expect(audited.outcome, `audit outcome of ${res.requestId}`).toBe(res.status < 400 ? 'success' : res.status === 401 || res.status === 403 ? 'denied' : 'failed');
  if (res.status === 200) expect(audited.patients.sort(), `audit patients of ${res.requestId}`).toEqual(returnedPatients(res.body).sort());
}

describe('a social worker with an open case (council record linked to the GP record)', () => {
  it('sees medications, diagnoses, visits and social care from every source, on every path', async () => {
    const paths = await everyPath('socialWorker', 'alice-gp', { cond: 'alice-cond' });
    for (const name of ['read', 'vread', 'history', 'search', 'searchAll', 'revinclude', 'chain', 'typeHistory', 'everything']) {
      expect(paths[name], name).toContain('alice-cond');
    }
    expect(paths['count:total']).toEqual(['1']);
    const everything = paths.everything!;
    for (const id of ['alice-gp', 'alice-med', 'alice-cond', 'alice-old-visit']) expect(everything).toContain(id);
    // The council's own record of the same person comes through Person/$everything.
    const person = (await as('socialWorker', 'GET', '/fhir/Person?identifier=' + encodeURIComponent('https://fhir.nhs.uk/Id/nhs-number|') + (await nhsOf('alice-gp'))));
    const personId = idsOf(person)[0]!;
    const whole = idsOf(await as('socialWorker', 'GET', `/fhir/Person/${personId}/$everything`));
    for (const id of ['alice-council', 'alice-episode', 'alice-plan', 'alice-flag', 'alice-med']) expect(whole).toContain(id);
  });

  it('never sees results (not their category) or sensitive data, and neither leaks through totals, chains or _has', async () => {
    expectOutcome(await as('socialWorker', 'GET', '/fhir/Observation/alice-obs'), 403, { id: 'POLICY_CATEGORY' });
    expectOutcome(await as('socialWorker', 'GET', '/fhir/Observation?patient=alice-gp'), 403, { id: 'POLICY_CATEGORY' });
    const paths = await everyPath('socialWorker', 'alice-gp', { cond: 'alice-sensitive' });
    expect(paths['read:status']).toEqual(['404']);
    expect(paths['vread:status']).toEqual(['404']);
    expect(paths['history:status']).toEqual(['404']);
    for (const name of ['search', 'searchAll', 'revinclude', 'chain', 'typeHistory', 'everything']) expect(paths[name], name).not.toContain('alice-sensitive');
    for (const name of ['search', 'searchAll', 'revinclude', 'chain', 'typeHistory', 'everything']) expect(paths[name], name).not.toContain('alice-obs');
    const oracle = await as('socialWorker', 'GET', `/fhir/Patient?_has:Condition:subject:code=${SENSITIVE_CODE}&_total=accurate`);
    expect(oracle.status).toBe(200);
    expect(idsOf(oracle)).toEqual([]);
    expect(oracle.body.total).toBe(0);
    const byCode = await as('socialWorker', 'GET', `/fhir/Condition?code=${SENSITIVE_CODE}&_summary=count`);
    expect(byCode.body.total).toBe(0);
  });

  it('finds a person they have no relationship with, but is told to claim one before seeing their record', async () => {
    expect((await as('socialWorker', 'GET', '/fhir/Patient/bob-gp')).status).toBe(200);
    const paths = await everyPath('socialWorker', 'bob-gp', { cond: 'bob-cond' });
    expect(paths['read:status']).toEqual(['404']);
    for (const name of ['search', 'searchAll', 'revinclude', 'chain', 'typeHistory']) expect(paths[name], name).not.toContain('bob-cond');
    expect(paths['count:total']).toEqual(['0']);
    expect(paths['everything:status']).toEqual(['403']);
    // A record hidden from the caller answers exactly as one that does not exist.
    const hidden = await as('socialWorker', 'GET', '/fhir/Condition/bob-cond');
    const missing = await as('socialWorker', 'GET', '/fhir/Condition/no-such-cond');
    expect(hidden.status).toBe(missing.status);
    expect(hidden.text.replaceAll('bob-cond', 'X')).toBe(missing.text.replaceAll('no-such-cond', 'X'));
    const refused = await as('socialWorker', 'GET', '/fhir/Patient/bob-gp/$everything');
    expectOutcome(refused, 403, { id: 'POLICY_RELATIONSHIP_REQUIRED' });
    expect(JSON.stringify(refused.body)).not.toContain('asthma');
  });

  it('a case whose council is named by its code (as council extracts name it) is a relationship too', async () => {
    expect((await as('socialWorker', 'GET', '/fhir/Condition/dave-cond')).status).toBe(200);
    expect((await as('otherCouncilSocialWorker', 'GET', '/fhir/Condition/dave-cond')).status).toBe(404);
  });

  it('a social worker of another council sees nothing of the first council\'s case', async () => {
    const paths = await everyPath('otherCouncilSocialWorker', 'alice-gp', { cond: 'alice-cond' });
    expect(paths['read:status']).toEqual(['404']);
    for (const name of ['search', 'searchAll', 'revinclude', 'chain', 'typeHistory']) expect(paths[name], name).toEqual(name === 'revinclude' ? ['alice-gp'] : []);
    expect(paths['everything:status']).toEqual(['403']);
  });
});

describe('an A&E doctor', () => {
  it('sees the record of the patient in their department now, including results', async () => {
    const paths = await everyPath('aeDoctor', 'bob-gp', { cond: 'bob-cond' });
    for (const name of ['read', 'search', 'revinclude', 'chain', 'everything']) expect(paths[name], name).toContain('bob-cond');
    expect(paths.everything).toContain('bob-obs');
  });

  it('has no relationship with a patient seen years ago; a self-claim (with a reason) opens the record but not sensitive data; break-glass opens that too', async () => {
    expect((await as('aeDoctor', 'GET', '/fhir/Condition/alice-cond')).status).toBe(404);
    const status = await as('aeDoctor', 'GET', '/fhir/Patient/alice-gp/$access');
    expect(status.body.parameter).toEqual(expect.arrayContaining([{ name: 'visible', valueBoolean: false }, { name: 'canBreakGlass', valueBoolean: true }]));
    const tooShort = await as('aeDoctor', 'POST', '/fhir/Patient/alice-gp/$claim-access', params({ kind: 'self-claim', reason: 'because' }));
    expectOutcome(tooShort, 400, { id: 'POLICY_CLAIM_REASON' });
    const claim = await as('aeDoctor', 'POST', '/fhir/Patient/alice-gp/$claim-access', params({ kind: 'self-claim', reason: 'Attending in the frailty clinic today' }));
    expect(claim.status, claim.text).toBe(200);
    const claimed = idsOf(await as('aeDoctor', 'GET', '/fhir/Patient/alice-gp/$everything'));
    expect(claimed).toEqual(expect.arrayContaining(['alice-cond', 'alice-obs', 'alice-med']));
    expect(claimed).not.toContain('alice-sensitive');
    const audit = await auditedPatients(t, claim.requestId);
    expect(audit).toMatchObject({ basis: 'self-claimed', reason: 'Attending in the frailty clinic today', patients: ['Patient/alice-gp'] });

    const glass = await as('aeDoctor', 'POST', '/fhir/Patient/alice-gp/$claim-access', params({ kind: 'break-glass', reason: 'Unconscious on arrival, no history available' }));
    expect(glass.status).toBe(200);
    const opened = await as('aeDoctor', 'GET', '/fhir/Patient/alice-gp/$everything');
    expect(idsOf(opened)).toContain('alice-sensitive');
    expect(await auditedPatients(t, opened.requestId)).toMatchObject({ basis: 'break-glass', purpose: 'BTG', reason: 'Unconscious on arrival, no history available' });
  });

  it('a role that may not break glass is refused, and the refusal is audited', async () => {
    const res = await as('socialWorker', 'POST', '/fhir/Patient/bob-gp/$claim-access', params({ kind: 'break-glass', reason: 'I would like to see everything' }));
    expectOutcome(res, 403, { id: 'POLICY_CLAIM_ROLE' });
    expect(await auditedPatients(t, res.requestId)).toMatchObject({ outcome: 'denied', patients: ['Patient/bob-gp'] });
  });
});

describe('other roles and callers', () => {
  it('a GP sees their registered patients\' records', async () => {
    const paths = await everyPath('gp', 'bob-gp', { cond: 'bob-cond' });
    expect(paths.everything).toEqual(expect.arrayContaining(['bob-cond', 'bob-obs', 'bob-visit']));
  });

  it('a receptionist sees visits but never diagnoses; a privacy officer sees no clinical data at all', async () => {
    expect(idsOf(await as('receptionist', 'GET', '/fhir/Encounter?patient=bob-gp'))).toEqual(['bob-visit']);
    // _include from a permitted resource to a forbidden one leaves the forbidden one out.
    expect(idsOf(await as('receptionist', 'GET', '/fhir/Encounter?_id=bob-visit&_include=Encounter:diagnosis'))).toEqual(['bob-visit']);
    expect(idsOf(await as('aeDoctor', 'GET', '/fhir/Encounter?_id=bob-visit&_include=Encounter:diagnosis')).sort()).toEqual(['bob-cond', 'bob-visit']);
    expectOutcome(await as('receptionist', 'GET', '/fhir/Condition/bob-cond'), 403, { id: 'POLICY_CATEGORY' });
    const everything = idsOf(await as('receptionist', 'GET', '/fhir/Patient/bob-gp/$everything'));
    expect(everything).toContain('bob-visit');
    expect(everything).not.toContain('bob-cond');
    expectOutcome(await as('privacyOfficer', 'GET', '/fhir/Condition?patient=bob-gp'), 403, { id: 'POLICY_CATEGORY' });
    expect((await as('privacyOfficer', 'GET', '/fhir/Patient/bob-gp')).status).toBe(200);
  });

  it('a citizen sees their own record from every source, and no one else\'s', async () => {
    const own = idsOf(await as('citizenAlice', 'GET', '/fhir/Condition?_count=100'));
    expect(own.sort()).toEqual(['alice-cond', 'alice-sensitive']);
    expect(idsOf(await as('citizenAlice', 'GET', '/fhir/Patient')).sort()).toEqual(['alice-council', 'alice-gp']);
    expect((await as('citizenAlice', 'GET', '/fhir/Condition/bob-cond')).status).toBe(404);
    expect((await as('citizenAlice', 'GET', '/fhir/Patient/bob-gp/$everything')).status).toBe(404);
  });

  it('a trust system sees everyone who has not dissented, without sensitive data', async () => {
    const all = idsOf(await as('trustSystem', 'GET', '/fhir/Condition?_count=100'));
    expect(all).toEqual(expect.arrayContaining(['alice-cond', 'bob-cond', 'dave-cond']));
    expect(all).not.toContain('carol-cond');
    expect(all).not.toContain('alice-sensitive');
  });
});

describe('consent', () => {
  it('a person\'s dissent hides their record from their own council, even with an open case; withdrawal binds the very next request', async () => {
    expectOutcome(await as('socialWorker', 'GET', '/fhir/Patient/carol-council/$everything'), 403, { id: 'POLICY_DISSENT' });
    expect((await as('socialWorker', 'GET', '/fhir/Condition/carol-cond')).status).toBe(404);
    expect(idsOf(await as('socialWorker', 'GET', '/fhir/Condition?_count=100'))).not.toContain('carol-cond');
    const current = await t.request('GET', '/fhir/Consent/carol-dissent');
    const withdrawn = await t.request('PUT', '/fhir/Consent/carol-dissent', { body: { ...current.body, status: 'inactive' } });
    expect(withdrawn.status).toBe(200);
    expect((await as('socialWorker', 'GET', '/fhir/Condition/carol-cond')).status).toBe(200);
    await t.request('PUT', '/fhir/Consent/carol-dissent', { body: { ...current.body, meta: undefined } });
    expect((await as('socialWorker', 'GET', '/fhir/Condition/carol-cond')).status).toBe(404);
  });

  it('without an agreement for secondary uses, a research extract sees nothing any source sent', async () => {
    expect(idsOf(await as('researchSystem', 'GET', '/fhir/Condition?_count=100'))).toEqual([]);
  });

  it('a Consent that could be misread is refused on write', async () => {
    const base = { resourceType: 'Consent', status: 'active', scope: { text: 'patient-privacy' }, category: [{ text: 'dissent' }], policyRule: { text: 'dissent' } };
    expectOutcome(await t.request('POST', '/fhir/Consent', { body: { ...base, patient: { reference: 'Patient/nobody-yet' }, provision: { type: 'deny' } } }), 400,
      { id: 'CONSENT_PATIENT_UNKNOWN' });
    expectOutcome(await t.request('POST', '/fhir/Consent', { body: { ...base, patient: { reference: 'Patient/bob-gp' }, provision: { type: 'deny', actor: [] } } }), 400);
    expectOutcome(await t.request('POST', '/fhir/Consent', { body: { ...base, patient: { reference: 'Patient/bob-gp' }, provision: { actor: [{ role: { text: 'x' }, reference: { reference: 'Organization/rqx' } }] } } }), 400,
      { id: 'CONSENT_PROVISION_TYPE' });
  });
});

async function nhsOf(patientId: string): Promise<string> {
  return (await t.request('GET', `/fhir/Patient/${patientId}`)).body.identifier[0].value;
}

function params(values: Record<string, string>): unknown {
  return { resourceType: 'Parameters', parameter: Object.entries(values).map(([name, value]) => ({ name, valueString: value })) };
}
