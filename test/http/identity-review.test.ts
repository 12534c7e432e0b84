// The review queue and person links over HTTP: listing candidates with their evidence, deciding
// (link merges persons, reject records a rule, twice is a conflict), unlinking, link history,
// and refusals for missing scopes and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkStore } from '../../src/identity/links/link-store.ts';
import { addSourcePatient, pairScore } from '../support/identity-records.ts';
import { expectOutcome, unique } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const params = (...parameter: unknown[]) => ({ resourceType: 'Parameters', parameter });
const partsOf = (p: any): Record<string, any> => Object.fromEntries(p.part.map((x: any) => [x.name, x.valueString ?? x.valueCode ?? x.valueDecimal ?? x.valueBoolean
  ?? x.valueInstant ?? x.valueReference?.reference ?? (x.part ? partsOf(x) : undefined)]));
const candidatesOf = (body: any) => body.parameter.filter((p: any) => p.name === 'candidate').map(partsOf);
const at = (name: string) => `Parameters.parameter.where(name='${name}')`;
const withStore = <T>(fn: (s: LinkStore) => Promise<T>) => t.platform.repo.transaction((repo, sql) => fn(new LinkStore(repo, sql)));

/** Two persons of one record each with an open candidate between them; returns ids. */
async function pair(weight = 4.5): Promise<{ left: string; right: string; leftPerson: string; rightPerson: string; candidate: string }> {
  const prefix = unique('r');
  const [left, right] = [`${prefix}-a`, `${prefix}-b`];
  await addSourcePatient(t.platform.repo, left, { family: 'SMITH', given: 'JOHN', birthDate: '1970-01-01', sex: 'M' });
  await addSourcePatient(t.platform.repo, right, { family: 'SMYTH', given: 'JOHN', birthDate: '1970-01-01', sex: 'M' });
  return withStore(async (s) => {
    const [leftPerson, rightPerson] = [s.newPersonId(), s.newPersonId()];
    await s.applyLinks([
      { patientId: left, personId: leftPerson, kind: 'auto', basis: 'sole' },
      { patientId: right, personId: rightPerson, kind: 'auto', basis: 'sole' },
    ], 'sharedcare:matcher');
    await s.upsertCandidates([pairScore(left, right, weight)]);
    const [c] = (await s.listCandidates({ status: 'open', limit: 1000, offset: 0 })).filter((x) => x.left.patientId === left);
    return { left, right, leftPerson, rightPerson, candidate: c!.id };
  });
}

const decide = (candidate: string, decision: string, reason?: string, token?: string) => t.request('POST', '/fhir/$match-review-decide', {
  body: params({ name: 'candidate', valueString: candidate }, { name: 'decision', valueCode: decision }, ...(reason !== undefined ? [{ name: 'reason', valueString: reason }] : [])),
  ...(token ? { token } : {}),
});

describe('$match-review', () => {
  it('lists open candidates with both records, weight, probability, grade, per-field weights and reason', async () => {
    const p = await pair(57.5);
    const res = await t.request('GET', '/fhir/$match-review?_count=1');
    expect(res.status, res.text).toBe(200);
    const [c] = candidatesOf(res.body);
    expect(c).toMatchObject({
      id: p.candidate, status: 'open', weight: 57.5, grade: 'probable', reason: 'Surname similar (SMITH / SMYTH); date of birth exact',
      left: { patient: `Patient/${p.left}`, person: `Person/${p.leftPerson}`, family: 'SMITH', birthDate: '1970-01-01', sex: 'M' },
      right: { patient: `Patient/${p.right}`, person: `Person/${p.rightPerson}`, family: 'SMYTH' },
    });
    expect(c.probability).toBeGreaterThan(0.99);
    const fields = res.body.parameter.find((x: any) => x.name === 'candidate').part.filter((x: any) => x.name === 'field').map(partsOf);
    expect(fields[0]).toEqual({ field: 'name', level: 'jaro-winkler-0.92', weight: 51.5, left: 'SMITH', right: 'SMYTH' });
    expect(res.body.parameter.find((x: any) => x.name === 'total').valueInteger).toBeGreaterThanOrEqual(1);
  });

  it('pages with _count and _offset, and filters by status', async () => {
    await pair(1.1);
    await pair(1.2);
    const first = await t.request('GET', '/fhir/$match-review?_count=1');
    const next = first.body.parameter.find((x: any) => x.name === 'next')?.valueInteger;
    expect(next).toBe(1);
    const second = await t.request('GET', `/fhir/$match-review?_count=1&_offset=${next}`);
    expect(candidatesOf(second.body)[0].id).not.toBe(candidatesOf(first.body)[0].id);
    expect(candidatesOf((await t.request('GET', '/fhir/$match-review?status=superseded')).body)).toEqual([]);
  });

  it('refuses a bad status or count with its location, and tokens without read access to Patient and Person', async () => {
    expectOutcome(await t.request('GET', '/fhir/$match-review?status=maybe'), 400, { expression: 'status' });
    expectOutcome(await t.request('GET', '/fhir/$match-review?_count=x'), 400, { expression: '_count' });
    expectOutcome(await t.request('GET', '/fhir/$match-review', { token: await t.token('user/Patient.r') }), 403, { id: 'AUTH_IDENTITY_SCOPE' });
    expectOutcome(await t.request('GET', '/fhir/$match-review', { token: await t.token('patient/*.r', { patient: 'x' }) }), 403);
    expect((await t.request('GET', '/fhir/$match-review', { token: await t.token('user/Patient.r user/Person.r') })).status).toBe(200);
  });
});

describe('$match-review-decide', () => {
  it('link merges the right person into the left one and records who decided and why', async () => {
    const p = await pair();
    const token = await t.token('user/Patient.ru user/Person.cru', { subject: 'reviewer-ann' });
    const res = await decide(p.candidate, 'link', 'Same person: surname misspelt at registration', token);
    expect(res.status, res.text).toBe(200);
    const [c] = candidatesOf(res.body);
    expect(c).toMatchObject({ status: 'linked', decidedBy: 'reviewer-ann', decisionReason: 'Same person: surname misspelt at registration' });
    expect(res.body.parameter.find((x: any) => x.name === 'person').valueReference.reference).toBe(`Person/${p.leftPerson}`);
    const person = await t.request('GET', `/fhir/Person/${p.leftPerson}`);
    expect(person.body.link.map((l: any) => [l.target.reference, l.assurance])).toEqual([[`Patient/${p.left}`, 'level1'], [`Patient/${p.right}`, 'level4']]);
    const absorbed = await t.request('GET', `/fhir/Person/${p.rightPerson}`);
    expect(absorbed.body).toMatchObject({ active: false, link: [{ target: { reference: `Person/${p.leftPerson}` } }] });

    const again = expectOutcome(await decide(p.candidate, 'reject', 'changed my mind'), 409, { id: 'IDENTITY_CANDIDATE_DECIDED', expression: at('candidate') });
    expect(again.issue[0].diagnostics ?? again.issue[0].details?.text).toMatch(/already linked/);
  });

  it('reject records a different rule and keeps the persons apart', async () => {
    const p = await pair();
    const res = await decide(p.candidate, 'reject', 'Different NHS numbers on paper records');
    expect(candidatesOf(res.body)[0]).toMatchObject({ status: 'rejected' });
    const rules = await withStore((s) => s.rulesAmong([p.left]));
    expect(rules.map((r) => r.rule)).toEqual(['different']);
    expect((await t.request('GET', `/fhir/Person/${p.rightPerson}`)).body.active).toBe(true);
  });

  it('refuses a missing reason, a bad decision, an unknown candidate, and tokens that may not write persons', async () => {
    const p = await pair();
    expectOutcome(await decide(p.candidate, 'link'), 400, { id: 'IDENTITY_REASON_REQUIRED', expression: at('reason') });
    expectOutcome(await decide(p.candidate, 'link', '   '), 400, { expression: at('reason') });
    expectOutcome(await decide(p.candidate, 'maybe', 'why'), 400, { expression: at('decision') });
    expectOutcome(await decide('987654321', 'link', 'why'), 404, { id: 'IDENTITY_CANDIDATE_NOT_FOUND', expression: at('candidate') });
    expectOutcome(await t.request('POST', '/fhir/$match-review-decide', { body: params() }), 400, { expression: at('candidate') });
    expectOutcome(await decide(p.candidate, 'link', 'why', await t.token('user/Patient.r user/Person.r')), 403, { id: 'AUTH_IDENTITY_SCOPE' });
    expectOutcome(await decide(p.candidate, 'link', 'why', await t.token('user/Patient.ru user/Person.ru')), 403);
    expectOutcome(await t.request('GET', '/fhir/$match-review-decide'), 405);
    expect((await withStore((s) => s.getCandidate(p.candidate)))?.status).toBe('open');
  });
});

describe('Person/{id}/$unlink and $link-history', () => {
  it('unlinks a record into a new person and shows the history newest first', async () => {
    const p = await pair();
    await decide(p.candidate, 'link', 'same person');
    const token = await t.token('user/Patient.ru user/Person.cru', { subject: 'reviewer-bob' });
    const res = await t.request('POST', `/fhir/Person/${p.leftPerson}/$unlink`, {
      body: params({ name: 'patient', valueReference: { reference: `Patient/${p.right}` } }, { name: 'reason', valueString: 'twin brother' }), token,
    });
    expect(res.status, res.text).toBe(200);
    const newPerson = res.body.parameter.find((x: any) => x.name === 'person').valueReference.reference;
    expect((await t.request('GET', `/fhir/${newPerson}`)).body.link[0].target.reference).toBe(`Patient/${p.right}`);
    expect((await t.request('GET', `/fhir/Person/${p.leftPerson}`)).body.link).toHaveLength(1);

    const history = await t.request('GET', `/fhir/Person/${p.leftPerson}/$link-history`, { token: await t.token('user/Patient.r user/Person.r') });
    expect(history.status, history.text).toBe(200);
    const entries = history.body.parameter.map(partsOf);
    expect(entries.map((e: any) => [e.action, e.patient])).toEqual([
      ['unlink', `Patient/${p.right}`], ['merge', `Patient/${p.right}`], ['link', `Patient/${p.left}`],
    ]);
    expect(entries[0]).toMatchObject({ by: 'reviewer-bob', reason: 'twin brother', previousPerson: `Person/${p.leftPerson}`, person: newPerson });
  });

  it('refuses a missing reason, a record not in the person, an unknown person, and read-only tokens', async () => {
    const p = await pair();
    const body = (patient: string, reason?: string) => params({ name: 'patient', valueString: patient }, ...(reason ? [{ name: 'reason', valueString: reason }] : []));
    expectOutcome(await t.request('POST', `/fhir/Person/${p.leftPerson}/$unlink`, { body: body(p.left) }), 400, { expression: at('reason') });
    expectOutcome(await t.request('POST', `/fhir/Person/${p.leftPerson}/$unlink`, { body: body(p.right, 'why') }), 409, { id: 'IDENTITY_NOT_MEMBER', expression: at('patient') });
    expectOutcome(await t.request('POST', `/fhir/Person/${p.leftPerson}/$unlink`, { body: body(p.left, 'why') }), 409, { id: 'IDENTITY_ALREADY_ALONE' });
    expectOutcome(await t.request('POST', '/fhir/Person/nobody/$unlink', { body: body(p.left, 'why') }), 404);
    expectOutcome(await t.request('POST', `/fhir/Person/${p.leftPerson}/$unlink`, { body: params({ name: 'reason', valueString: 'why' }) }), 400, { expression: at('patient') });
    expectOutcome(await t.request('POST', `/fhir/Person/${p.leftPerson}/$unlink`, { body: body(p.left, 'why'), token: await t.token('user/*.rs') }), 403);
    expectOutcome(await t.request('GET', '/fhir/Person/nobody/$link-history'), 404);
  });

  it('are listed in the CapabilityStatement', async () => {
    const res = await t.request('GET', '/fhir/metadata', { token: null });
    const rest = res.body.rest[0];
    expect(rest.operation.map((o: any) => o.name)).toEqual(expect.arrayContaining(['match-review', 'match-review-decide']));
    expect(rest.resource.find((r: any) => r.type === 'Person').operation.map((o: any) => o.name)).toEqual(['everything', 'summary', 'unlink', 'link-history']);
  });
});
