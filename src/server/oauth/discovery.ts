// What clients discover before they ask: the SMART App Launch configuration, the OpenID Provider
// metadata, and the public key that verifies ID tokens. Public documents; no personal data.
// See: https://hl7.org/fhir/smart-app-launch/conformance.html
// and https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
import type { InstanceKey } from '../auth/instance-key.ts';
import { SIGNING_ALG } from '../auth/instance-key.ts';
import { ASSERTION_ALGORITHMS } from './client-assertion.ts';
import type { OAuthEndpoints } from './endpoints.ts';

// offline_access is left out: sharedcare issues no refresh tokens yet.
export const SCOPES_SUPPORTED = [
  'openid', 'fhirUser', 'profile', 'launch', 'launch/patient',
  'patient/*.rs', 'user/*.cruds', 'system/*.rs', 'system/*.cruds',
  'nationalrbacaccess', 'selectedrole',
];

const CAPABILITIES = [
  'launch-ehr',
  'launch-standalone',
  'client-public',
  'client-confidential-asymmetric',
  'context-ehr-patient',
  'context-standalone-patient',
  'sso-openid-connect',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
];

function common(endpoints: OAuthEndpoints) {
  return {
    issuer: endpoints.issuer,
    jwks_uri: endpoints.jwks,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    userinfo_endpoint: endpoints.userinfo,
    grant_types_supported: ['authorization_code', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    scopes_supported: SCOPES_SUPPORTED,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  };
}

/** `/.well-known/smart-configuration` (SMART App Launch 2). */
export function smartConfiguration(endpoints: OAuthEndpoints): Record<string, unknown> {
  return { ...common(endpoints), capabilities: CAPABILITIES };
}

/** `/.well-known/openid-configuration`. */
export function openidConfiguration(endpoints: OAuthEndpoints): Record<string, unknown> {
  return {
    ...common(endpoints),
    response_modes_supported: ['query'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    claims_supported: ['sub', 'name', 'fhirUser', 'patient', 'nhsid_useruid', 'nhsid_nrbac_roles', 'selected_roleid', 'auth_time', 'nonce'],
  };
}

/** The instance's public key, for verifying ID tokens (and access tokens, at resource servers). */
export function jwksDocument(key: InstanceKey): { keys: Array<Record<string, unknown>> } {
  return { keys: [{ ...key.publicJwk, kid: key.kid, alg: SIGNING_ALG, use: 'sig' }] };
}
