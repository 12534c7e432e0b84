// Backend systems over HTTP: OAuth client credentials with a private_key_jwt assertion (SMART
// Backend Services), the token it yields at /fhir, and every way an assertion can be abused.
// See: https://hl7.org/fhir/smart-app-launch/backend-services.html
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry, type OAuthClient } from '../../src/governance/clients.ts';
import { patient } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform, type TestResponse } from '../support/test-platform.ts';

const TOKEN_URL = 'http://sharedcare.test/oauth/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLIENT = 'hackney-case-system';

let t: TestPlatform;
let registry: ClientRegistry;
let privateKey: CryptoKey;
let publicJwk: JWK;
let jwksServer: Server;
let jwksUrl: string;
let jwksFetches = 0;
let remoteKey: CryptoKey;

const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface AssertionOptions {
  iss?: string;
  sub?: string;
  aud?: string;
  exp?: number;
  iat?: number;
  jti?: string | null;
  kid?: string;
  jku?: string;
  alg?: string;
  key?: CryptoKey | Uint8Array;
}

/** A client assertion as a well-behaved client would sign it, with any part overridden. */
function assertion(options: AssertionOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    iss: options.iss ?? CLIENT,
    sub: options.sub ?? options.iss ?? CLIENT,
    aud: options.aud ?? TOKEN_URL,
    exp: options.exp ?? now() + 240,
    iat: options.iat ?? now(),
  };
  if (options.jti !== null) claims.jti = options.jti ?? crypto.randomUUID();
  const header = { alg: options.alg ?? 'ES384', kid: options.kid ?? 'case-system-1', typ: 'JWT', ...(options.jku ? { jku: options.jku } : {}) };
  return new SignJWT(claims).setProtectedHeader(header).sign(options.key ?? privateKey);
}

function tokenRequest(params: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<TestResponse> {
  return t.request('POST', '/oauth/token', { body: new URLSearchParams(params).toString(), headers: { 'content-type': contentType }, token: null });
}

function clientCredentials(signed: string, scope = 'system/*.rs', extra: Record<string, string> = {}): Promise<TestResponse> {
  return tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: signed, scope, ...extra });
}

/** An RFC 6749 error answer: the status, the code, and nothing else in the body. */
function expectOAuthError(res: TestResponse, status: number, error: string): void {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
  expect(res.body.error).toBe(error);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(res.text).not.toMatch(/at .*\.ts:\d+|stack/i);
}

function systemClient(overrides: Partial<OAuthClient>): OAuthClient {
  return { clientId: CLIENT, name: 'Hackney case system', kind: 'system', jkuUrls: [], scope: 'system/*.rs', redirectUris: [], trusted: false, ...overrides };
}

beforeAll(async () => {
  t = await startTestPlatform();
  registry = new ClientRegistry(t.platform.driver);
  const pair = await generateKeyPair('ES384');
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'case-system-1', alg: 'ES384' };
  await registry.add(systemClient({ jwks: { keys: [publicJwk as Record<string, unknown>] }, organization: 'E09000012' }));

  // A JWKS host on the loopback interface: counts fetches, so a refused jku can be shown unfetched.
  const remote = await generateKeyPair('RS384');
  remoteKey = remote.privateKey;
  const remoteJwk = { ...(await exportJWK(remote.publicKey)), kid: 'remote-1', alg: 'RS384' };
  jwksServer = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [remoteJwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  await registry.add(systemClient({ clientId: 'gp-system', name: 'GP system', jkuUrls: [jwksUrl], scope: 'system/Patient.rs system/Observation.rs' }));
});
afterAll(async () => {
  await new Promise((resolve) => jwksServer?.close(resolve));
  await t?.close();
});

describe('client credentials round trip', () => {
  it('a signed assertion gets a system token that reads /fhir but cannot write with .rs', async () => {
    const res = await clientCredentials(await assertion());
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'system/*.rs' });
    expect(res.headers['cache-control']).toBe('no-store');
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({ kind: 'system', sub: CLIENT, client_id: CLIENT, org: 'E09000012', scope: 'system/*.rs' });
    expect(claims.exp! - claims.iat!).toBe(900);

    const token = res.body.access_token as string;
    const search = await t.request('GET', '/fhir/Patient', { token });
    expect(search.status).toBe(200);
    expect(search.body.resourceType).toBe('Bundle');
    const write = await t.request('POST', '/fhir/Patient', { token, body: patient('Written') });
    expect(write.status).toBe(403);
    expect(write.body.resourceType).toBe('OperationOutcome');
  });

  it('the granted scope is the requested scope within the registration', async () => {
    const wide = await clientCredentials(await assertion(), 'system/*.cruds user/*.rs launch');
    expect(wide.body.scope).toBe('system/*.rs');
    const narrow = await clientCredentials(await assertion(), 'system/Patient.r');
    expect(narrow.body.scope).toBe('system/Patient.r');
    expect((await t.request('GET', '/fhir/Observation', { token: narrow.body.access_token })).status).toBe(403);
  });

  it('a scope outside the registration → invalid_scope', async () => {
    expectOAuthError(await clientCredentials(await assertion(), 'system/Patient.cud'), 400, 'invalid_scope');
    expectOAuthError(await clientCredentials(await assertion(), 'user/*.rs patient/*.rs openid'), 400, 'invalid_scope');
    expectOAuthError(await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion() }), 400, 'invalid_scope');
  });

  it('a jku on the client\'s allowlist is fetched and its key verifies', async () => {
    const signed = await assertion({ iss: 'gp-system', alg: 'RS384', kid: 'remote-1', jku: jwksUrl, key: remoteKey });
    const res = await clientCredentials(signed, 'system/*.rs');
    expect(res.status, res.text).toBe(200);
    expect(res.body.scope).toBe('system/Patient.rs system/Observation.rs');
    expect(jwksFetches).toBeGreaterThan(0);
  });

  it('a client with only a registered JWKS URL needs no jku header', async () => {
    const res = await clientCredentials(await assertion({ iss: 'gp-system', alg: 'RS384', kid: 'remote-1', key: remoteKey }), 'system/Patient.rs');
    expect(res.status, res.text).toBe(200);
  });
});

describe('assertion abuse is refused', () => {
  it('an expired assertion → 401 invalid_client', async () => {
    expectOAuthError(await clientCredentials(await assertion({ exp: now() - 120, iat: now() - 400 })), 401, 'invalid_client');
  });

  it('an assertion expiring more than five minutes ahead → 401', async () => {
    expectOAuthError(await clientCredentials(await assertion({ exp: now() + 600 })), 401, 'invalid_client');
    expectOAuthError(await clientCredentials(await assertion({ exp: now() + 3600 })), 401, 'invalid_client');
  });

  it('an assertion issued in the future → 401', async () => {
    expectOAuthError(await clientCredentials(await assertion({ iat: now() + 200 })), 401, 'invalid_client');
  });

  it('the wrong aud, including a prefix or extension of the token URL → 401', async () => {
    for (const aud of ['http://sharedcare.test/oauth/tok', 'http://sharedcare.test/oauth', 'http://sharedcare.test', `${TOKEN_URL}/`,
      `${TOKEN_URL}x`, 'https://sharedcare.test/oauth/token', 'http://sharedcare.test/fhir']) {
      expectOAuthError(await clientCredentials(await assertion({ aud })), 401, 'invalid_client');
    }
  });

  it('alg: none (unsigned, crafted by hand) → 401', async () => {
    const payload = { iss: CLIENT, sub: CLIENT, aud: TOKEN_URL, exp: now() + 240, jti: crypto.randomUUID() };
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
    expectOAuthError(await clientCredentials(unsigned), 401, 'invalid_client');
  });

  it('HS256 signed with the client\'s public key as the secret → 401', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    expectOAuthError(await clientCredentials(await assertion({ alg: 'HS256', key: secret })), 401, 'invalid_client');
  });

  it('a jku not on the allowlist → 401 and nothing is fetched', async () => {
    const before = jwksFetches;
    const attacker = `${jwksUrl}?attacker`;
    expectOAuthError(await clientCredentials(await assertion({ jku: attacker })), 401, 'invalid_client');
    expectOAuthError(await clientCredentials(await assertion({ iss: 'gp-system', alg: 'RS384', kid: 'remote-1', jku: attacker, key: remoteKey })), 401, 'invalid_client');
    expect(jwksFetches).toBe(before);
  });

  it('a replayed jti → the second use is 401', async () => {
    const signed = await assertion();
    expect((await clientCredentials(signed)).status).toBe(200);
    expectOAuthError(await clientCredentials(signed), 401, 'invalid_client');
    const sameJti = await assertion({ jti: decodeJwt(signed).jti as string });
    expectOAuthError(await clientCredentials(sameJti), 401, 'invalid_client');
  });

  it('one assertion sent twice at once is accepted exactly once', async () => {
    const signed = await assertion();
    const results = await Promise.all([clientCredentials(signed), clientCredentials(signed), clientCredentials(signed)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it('an assertion without a jti → 401', async () => {
    expectOAuthError(await clientCredentials(await assertion({ jti: null })), 401, 'invalid_client');
  });

  it('an unknown client, iss ≠ sub, or client_id ≠ iss → 401', async () => {
    expectOAuthError(await clientCredentials(await assertion({ iss: 'nobody' })), 401, 'invalid_client');
    expectOAuthError(await clientCredentials(await assertion({ sub: 'someone-else' })), 401, 'invalid_client');
    expectOAuthError(await clientCredentials(await assertion(), 'system/*.rs', { client_id: 'gp-system' }), 401, 'invalid_client');
  });

  it('a signature by another key with the registered kid → 401', async () => {
    const other = await generateKeyPair('ES384');
    expectOAuthError(await clientCredentials(await assertion({ key: other.privateKey })), 401, 'invalid_client');
  });

  it('a kid the client never registered → 401', async () => {
    expectOAuthError(await clientCredentials(await assertion({ kid: 'unknown-kid' })), 401, 'invalid_client');
  });

  it('garbage or a missing assertion → 401; a wrong assertion type → 401', async () => {
    expectOAuthError(await clientCredentials('not.a.jwt'), 401, 'invalid_client');
    expectOAuthError(await tokenRequest({ grant_type: 'client_credentials', scope: 'system/*.rs' }), 401, 'invalid_client');
    expectOAuthError(await clientCredentials(await assertion(), 'system/*.rs', { client_assertion_type: 'urn:other' }), 401, 'invalid_client');
  });

  it('a removed client is refused at once', async () => {
    await registry.add(systemClient({ clientId: 'short-lived', jwks: { keys: [publicJwk as Record<string, unknown>] } }));
    expect((await clientCredentials(await assertion({ iss: 'short-lived' }))).status).toBe(200);
    expect(await registry.remove('short-lived')).toBe(true);
    expectOAuthError(await clientCredentials(await assertion({ iss: 'short-lived' })), 401, 'invalid_client');
  });
});

describe('malformed token requests', () => {
  it('no grant_type → invalid_request; an unknown one → unsupported_grant_type', async () => {
    expectOAuthError(await tokenRequest({ scope: 'system/*.rs' }), 400, 'invalid_request');
    expectOAuthError(await tokenRequest({ grant_type: 'password', username: 'x', password: 'y' }), 400, 'unsupported_grant_type');
  });

  it('a repeated parameter → invalid_request', async () => {
    const body = `grant_type=client_credentials&scope=system%2F*.rs&scope=system%2F*.cruds&client_assertion_type=${encodeURIComponent(ASSERTION_TYPE)}&client_assertion=${await assertion()}`;
    const res = await t.request('POST', '/oauth/token', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, token: null });
    expectOAuthError(res, 400, 'invalid_request');
  });

  it('a JSON or XML body → invalid_request, as OAuth JSON rather than an OperationOutcome', async () => {
    expectOAuthError(await tokenRequest({ grant_type: 'client_credentials' }, 'application/json'), 400, 'invalid_request');
    expectOAuthError(await tokenRequest({ grant_type: 'client_credentials' }, 'application/xml'), 400, 'invalid_request');
  });
});
