// GET /oauth/userinfo: the signed-in person's claims for a valid access token that carries
// `openid`. Systems have no userinfo. See: https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
import type { Principal } from '../../governance/principal.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import { identityClaims } from './id-token.ts';
import type { IdentityProvider } from './identity-provider.ts';
import { OAuthError } from './oauth-error.ts';

export function userinfoClaims(principal: Principal, idp: IdentityProvider, endpoints: OAuthEndpoints): Record<string, unknown> {
  if (principal.kind !== 'user' && principal.kind !== 'citizen') throw new OAuthError('insufficient_scope', 'userinfo describes people; this token is a system\'s');
  if (!principal.scope.split(/\s+/).includes('openid')) throw new OAuthError('insufficient_scope', 'userinfo needs a token granted the openid scope');
  const known = idp.describe(principal.subject);
  if (known) return identityClaims(known, endpoints, principal.patient);
  // A provider that cannot describe the user: what the token itself says.
  return {
    sub: principal.subject,
    ...(principal.name ? { name: principal.name } : {}),
    ...(principal.patient ? { patient: principal.patient, fhirUser: `${endpoints.fhirBase}/Patient/${principal.patient}` } : {}),
  };
}
