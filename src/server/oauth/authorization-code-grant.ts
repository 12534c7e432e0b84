// The authorization code grant: a one-time code, the same redirect URI, and the PKCE verifier in;
// an access token for the person who signed in (and an ID token when `openid` was granted) out.
// See: https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 and RFC 7636 §4.6
import { createHash } from 'node:crypto';
import { issueToken } from '../auth/tokens.ts';
import { authenticateClient } from './client-auth.ts';
import type { OAuthParams } from './form-params.ts';
import { issueIdToken } from './id-token.ts';
import { selectedRole } from './identity-provider.ts';
import { OAuthError } from './oauth-error.ts';
import { ACCESS_TOKEN_SECONDS, type TokenContext, type TokenResponse } from './token-context.ts';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

function pkceMatches(verifier: string, challenge: string): boolean {
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

export async function authorizationCodeGrant(ctx: TokenContext, params: OAuthParams): Promise<TokenResponse> {
  const { client } = await authenticateClient(ctx, params);
  if (client.kind !== 'user-app') throw new OAuthError('unauthorized_client', 'This client is registered for system access, not for signing people in');
  const code = params.get('code');
  const redirectUri = params.get('redirect_uri');
  const verifier = params.get('code_verifier');
  if (!code || !redirectUri || !verifier) throw new OAuthError('invalid_request', 'code, redirect_uri and code_verifier are required');
  // Redeeming first burns the code whatever follows, so a stolen code gives one guess at the verifier.
  const grant = await ctx.codes.redeem(code, ctx.now);
  if (!grant) throw new OAuthError('invalid_grant', 'The code is unknown, expired or already used');
  if (grant.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'The code was issued to another client');
  if (grant.redirectUri !== redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorisation request');
  if (!VERIFIER.test(verifier) || !pkceMatches(verifier, grant.codeChallenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match the code challenge');
  const { user } = grant;
  const role = selectedRole(user);
  const accessToken = await issueToken(ctx.key, {
    kind: user.kind,
    subject: user.id,
    name: user.name,
    clientId: client.clientId,
    scope: grant.scope,
    ...(role ? { role: role.roleCode, organization: role.orgCode } : {}),
    ...(grant.patient ? { patient: grant.patient } : {}),
    expiresInSeconds: ACCESS_TOKEN_SECONDS,
  });
  const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, scope: grant.scope };
  if (grant.patient) response.patient = grant.patient;
  if (grant.scope.split(' ').includes('openid')) {
    response.id_token = await issueIdToken(ctx.key, ctx.endpoints, {
      clientId: client.clientId, user, ...(grant.patient ? { patient: grant.patient } : {}), ...(grant.nonce ? { nonce: grant.nonce } : {}), now: ctx.now,
    });
  }
  return response;
}
