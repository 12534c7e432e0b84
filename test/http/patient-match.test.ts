// Patient/$match over HTTP on records that arrived through $import (so matching placed them in
// persons): NHS number and demographic matches with their evidence, twins left out,
// onlyCertainMatches and count, bad input, scopes, the CapabilityStatement, and fhir-kit-client.
import { Client as FhirKitClient } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceResourceId } from '../../src/ingest/provenance.ts';
import { expectOutcome, nhsIdentifier, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

const GRADE = 'http://hl7.org/fhir/StructureDefinition/match-grade';
const EVIDENCE = 'urn:sharedcare:extension:person-match';

let t: TestPlatform;
let base: string;
beforeAll(async () => {
  // No configured base URL, so fullUrls point at the socket fhir-kit-client talks to.
  t = await startTestPlatform({ baseUrl: undefined });
  base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/fhir`;
});
afterAll(async () => {
  await t?.close();
});

interface Details { given: string; family: string; birthDate: string; postcode: string; gender: 'male' | 'female'; nhs?: string }

const patientOf = (p: Details, id?: string) => ({
  resourceType: 'Patient', ...(id ? { id } : {}),
  ...(p.nhs ? { identifier: [nhsIdentifier(p.nhs)] } : {}),
  name: [{ family: p.family, given: [p.given] }], gender: p.gender, birthDate: p.birthDate, address: [{ postalCode: p.postcode }],
});

/** Imports one source Patient through $import (matching runs on arrival); returns its stored id. */
async function arrive(source: string, localId: string, p: Details): Promise<string> {
  const res = await t.request('POST', `/fhir/$import?source=${source}`, {
    body: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patientOf(p, localId) }] },
  });
  expect(res.status, res.text).toBe(200);
  expect(res.body.parameter.find((x: any) => x.name === 'quarantined').valueInteger).toBe(0);
  return sourceResourceId(source, `Patient/${localId}`, 'Patient');
}

async function personOf(patientId: string): Promise<string> {
  const res = await t.request('GET', `/fhir/Person?patient=Patient/${patientId}`);
  expect(res.body.total, res.text).toBe(1);
  return res.body.entry[0].resource.id;
}

const params = (...parameter: unknown[]) => ({ resourceType: 'Parameters', parameter });
const matchBody = (p: Details, ...more: unknown[]) => params({ name: 'resource', resource: patientOf(p) }, ...more);
const match = (body: unknown, token?: string) => t.request('POST', '/fhir/Patient/$match', { body, ...(token ? { token } : {}) });
const matches = (res: { body: any }) => (res.body.entry ?? []).filter((e: any) => e.search?.mode === 'match');
const gradeOf = (entry: any) => entry.search.extension.find((x: any) => x.url === GRADE).valueCode;
const evidenceOf = (entry: any) => entry.search.extension.find((x: any) => x.url === EVIDENCE).extension as any[];
const part = (parts: any[], url: string) => parts.find((x) => x.url === url);
const at = (name: string) => `Parameters.parameter.where(name='${name}')`;

const ADA: Details = { given: 'Adaeze', family: 'Okonkwo', birthDate: '1951-04-09', postcode: 'E8 3PB', gender: 'female', nhs: nhsNumber(101) };
const JOAN: Details = { given: 'Joan', family: 'Pemberton', birthDate: '1939-11-22', postcode: 'NG5 1AB', gender: 'female' };
const TWIN: Details = { given: 'Chidi', family: 'Nwachukwu', birthDate: '2012-07-01', postcode: 'M14 5RT', gender: 'male' };
const RUTH: Details = { given: 'Ruth', family: 'Abernethy', birthDate: '1960-02-14', postcode: 'LS6 2QD', gender: 'female' };

let ada: { gp: string; council: string; person: string };
let joan: { gp: string; council: string; person: string };
let twin: string;
let ruth: { a: string; b: string };

beforeAll(async () => {
  // One person, two sources: the council record has no NHS number and links by its details.
  ada = { gp: await arrive('gp-match', 'ada', ADA), council: await arrive('council-match', 'ada-c', { ...ADA, nhs: undefined }), person: '' };
  ada.person = await personOf(ada.gp);
  joan = { gp: await arrive('gp-match', 'joan', { ...JOAN, nhs: nhsNumber(202) }), council: await arrive('council-match', 'joan-c', JOAN), person: '' };
  joan.person = await personOf(joan.gp);
  twin = await arrive('council-match', 'twin-a', TWIN);
  // Same details, two different NHS numbers: never linked, so two persons who both match with certainty.
  ruth = { a: await arrive('gp-match', 'ruth-1', { ...RUTH, nhs: nhsNumber(303) }), b: await arrive('hospital-match', 'ruth-2', { ...RUTH, nhs: nhsNumber(404) }) };
});

describe('Patient/$match', () => {
  it('finds the person by NHS number: certain, scored, with the person and the evidence', async () => {
    expect(await personOf(ada.council)).toBe(ada.person);
    const res = await match(matchBody({ ...ADA, given: 'Ada', postcode: 'N1 9GU' }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const [entry, ...rest] = matches(res);
    expect(rest).toEqual([]);
    expect(entry.search.mode).toBe('match');
    expect(gradeOf(entry)).toBe('certain');
    expect(entry.search.score).toBeGreaterThan(0.99);
    expect(entry.search.score).toBeLessThanOrEqual(1);
    expect([ada.gp, ada.council]).toContain(entry.resource.id);
    expect(entry.fullUrl).toMatch(new RegExp(`^https?://[^/]+/fhir/Patient/${entry.resource.id}$`));
    const evidence = evidenceOf(entry);
    expect(part(evidence, 'person').valueReference.reference).toBe(`Person/${ada.person}`);
    expect(part(evidence, 'rule').valueCode).toBe('nhs-number');
    expect(part(evidence, 'reason').valueString).toMatch(/same NHS number/i);
    expect(part(evidence, 'weight').valueDecimal).toBeGreaterThan(0);
  });

  it('finds a person by demographics alone, with each field level and weight', async () => {
    const res = await match(matchBody(JOAN));
    const [entry] = matches(res);
    expect(entry, res.text).toBeDefined();
    expect(['certain', 'probable']).toContain(gradeOf(entry));
    expect([joan.gp, joan.council]).toContain(entry.resource.id);
    const evidence = evidenceOf(entry);
    expect(part(evidence, 'person').valueReference.reference).toBe(`Person/${joan.person}`);
    expect(part(evidence, 'rule')).toBeUndefined();
    const fields = Object.fromEntries(evidence.filter((x) => x.url === 'field').map((f) => [part(f.extension, 'field').valueCode, {
      level: part(f.extension, 'level').valueString, weight: part(f.extension, 'weight').valueDecimal,
    }]));
    expect(fields.name).toMatchObject({ level: 'exact' });
    expect(fields.birthDate).toMatchObject({ level: 'exact' });
    expect(fields.postcode).toMatchObject({ level: 'full' });
    for (const f of ['name', 'birthDate', 'postcode']) expect(fields[f].weight).toBeGreaterThan(0);
    // Only one entry for the person, though both of its records match.
    expect(matches(res).filter((e: any) => [joan.gp, joan.council].includes(e.resource.id))).toHaveLength(1);
  });

  it('does not return a twin: same surname, date of birth and postcode, another forename', async () => {
    const res = await match(matchBody({ ...TWIN, given: 'Emeka' }));
    expect(res.status).toBe(200);
    expect(matches(res).map((e: any) => e.resource.id)).not.toContain(twin);
    const same = matches(await match(matchBody(TWIN)));
    expect(same.map((e: any) => e.resource.id)).toEqual([twin]);
  });

  it('onlyCertainMatches: one certain match comes back alone; two certain persons give none', async () => {
    const both = await match(matchBody(RUTH));
    expect(matches(both).map((e: any) => e.resource.id).sort()).toEqual([ruth.a, ruth.b].sort());
    expect(matches(both).map(gradeOf)).toEqual(['certain', 'certain']);
    const only = await match(matchBody(RUTH, { name: 'onlyCertainMatches', valueBoolean: true }));
    expect(only.status).toBe(200);
    expect(matches(only)).toEqual([]);
    expect(only.body.total).toBe(0);
    const outcome = only.body.entry.find((e: any) => e.search?.mode === 'outcome').resource;
    expect(outcome.issue[0]).toMatchObject({ severity: 'information', code: 'multiple-matches' });
    const single = await match(matchBody(ADA, { name: 'onlyCertainMatches', valueBoolean: true }));
    expect(matches(single)).toHaveLength(1);
    expect(matches(single).map(gradeOf)).toEqual(['certain']);
  });

  it('count limits the entries, best first', async () => {
    const all = matches(await match(matchBody(RUTH)));
    const one = await match(matchBody(RUTH, { name: 'count', valueInteger: 1 }));
    expect(matches(one)).toHaveLength(1);
    expect(matches(one)[0].resource.id).toBe(all[0].resource.id);
    expect(all[0].search.score).toBeGreaterThanOrEqual(all[1].search.score);
  });

  it('accepts the Patient itself as the body (the spec: "POST a patient record")', async () => {
    const res = await match(patientOf(ADA));
    expect(matches(res)).toHaveLength(1);
  });

  it('refuses a missing or wrong resource and a bad count, naming the parameter', async () => {
    expectOutcome(await match(params({ name: 'count', valueInteger: 3 })), 400, { id: 'IDENTITY_MATCH_RESOURCE', expression: at('resource') });
    expectOutcome(await match(params({ name: 'resource', resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } })), 400,
      { expression: at('resource') });
    expectOutcome(await match(params({ name: 'resource', resource: { ...patientOf(ADA), gender: 'robot' } })), 400, { expression: at('resource') });
    expectOutcome(await match(params({ name: 'resource', resource: { resourceType: 'Patient', active: true } })), 400,
      { id: 'IDENTITY_MATCH_NOTHING', expression: at('resource') });
    expectOutcome(await match(matchBody(ADA, { name: 'count', valueInteger: 0 })), 400, { expression: at('count') });
    expectOutcome(await match(matchBody(ADA, { name: 'count', valueInteger: 2.5 })), 400, { expression: at('count') });
    expectOutcome(await match(matchBody(ADA, { name: 'count', valueString: 'two' })), 400, { expression: at('count') });
    expectOutcome(await match(matchBody(ADA, { name: 'onlyCertainMatches', valueString: 'yes' })), 400, { expression: at('onlyCertainMatches') });
    expectOutcome(await match({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }), 400);
    expectOutcome(await t.request('POST', '/fhir/Patient/$match'), 400, { expression: at('resource') });
    expectOutcome(await t.request('GET', '/fhir/Patient/$match'), 405);
  });

  it('needs a token that may search Patient outside a patient context', async () => {
    expectOutcome(await match(matchBody(ADA), await t.token('user/Patient.r')), 403, { id: 'AUTH_MATCH_SCOPE' });
    expectOutcome(await match(matchBody(ADA), await t.token('patient/Patient.rs', { patient: ada.gp })), 403, { id: 'AUTH_MATCH_SCOPE' });
    expectOutcome(await match(matchBody(ADA), await t.token('user/Observation.rs')), 403);
    expectOutcome(await t.request('POST', '/fhir/Patient/$match', { body: matchBody(ADA), token: null }), 401);
    expect((await match(matchBody(ADA), await t.token('user/Patient.rs'))).status).toBe(200);
  });

  it('is listed on Patient in the CapabilityStatement', async () => {
    const cs = await t.request('GET', '/fhir/metadata', { token: null });
    const patient = cs.body.rest[0].resource.find((r: any) => r.type === 'Patient');
    expect(patient.operation).toContainEqual({ name: 'match', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match' });
  });

  it('works from fhir-kit-client over a real socket', async () => {
    const client = new FhirKitClient({ baseUrl: base, bearerToken: await t.token('user/Patient.rs') });
    const bundle: any = await client.operation({
      name: '$match', resourceType: 'Patient',
      input: matchBody({ ...JOAN, given: 'Joan' }, { name: 'onlyCertainMatches', valueBoolean: false }, { name: 'count', valueInteger: 5 }),
    });
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('searchset');
    const [entry] = bundle.entry.filter((e: any) => e.search?.mode === 'match');
    expect([joan.gp, joan.council]).toContain(entry.resource.id);
    expect(part(evidenceOf(entry), 'person').valueReference.reference).toBe(`Person/${joan.person}`);
    let status = 0;
    await client.operation({ name: '$match', resourceType: 'Patient', input: params() }).catch((err: any) => {
      status = err.response?.status ?? -1;
    });
    expect(status).toBe(400);
  });
});
