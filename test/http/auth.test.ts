// Authentication and SMART scopes over HTTP: bad tokens are 401, missing scopes 403, and
// patient/ scopes see only their patient's compartment (plus shared resources) everywhere —
// reads, searches and totals, includes, history and $everything. Metadata needs no token.
// See: https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/server/auth/tokens.ts';
import { create, entryKeys, expectOutcome, linkOf, matchIds, patient } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let org: { id: string };
let mine: { id: string };
let theirs: { id: string };
const myObs: string[] = [];
const theirObs: string[] = [];
let patientToken: string;

const observation = (patientId: string, text: string) => ({
  resourceType: 'Observation', status: 'final', code: { text }, subject: { reference: `Patient/${patientId}` },
});

beforeAll(async () => {
  t = await startTestPlatform();
  org = await create(t, { resourceType: 'Organization', name: 'Shared GP Practice' });
  mine = await create(t, patient('Mine', { managingOrganization: { reference: `Organization/${org.id}` } }));
  theirs = await create(t, patient('Theirs', { managingOrganization: { reference: `Organization/${org.id}` } }));
  for (let i = 0; i < 3; i++) myObs.push((await create(t, observation(mine.id, `auth-mine-${i}`))).id);
  for (let i = 0; i < 4; i++) theirObs.push((await create(t, observation(theirs.id, `auth-theirs-${i}`))).id);
  patientToken = await t.token('patient/*.rs', { patient: mine.id });
});
afterAll(async () => {
  await t?.close();
});

/** Claims like the server's own tokens, for crafting bad ones. */
function claims(overrides: { audience?: string; issuer?: string; expiresAt?: number } = {}) {
  return new SignJWT({ scope: 'system/*.cruds' })
    .setIssuer(overrides.issuer ?? TOKEN_ISSUER)
    .setAudience(overrides.audience ?? TOKEN_AUDIENCE)
    .setSubject('crafted')
    .setIssuedAt()
    .setExpirationTime(overrides.expiresAt ?? Math.floor(Date.now() / 1000) + 600);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('authentication', () => {
  it('no token → 401 OperationOutcome with a WWW-Authenticate challenge', async () => {
    const res = await t.request('GET', '/fhir/Patient', { token: null });
    expectOutcome(res, 401, { code: 'login' });
    expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer/);
  });

  it('a token signed by another key → 401', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await claims().setProtectedHeader({ alg: 'ES256', kid: t.platform.key.kid }).sign(privateKey);
    expectOutcome(await t.request('GET', '/fhir/Patient', { token }), 401);
  });

  it('an expired token → 401', async () => {
    const token = await claims({ expiresAt: Math.floor(Date.now() / 1000) - 120 }).setProtectedHeader({ alg: 'ES256', kid: t.platform.key.kid }).sign(t.platform.key.privateKey);
    expectOutcome(await t.request('GET', '/fhir/Patient', { token }), 401);
  });

  it('a token for another audience or from another issuer → 401', async () => {
    const wrongAudience = await claims({ audience: 'https://elsewhere.example/fhir' }).setProtectedHeader({ alg: 'ES256' }).sign(t.platform.key.privateKey);
    expectOutcome(await t.request('GET', '/fhir/Patient', { token: wrongAudience }), 401);
    const wrongIssuer = await claims({ issuer: 'https://evil.example' }).setProtectedHeader({ alg: 'ES256' }).sign(t.platform.key.privateKey);
    expectOutcome(await t.request('GET', '/fhir/Patient', { token: wrongIssuer }), 401);
  });

  it('alg=none and HS256-with-the-public-key tokens → 401', async () => {
    const payload = { scope: 'system/*.cruds', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub: 'x', exp: Math.floor(Date.now() / 1000) + 600 };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
    expectOutcome(await t.request('GET', '/fhir/Patient', { token: none }), 401);
    const secret = new TextEncoder().encode(JSON.stringify(t.platform.key.publicJwk));
    const hs = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expectOutcome(await t.request('GET', '/fhir/Patient', { token: hs }), 401);
  });

  it('a malformed Authorization header → 401', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer not a token', `Bearer ${await t.token()}x`]) {
      expectOutcome(await t.request('GET', '/fhir/Patient', { token: null, headers: { authorization } }), 401);
    }
  });

  it('metadata needs no token', async () => {
    const res = await t.request('GET', '/fhir/metadata', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('CapabilityStatement');
  });
});

describe('scopes', () => {
  it('system/Patient.r can read but not create, search or read other types (403)', async () => {
    const token = await t.token('system/Patient.r');
    expect((await t.request('GET', `/fhir/Patient/${mine.id}`, { token })).status).toBe(200);
    expectOutcome(await t.request('POST', '/fhir/Patient', { token, body: patient('Denied') }), 403, { code: 'forbidden' });
    expectOutcome(await t.request('GET', '/fhir/Patient', { token }), 403);
    expectOutcome(await t.request('GET', `/fhir/Observation/${myObs[0]}`, { token }), 403);
    expectOutcome(await t.request('DELETE', `/fhir/Patient/${mine.id}`, { token }), 403);
  });

  it('SMART v1 scopes (read/write) are understood', async () => {
    const read = await t.token('system/Patient.read');
    expect((await t.request('GET', '/fhir/Patient', { token: read })).status).toBe(200);
    expectOutcome(await t.request('POST', '/fhir/Patient', { token: read, body: patient('V1') }), 403);
    const write = await t.token('system/Patient.write');
    expect((await t.request('POST', '/fhir/Patient', { token: write, body: patient('V1') })).status).toBe(201);
  });

  it('user/Patient.rs reads and searches patients only', async () => {
    const token = await t.token('user/Patient.rs');
    const res = await t.request('GET', `/fhir/Patient?_id=${mine.id},${theirs.id}`, { token });
    expect(matchIds(res).sort()).toEqual([mine.id, theirs.id].sort());
    expectOutcome(await t.request('GET', '/fhir/Observation', { token }), 403);
  });

  it('a token without any resource scope is refused (403)', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient', { token: await t.token('openid fhirUser') }), 403);
  });

  it('patient/ scopes without a patient in the token are refused', async () => {
    const res = await t.request('GET', '/fhir/Observation', { token: await t.token('patient/*.rs') });
    expectOutcome(res, 403);
  });

  it('an included type without read scope is simply left out', async () => {
    const token = await t.token('system/Observation.rs');
    const res = await t.request('GET', `/fhir/Observation?_id=${myObs[0]}&_include=Observation:subject`, { token });
    expect(matchIds(res)).toEqual([myObs[0]]);
    expect(entryKeys(res, 'include')).toEqual([]);
  });
});

describe('patient/ scopes see only their compartment', () => {
  it('read: own records and shared ones; another patient\'s records are 404', async () => {
    expect((await t.request('GET', `/fhir/Patient/${mine.id}`, { token: patientToken })).status).toBe(200);
    expect((await t.request('GET', `/fhir/Observation/${myObs[0]}`, { token: patientToken })).status).toBe(200);
    expect((await t.request('GET', `/fhir/Organization/${org.id}`, { token: patientToken })).status).toBe(200);
    expectOutcome(await t.request('GET', `/fhir/Patient/${theirs.id}`, { token: patientToken }), 404);
    expectOutcome(await t.request('GET', `/fhir/Observation/${theirObs[0]}`, { token: patientToken }), 404);
    expectOutcome(await t.request('GET', `/fhir/Observation/${theirObs[0]}/_history/1`, { token: patientToken }), 404);
  });

  it('search: results and totals leave out other patients, on every page', async () => {
    const res = await t.request('GET', '/fhir/Observation?_count=2&_total=accurate', { token: patientToken });
    expect(res.body.total).toBe(3);
    const all = [...matchIds(res), ...matchIds(await t.request('GET', linkOf(res, 'next')!, { token: patientToken }))];
    expect(all.sort()).toEqual([...myObs].sort());
    const patients = await t.request('GET', '/fhir/Patient', { token: patientToken });
    expect(patients.body.total).toBe(1);
    expect(matchIds(patients)).toEqual([mine.id]);
    const counted = await t.request('GET', '/fhir/Observation?_summary=count', { token: patientToken });
    expect(counted.body.total).toBe(3);
    const byOther = await t.request('GET', `/fhir/Observation?subject=Patient/${theirs.id}`, { token: patientToken });
    expect(byOther.body.total).toBe(0);
  });

  it('search by chain or _has cannot reach another patient', async () => {
    const chained = await t.request('GET', '/fhir/Observation?subject.name=theirs', { token: patientToken });
    expect(chained.body.total).toBe(0);
    const has = await t.request('GET', '/fhir/Patient?_has:Observation:subject:code:text=auth-theirs', { token: patientToken });
    expect(has.body.total).toBe(0);
  });

  it('_has from a shared resource cannot probe another patient\'s records', async () => {
    const probe = await t.request('GET', `/fhir/Organization?_id=${org.id}&_has:Patient:organization:name=theirs`, { token: patientToken });
    expect(probe.body.total).toBe(0);
    const own = await t.request('GET', `/fhir/Organization?_id=${org.id}&_has:Patient:organization:name=mine`, { token: patientToken });
    expect(own.body.total).toBe(1);
  });

  it('a chain through a visible resource cannot probe another patient\'s details', async () => {
    // My record mentions the other patient (as performer): the reference is visible, their name is not.
    const mixed = await create(t, { ...observation(mine.id, 'auth-mixed'), performer: [{ reference: `Patient/${theirs.id}` }] });
    myObs.push(mixed.id);
    const probe = await t.request('GET', '/fhir/Observation?performer:Patient.name=theirs', { token: patientToken });
    expect(probe.body.total).toBe(0);
    const unrestricted = await t.request('GET', '/fhir/Observation?performer:Patient.name=theirs');
    expect(matchIds(unrestricted)).toEqual([mixed.id]);
    const included = await t.request('GET', `/fhir/Observation?_id=${mixed.id}&_include=Observation:performer&_include=Observation:subject`, { token: patientToken });
    expect(entryKeys(included, 'include')).toEqual([`Patient/${mine.id}`]);
  });

  it('_include and _revinclude never bring in another patient\'s records', async () => {
    const rev = await t.request('GET', `/fhir/Organization?_id=${org.id}&_revinclude=Patient:organization`, { token: patientToken });
    expect(entryKeys(rev, 'include')).toEqual([`Patient/${mine.id}`]);
    const iter = await t.request('GET', `/fhir/Patient?_id=${mine.id}&_include=Patient:organization&_revinclude:iterate=Patient:organization&_revinclude:iterate=Observation:subject`, { token: patientToken });
    const keys = entryKeys(iter);
    expect(keys).not.toContain(`Patient/${theirs.id}`);
    for (const id of theirObs) expect(keys).not.toContain(`Observation/${id}`);
    expect(keys).toContain(`Organization/${org.id}`);
  });

  it('history: another patient\'s history is 404, type and system history leave them out', async () => {
    expectOutcome(await t.request('GET', `/fhir/Patient/${theirs.id}/_history`, { token: patientToken }), 404);
    const typeHistory = await t.request('GET', '/fhir/Observation/_history', { token: patientToken });
    expect(typeHistory.status).toBe(200);
    expect(typeHistory.body.entry.map((e: any) => e.resource.id).sort()).toEqual([...myObs].sort());
    const system = await t.request('GET', '/fhir/_history', { token: patientToken });
    expect(system.status).toBe(200);
    const ids = system.body.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(ids).not.toContain(`Patient/${theirs.id}`);
    for (const id of theirObs) expect(ids).not.toContain(`Observation/${id}`);
    expect(ids).toContain(`Patient/${mine.id}`);
  });

  it('$everything: own patient only', async () => {
    const own = await t.request('GET', `/fhir/Patient/${mine.id}/$everything`, { token: patientToken });
    expect(own.status).toBe(200);
    const keys = entryKeys(own);
    expect(keys).toEqual(expect.arrayContaining([`Patient/${mine.id}`, ...myObs.map((id) => `Observation/${id}`)]));
    for (const id of theirObs) expect(keys).not.toContain(`Observation/${id}`);
    expectOutcome(await t.request('GET', `/fhir/Patient/${theirs.id}/$everything`, { token: patientToken }), 404);
    expect(keys).toContain(`Organization/${org.id}`);
  });

  it('$everything leaves out types the token may not read, shared ones included', async () => {
    const narrow = await t.token('patient/Patient.r patient/Observation.r', { patient: mine.id });
    const res = await t.request('GET', `/fhir/Patient/${mine.id}/$everything`, { token: narrow });
    expect(res.status).toBe(200);
    const types = new Set(entryKeys(res).map((k) => k.split('/')[0]));
    expect([...types].sort()).toEqual(['Observation', 'Patient']);
  });

  it('writes: cannot write into another patient\'s compartment, and their records look absent', async () => {
    const writer = await t.token('patient/*.cruds', { patient: mine.id });
    expect((await t.request('POST', '/fhir/Observation', { token: writer, body: observation(mine.id, 'own write') })).status).toBe(201);
    const foreign = await t.request('POST', '/fhir/Observation', { token: writer, body: observation(theirs.id, 'foreign write') });
    expect([403, 404]).toContain(foreign.status);
    expectOutcome(foreign, foreign.status);
    const theirObservation = (await t.request('GET', `/fhir/Observation/${theirObs[0]}`)).body;
    const update = await t.request('PUT', `/fhir/Observation/${theirObs[0]}`, { token: writer, body: { ...theirObservation, status: 'amended' } });
    const nonexistent = await t.request('PUT', '/fhir/Observation/no-such-id', { token: writer, body: { ...theirObservation, id: 'no-such-id', status: 'amended' } });
    expect(update.status).toBe(nonexistent.status);
    expectOutcome(await t.request('DELETE', `/fhir/Observation/${theirObs[0]}`, { token: writer }), 404);
    const after = await t.request('GET', `/fhir/Observation/${theirObs[0]}`);
    expect(after.body.status).toBe('final');
    expect(after.body.meta.versionId).toBe('1');
  });
});

describe('CapabilityStatement', () => {
  it('lists interactions, operations, search parameters and SMART security', async () => {
    const cs = (await t.request('GET', '/fhir/metadata', { token: null })).body;
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.format).toContain('application/fhir+json');
    const rest = cs.rest[0];
    expect(rest.mode).toBe('server');
    expect(rest.security.service[0].coding[0].code).toBe('SMART-on-FHIR');
    expect(rest.interaction.map((i: any) => i.code)).toEqual(expect.arrayContaining(['transaction', 'batch']));
    const p = rest.resource.find((r: any) => r.type === 'Patient');
    expect(p.interaction.map((i: any) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type']),
    );
    expect(p.operation.map((o: any) => o.name)).toContain('everything');
    const params = p.searchParam.map((s: any) => s.name);
    expect(params).toEqual(expect.arrayContaining(['_id', '_lastUpdated', 'name', 'family', 'birthdate', 'identifier', 'gender', '_tag']));
    expect(p.searchParam.find((s: any) => s.name === 'birthdate').type).toBe('date');
  });

  it('every search parameter it lists for Patient and Observation is accepted', async () => {
    const cs = (await t.request('GET', '/fhir/metadata', { token: null })).body;
    for (const type of ['Patient', 'Observation']) {
      const entry = cs.rest[0].resource.find((r: any) => r.type === type);
      for (const { name } of entry.searchParam) {
        const query = name === '_id' || name === '_lastUpdated' ? `${name}=${name === '_id' ? 'x' : 'gt2000'}` : `${name}:missing=false`;
        const res = await t.request('GET', `/fhir/${type}?${query}&_count=0`);
        expect(res.status, `${type}?${query}`).toBe(200);
      }
    }
  });
});
