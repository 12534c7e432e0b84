// The OpenID Connect ID token: who signed in, signed by the instance key, with claims shaped like
// NHS CIS2's (nhsid_nrbac_roles, selected_roleid) so apps written for CIS2 read it unchanged.
// See: https://openid.net/specs/openid-connect-core-1_0.html#IDToken
import { SignJWT } from 'jose';
import { type InstanceKey, SIGNING_ALG } from '../auth/instance-key.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import { type SignedInUser } from './identity-provider.ts';

export const ID_TOKEN_SECONDS = 900;

/** The identity claims for a user: shared by the ID token and userinfo. */
export function identityClaims(user: SignedInUser, endpoints: OAuthEndpoints, patient?: string): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id, name: user.name };
  if (user.kind === 'citizen') {
    if (patient) {
      claims.patient = patient;
      claims.fhirUser = `${endpoints.fhirBase}/Patient/${patient}`;
    }
    return claims;
  }
  claims.nhsid_useruid = user.id;
  claims.nhsid_nrbac_roles = user.roles.map((r) => ({
    person_roleid: r.personRoleId,
    org_code: r.orgCode,
    role_code: r.nrbacCode,
    role_name: r.roleName,
  }));
  if (user.selectedRoleId) claims.selected_roleid = user.selectedRoleId;
  return claims;
}

export interface IdTokenOptions {
  clientId: string;
  user: SignedInUser;
  patient?: string;
  nonce?: string;
  now: Date;
}

/** Signs the ID token: `iss` the server, `aud` the client. */
export async function issueIdToken(key: InstanceKey, endpoints: OAuthEndpoints, options: IdTokenOptions): Promise<string> {
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  const { sub, ...claims } = identityClaims(options.user, endpoints, options.patient);
  return new SignJWT({ ...claims, ...(options.nonce ? { nonce: options.nonce } : {}), auth_time: options.user.authTime ?? nowSeconds })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(endpoints.issuer)
    .setAudience(options.clientId)
    .setSubject(sub as string)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ID_TOKEN_SECONDS)
    .sign(key.privateKey);
}
