// POST /oauth/token: picks the grant. Each grant authenticates its client and checks its own input.
// See: https://www.rfc-editor.org/rfc/rfc6749#section-3.2
import { authorizationCodeGrant } from './authorization-code-grant.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import type { OAuthParams } from './form-params.ts';
import { OAuthError } from './oauth-error.ts';
import type { TokenContext, TokenResponse } from './token-context.ts';

export async function handleTokenRequest(ctx: TokenContext, params: OAuthParams): Promise<TokenResponse> {
  const grantType = params.get('grant_type');
  if (grantType === 'client_credentials') return clientCredentialsGrant(ctx, params);
  if (grantType === 'authorization_code') return authorizationCodeGrant(ctx, params);
  if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
  throw new OAuthError('unsupported_grant_type', 'Supported grant types: client_credentials, authorization_code');
}
