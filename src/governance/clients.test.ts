import { describe, expect, it } from 'vitest';
import { clientProblems, isPublicClient, type OAuthClient } from './clients.ts';

const EC_PUBLIC = { kty: 'EC', crv: 'P-384', x: 'x', y: 'y', kid: 'k1' };

const client = (overrides: Partial<OAuthClient>): OAuthClient => ({
  clientId: 'c1', name: 'Client', kind: 'system', jwks: { keys: [EC_PUBLIC] }, jkuUrls: [], scope: 'system/*.rs', redirectUris: [], trusted: false, ...overrides,
});

describe('clientProblems', () => {
  it('accepts well-formed registrations', () => {
    expect(clientProblems(client({}))).toEqual([]);
    expect(clientProblems(client({ jwks: undefined, jkuUrls: ['https://keys.example/jwks.json', 'http://127.0.0.1:8123/jwks'] }))).toEqual([]);
    expect(clientProblems(client({ kind: 'user-app', jwks: undefined, redirectUris: ['https://app.example/cb', 'com.example.app:/cb'], organization: 'RQX' }))).toEqual([]);
  });

  it.each<[string, Partial<OAuthClient>, RegExp]>([
    ['a bad id', { clientId: 'has space' }, /client id/],
    ['no name', { name: ' ' }, /name/],
    ['an unknown kind', { kind: 'robot' as OAuthClient['kind'] }, /kind/],
    ['no scope', { scope: '' }, /scope/],
    ['a private key', { jwks: { keys: [{ ...EC_PUBLIC, d: 'secret' }] } }, /private key material/],
    ['a symmetric key', { jwks: { keys: [{ kty: 'oct', k: 'secret' }] } }, /RSA or EC/],
    ['an empty JWKS', { jwks: { keys: [] } }, /non-empty/],
    ['a jku over http', { jkuUrls: ['http://keys.example/jwks'] }, /https/],
    ['a system client without keys', { jwks: undefined }, /needs a JWKS or a jku URL/],
    ['an app without redirect URIs', { kind: 'user-app' }, /redirect URI/],
    ['a redirect URI with a fragment', { kind: 'user-app', redirectUris: ['https://app.example/cb#x'] }, /fragment/],
    ['a javascript: redirect URI', { kind: 'user-app', redirectUris: ['javascript:alert(1)'] }, /https/],
    ['a relative redirect URI', { kind: 'user-app', redirectUris: ['/cb'] }, /absolute/],
    ['a bad organisation code', { organization: 'not an ods code' }, /ODS/],
  ])('refuses %s', (_what, overrides, problem) => {
    expect(clientProblems(client(overrides)).join('\n')).toMatch(problem);
  });
});

describe('isPublicClient', () => {
  it('is true only without keys', () => {
    expect(isPublicClient(client({ jwks: undefined }))).toBe(true);
    expect(isPublicClient(client({}))).toBe(false);
    expect(isPublicClient(client({ jwks: undefined, jkuUrls: ['https://k.example/j'] }))).toBe(false);
  });
});
