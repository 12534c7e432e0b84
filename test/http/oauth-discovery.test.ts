// Discovery over HTTP: SMART and OpenID configuration, the instance JWKS, userinfo's refusals, and a
// server with the demo users switched off.
// See: https://hl7.org/fhir/smart-app-launch/conformance.html
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/governance/clients.ts';
import { pkce, signIn } from '../support/oauth-flow.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

const ISSUER = 'http://sharedcare.test';
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

describe('discovery', () => {
  it('/.well-known/smart-configuration (also under the FHIR base) names the endpoints and capabilities', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
      const res = await t.request('GET', path, { token: null });
      expect(res.status, path).toBe(200);
      expect(res.body).toMatchObject({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/oauth/authorize`,
        token_endpoint: `${ISSUER}/oauth/token`,
        jwks_uri: `${ISSUER}/oauth/jwks`,
        userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
        grant_types_supported: ['authorization_code', 'client_credentials'],
      });
      expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'fhirUser', 'launch', 'launch/patient', 'patient/*.rs', 'user/*.cruds', 'system/*.rs', 'nationalrbacaccess', 'selectedrole']));
      expect(res.body.capabilities).toEqual(expect.arrayContaining(['launch-standalone', 'client-public', 'client-confidential-asymmetric', 'sso-openid-connect', 'permission-v2']));
      expect(res.body.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
    }
  });

  it('/.well-known/openid-configuration is OpenID Provider metadata', async () => {
    const res = await t.request('GET', '/.well-known/openid-configuration', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issuer: ISSUER, subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'], jwks_uri: `${ISSUER}/oauth/jwks` });
  });

  it('/oauth/jwks is the instance public key, and nothing private', async () => {
    const res = await t.request('GET', '/oauth/jwks', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: t.platform.key.kid, alg: 'ES256', use: 'sig' });
    expect(res.body.keys[0].d).toBeUndefined();
  });
});

describe('userinfo', () => {
  it('no token or a bad one → 401 invalid_token with a Bearer challenge', async () => {
    for (const token of [null, 'not-a-token']) {
      const res = await t.request('GET', '/oauth/userinfo', { token });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer .*error="invalid_token"/);
    }
  });

  it('a system token → 403 insufficient_scope', async () => {
    const res = await t.request('GET', '/oauth/userinfo', { token: await t.token('openid system/*.rs', { kind: 'system' }) });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
  });
});

describe('demo users switched off', () => {
  let off: TestPlatform;
  beforeAll(async () => {
    off = await startTestPlatform({ demoUsers: false });
    await new ClientRegistry(off.platform.driver).add({
      clientId: 'viewer', name: 'Viewer', kind: 'user-app', jkuUrls: [], redirectUris: ['https://app.example/cb'], scope: 'openid user/*.rs', trusted: false,
    });
  });
  afterAll(async () => {
    await off?.close();
  });

  it('offers none and signs none in', async () => {
    const params = { response_type: 'code', client_id: 'viewer', redirect_uri: 'https://app.example/cb', scope: 'openid user/*.rs', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256' };
    const page = await off.request('GET', `/oauth/authorize?${new URLSearchParams(params)}`, { token: null });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Demo users');
    const res = await signIn(off, params, 'gp', 'demo');
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
  });
});
