import { describe, expect, it } from 'vitest';
import { endpointsFor } from './endpoints.ts';

describe('endpointsFor', () => {
  it('puts the OAuth endpoints beside /fhir', () => {
    expect(endpointsFor('https://care.example/fhir')).toEqual({
      issuer: 'https://care.example',
      fhirBase: 'https://care.example/fhir',
      authorization: 'https://care.example/oauth/authorize',
      token: 'https://care.example/oauth/token',
      jwks: 'https://care.example/oauth/jwks',
      userinfo: 'https://care.example/oauth/userinfo',
    });
  });

  it('keeps a proxy path prefix and ignores a trailing slash', () => {
    expect(endpointsFor('https://region.example/sharedcare/fhir/').token).toBe('https://region.example/sharedcare/oauth/token');
  });

  it('uses the origin when the base URL does not end in /fhir', () => {
    expect(endpointsFor('https://care.example/r4').issuer).toBe('https://care.example');
  });
});
