// People over HTTP: the OpenID Connect authorization code flow with PKCE against the built-in
// development identity provider, its CIS2-shaped ID token, the resulting access at /fhir, and the
// ways a code, a verifier, a redirect URI or a sign-in can be wrong.
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NHS_NUMBER_SYSTEM } from '../../src/fhir/systems.ts';
import { ClientRegistry, type OAuthClient } from '../../src/governance/clients.ts';
import { create, matchIds, patient } from '../support/fhir-fixtures.ts';
import { authorizeUrl, exchangeCode, hiddenFields, pkce, postForm, redirectParams, signIn, type Pkce } from '../support/oauth-flow.ts';
import { startTestPlatform, type TestPlatform, type TestResponse } from '../support/test-platform.ts';

const ISSUER = 'http://sharedcare.test';
const REDIRECT = 'https://app.example/callback';
const CITIZEN_NHS = '9997008340';

let t: TestPlatform;
let registry: ClientRegistry;
let other: { id: string };

function app(overrides: Partial<OAuthClient>): OAuthClient {
  return {
    clientId: 'viewer', name: 'Shared record viewer', kind: 'user-app', jkuUrls: [], redirectUris: [REDIRECT], trusted: true,
    scope: 'openid fhirUser profile launch/patient patient/*.rs user/*.cruds nationalrbacaccess selectedrole', ...overrides,
  };
}

function authorizeParams(p: Pkce, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code', client_id: 'viewer', redirect_uri: REDIRECT, scope: 'openid fhirUser user/*.rs', state: `st-${Math.random()}`,
    code_challenge: p.challenge, code_challenge_method: 'S256', aud: `${ISSUER}/fhir`, nonce: 'n-0S6_WzA2Mj', ...overrides,
  };
}

/** Signs in and returns the code from the redirect. */
async function codeFor(p: Pkce, username: string, overrides: Record<string, string> = {}): Promise<string> {
  const params = authorizeParams(p, overrides);
  const redirect = redirectParams(await signIn(t, params, username));
  expect(redirect.get('state')).toBe(params.state);
  expect(redirect.get('error'), redirect.get('error_description') ?? '').toBeNull();
  return redirect.get('code')!;
}

function expectOAuthError(res: TestResponse, status: number, error: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error).toBe(error);
}

/** A refused authorisation shown as a page: no redirect anywhere. */
function expectErrorPage(res: TestResponse, status = 400): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.location).toBeUndefined();
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
}

async function verifiedIdToken(idToken: string, audience = 'viewer') {
  const jwks = (await t.request('GET', '/oauth/jwks', { token: null })).body;
  return (await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: ISSUER, audience })).payload;
}

beforeAll(async () => {
  t = await startTestPlatform();
  registry = new ClientRegistry(t.platform.driver);
  await registry.add(app({}));
  // Registered without a path: a redirect URI that merely starts with it must still be refused.
  await registry.add(app({ clientId: 'prefix-app', name: 'Prefix app', redirectUris: ['https://app.example'] }));
  await registry.add(app({ clientId: 'other-app', name: 'Other app' }));
  other = await create(t, patient('Elsewhere'));
});
afterAll(async () => {
  await t?.close();
});

describe('staff sign-in (CIS2-shaped)', () => {
  it('authorise page → sign-in → code → tokens; the ID token verifies against /oauth/jwks; the access token reads /fhir', async () => {
    const p = pkce();
    const params = authorizeParams(p);
    const page = await t.request('GET', authorizeUrl(params), { token: null });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toMatch(/<label for="username">User name<\/label>/);
    expect(page.text).toMatch(/<label for="password">Password<\/label>/);
    expect(page.text).toContain('Social Worker Access Role (R8014), London Borough of Hackney');
    expect(page.text).toContain('Caldicott Guardian (R5105)');

    const posted = await postForm(t, '/oauth/authorize', [...hiddenFields(page.text), ['username', 'social.worker'], ['password', 'demo']]);
    const redirect = redirectParams(posted);
    expect(posted.headers.location).toMatch(/^https:\/\/app\.example\/callback\?code=/);
    expect(redirect.get('state')).toBe(params.state);

    const res = await exchangeCode(t, { code: redirect.get('code')!, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'openid fhirUser user/*.rs' });
    expect(res.body.patient).toBeUndefined();

    const id = await verifiedIdToken(res.body.id_token);
    expect(id).toMatchObject({ sub: '555000000001', name: 'Sam Okafor', nonce: 'n-0S6_WzA2Mj', selected_roleid: '555100000001', nhsid_useruid: '555000000001' });
    expect(id.nhsid_nrbac_roles).toEqual([{ person_roleid: '555100000001', org_code: 'E09000012', role_code: 'S8000:G8000:R8014', role_name: 'Social Worker Access Role' }]);

    const access = decodeJwt(res.body.access_token);
    expect(access).toMatchObject({ kind: 'user', sub: '555000000001', name: 'Sam Okafor', role: 'R8014', org: 'E09000012', client_id: 'viewer', scope: 'openid fhirUser user/*.rs' });
    const search = await t.request('GET', '/fhir/Patient', { token: res.body.access_token });
    expect(search.status).toBe(200);
    expect((await t.request('POST', '/fhir/Patient', { token: res.body.access_token, body: patient('Nope') })).status).toBe(403);

    const info = await t.request('GET', '/oauth/userinfo', { token: res.body.access_token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ sub: '555000000001', name: 'Sam Okafor', selected_roleid: '555100000001' });
    expect(info.body.nhsid_nrbac_roles[0].role_code).toBe('S8000:G8000:R8014');
  });

  it('each demo role signs in with its role and organisation', async () => {
    const expected: Array<[string, string, string]> = [
      ['ae.doctor', 'R8000', 'RQX'], ['gp', 'R8000', 'F84001'], ['nurse', 'R8001', 'RQX'], ['receptionist', 'R8009', 'RQX'],
      ['privacy.officer', 'R0001', 'RQX'], ['caldicott.guardian', 'R5105', 'E09000012'], ['child.protection', 'R9535', 'E09000012'],
      ['records.manager', 'R8013', 'RQX'],
    ];
    for (const [username, role, org] of expected) {
      const p = pkce();
      const res = await exchangeCode(t, { code: await codeFor(p, username), redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' });
      expect(decodeJwt(res.body.access_token), username).toMatchObject({ kind: 'user', role, org });
      const roles = (await verifiedIdToken(res.body.id_token)).nhsid_nrbac_roles as Array<{ role_code: string; org_code: string }>;
      expect(roles[0]!.role_code.split(':').at(-1)).toBe(role);
      expect(roles[0]!.org_code).toBe(org);
    }
  });

  it('staff get user/ scopes only, within what the app asked for', async () => {
    const p = pkce();
    const code = await codeFor(p, 'nurse', { scope: 'openid user/Patient.rs patient/*.rs system/*.rs' });
    const res = await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' });
    expect(res.body.scope).toBe('openid user/Patient.rs');
  });

  it('without openid there is no ID token', async () => {
    const p = pkce();
    const res = await exchangeCode(t, { code: await codeFor(p, 'gp', { scope: 'user/*.rs' }), redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toBeUndefined();
    expectOAuthError(await t.request('GET', '/oauth/userinfo', { token: res.body.access_token }), 403, 'insufficient_scope');
  });
});

describe('citizen sign-in', () => {
  it('fails clearly while no record carries their NHS number', async () => {
    const res = await signIn(t, authorizeParams(pkce(), { scope: 'openid patient/*.rs' }), 'citizen');
    expectErrorPage(res, 401);
    expect(res.text).toContain('No record was found for NHS number 999 700 8340');
  });

  it('gets patient/*.rs in their own patient context, with patient and fhirUser claims', async () => {
    const own = await create(t, patient('Hassan', { identifier: [{ system: NHS_NUMBER_SYSTEM, value: CITIZEN_NHS }] }));
    const p = pkce();
    const code = await codeFor(p, 'citizen', { scope: 'openid fhirUser launch/patient patient/*.cruds user/*.rs' });
    const res = await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.scope).toBe('openid fhirUser launch/patient patient/*.rs');
    expect(res.body.patient).toBe(own.id);
    const id = await verifiedIdToken(res.body.id_token);
    expect(id).toMatchObject({ sub: '555000000009', patient: own.id, fhirUser: `${ISSUER}/fhir/Patient/${own.id}` });
    expect(id.nhsid_nrbac_roles).toBeUndefined();
    expect(decodeJwt(res.body.access_token)).toMatchObject({ kind: 'citizen', patient: own.id });

    const token = res.body.access_token as string;
    expect(matchIds(await t.request('GET', '/fhir/Patient', { token }))).toEqual([own.id]);
    expect((await t.request('GET', `/fhir/Patient/${other.id}`, { token })).status).toBe(404);
    expect((await t.request('POST', '/fhir/Observation', { token, body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${own.id}` } } })).status).toBe(403);
    const info = await t.request('GET', '/oauth/userinfo', { token });
    expect(info.body).toMatchObject({ sub: '555000000009', patient: own.id });
  });
});

describe('the code exchange refuses', () => {
  it('a wrong code_verifier, and the code is spent by the attempt', async () => {
    const p = pkce();
    const code = await codeFor(p, 'gp');
    expectOAuthError(await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: pkce().verifier, client_id: 'viewer' }), 400, 'invalid_grant');
    expectOAuthError(await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' }), 400, 'invalid_grant');
  });

  it('a missing code_verifier', async () => {
    const p = pkce();
    expectOAuthError(await exchangeCode(t, { code: await codeFor(p, 'gp'), redirect_uri: REDIRECT, client_id: 'viewer' }), 400, 'invalid_request');
  });

  it('a reused code; the first token keeps working', async () => {
    const p = pkce();
    const code = await codeFor(p, 'gp');
    const first = await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' });
    expect(first.status).toBe(200);
    expectOAuthError(await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' }), 400, 'invalid_grant');
    expect((await t.request('GET', '/fhir/Patient', { token: first.body.access_token })).status).toBe(200);
  });

  it('a code redeemed twice at once succeeds once', async () => {
    const p = pkce();
    const code = await codeFor(p, 'gp');
    const params = { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' };
    const results = await Promise.all([exchangeCode(t, params), exchangeCode(t, params), exchangeCode(t, params)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it('a different redirect_uri, even one the client registered', async () => {
    const p = pkce();
    expectOAuthError(await exchangeCode(t, { code: await codeFor(p, 'gp'), redirect_uri: `${REDIRECT}/`, code_verifier: p.verifier, client_id: 'viewer' }), 400, 'invalid_grant');
  });

  it('a code issued to another client', async () => {
    const p = pkce();
    expectOAuthError(await exchangeCode(t, { code: await codeFor(p, 'gp'), redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'other-app' }), 400, 'invalid_grant');
  });

  it('an expired code', async () => {
    const p = pkce();
    const code = await codeFor(p, 'gp');
    await t.platform.driver.query("UPDATE oauth_code SET expires_at = now() - interval '1 second' WHERE NOT used");
    expectOAuthError(await exchangeCode(t, { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' }), 400, 'invalid_grant');
  });

  it('an unknown code, and an unknown client', async () => {
    const p = pkce();
    expectOAuthError(await exchangeCode(t, { code: 'made-up', redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'viewer' }), 400, 'invalid_grant');
    expectOAuthError(await exchangeCode(t, { code: 'made-up', redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'nobody' }), 401, 'invalid_client');
  });

  it('a confidential app that does not sign an assertion; it gets its token when it does', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS384');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'app-1' };
    await registry.add(app({ clientId: 'confidential-app', name: 'Confidential app', jwks: { keys: [jwk as Record<string, unknown>] } }));
    const p = pkce();
    const code = await codeFor(p, 'gp', { client_id: 'confidential-app' });
    const bare = { code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: 'confidential-app' };
    expectOAuthError(await exchangeCode(t, bare), 401, 'invalid_client');
    const signed = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'RS384', kid: 'app-1' })
      .setIssuer('confidential-app').setSubject('confidential-app').setAudience(`${ISSUER}/oauth/token`).setExpirationTime('4m').sign(privateKey);
    const res = await exchangeCode(t, { ...bare, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: signed });
    expect(res.status, res.text).toBe(200);
    expect(decodeJwt(res.body.access_token).client_id).toBe('confidential-app');
  });
});

describe('the authorise step refuses', () => {
  it('a redirect URI that merely starts with a registered one: an error page and no redirect', async () => {
    const p = pkce();
    for (const redirect of ['https://app.example.evil.net', 'https://app.example/', 'https://app.example/callback', 'https://app.example@evil.net']) {
      expectErrorPage(await t.request('GET', authorizeUrl(authorizeParams(p, { client_id: 'prefix-app', redirect_uri: redirect })), { token: null }));
    }
    expectErrorPage(await t.request('GET', authorizeUrl(authorizeParams(p, { redirect_uri: `${REDIRECT}.evil.net` })), { token: null }));
    expectErrorPage(await t.request('GET', authorizeUrl(authorizeParams(p, { redirect_uri: `${REDIRECT}?next=evil` })), { token: null }));
  });

  it('a tampered form: the posted redirect URI is checked again', async () => {
    const page = await t.request('GET', authorizeUrl(authorizeParams(pkce())), { token: null });
    const fields = hiddenFields(page.text).map(([k, v]): [string, string] => [k, k === 'redirect_uri' ? 'https://app.example.evil.net/callback' : v]);
    expectErrorPage(await postForm(t, '/oauth/authorize', [...fields, ['username', 'gp'], ['password', 'demo']]));
  });

  it('an unknown client, or no redirect URI: an error page', async () => {
    expectErrorPage(await t.request('GET', authorizeUrl(authorizeParams(pkce(), { client_id: 'nobody' })), { token: null }));
    const { redirect_uri: _r, ...withoutRedirect } = authorizeParams(pkce());
    expectErrorPage(await t.request('GET', authorizeUrl(withoutRedirect), { token: null }));
  });

  it('no PKCE, plain PKCE, no state, a wrong aud or an unknown response type: back to the app with an error', async () => {
    const p = pkce();
    const cases: Array<[Record<string, string>, string]> = [
      [{ code_challenge: '' }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ state: '' }, 'invalid_request'],
      [{ aud: 'https://elsewhere.example/fhir' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'system/*.rs' }, 'invalid_scope'],
    ];
    for (const [overrides, error] of cases) {
      const res = await t.request('GET', authorizeUrl(authorizeParams(p, { ...overrides, state: overrides.state ?? 'keep-me' })), { token: null });
      const params = redirectParams(res);
      expect(params.get('error'), JSON.stringify(overrides)).toBe(error);
      expect(params.get('code')).toBeNull();
      if (overrides.state === undefined) expect(params.get('state')).toBe('keep-me');
    }
  });

  it('an unknown user or a wrong password: the form again, with one message, and no redirect', async () => {
    const params = authorizeParams(pkce());
    const unknown = await signIn(t, params, 'no.such.user');
    const wrong = await signIn(t, params, 'gp', 'not-the-password');
    for (const res of [unknown, wrong]) {
      expectErrorPage(res, 401);
      expect(res.text).toContain('The user name or password is not right.');
      expect(res.text).toContain('role="alert"');
    }
    expect(wrong.text).toContain('value="gp"');
  });

  it('escapes what it shows: client names and request values', async () => {
    await registry.add(app({ clientId: 'odd-app', name: '<script>alert(1)</script> & "Co"' }));
    const res = await t.request('GET', authorizeUrl(authorizeParams(pkce(), { client_id: 'odd-app', state: '"><script>x()</script>' })), { token: null });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(hiddenFields(res.text)).toContainEqual(['state', '"><script>x()</script>']);
  });
});
