// The client credentials grant for backend systems (SMART Backend Services): a signed assertion in,
// a short-lived system token out, scoped to what the client asked for within its registration.
// See: https://hl7.org/fhir/smart-app-launch/backend-services.html
import { issueToken } from '../auth/tokens.ts';
import { authenticateClient } from './client-auth.ts';
import type { OAuthParams } from './form-params.ts';
import { OAuthError } from './oauth-error.ts';
import { hasResourceScope, intersectScopes, SYSTEM_POLICY } from './scope-grant.ts';
import { ACCESS_TOKEN_SECONDS, type TokenContext, type TokenResponse } from './token-context.ts';

export async function clientCredentialsGrant(ctx: TokenContext, params: OAuthParams): Promise<TokenResponse> {
  const { client, method } = await authenticateClient(ctx, params);
  if (method !== 'private_key_jwt') throw new OAuthError('invalid_client', 'The client credentials grant needs a signed client assertion (private_key_jwt)');
  if (client.kind !== 'system') throw new OAuthError('unauthorized_client', 'This client is registered to sign people in, not for system access');
  const requested = params.get('scope');
  if (!requested) throw new OAuthError('invalid_scope', 'scope is required, e.g. system/*.rs');
  const scope = intersectScopes(intersectScopes(requested, client.scope), SYSTEM_POLICY);
  if (!hasResourceScope(scope)) throw new OAuthError('invalid_scope', 'None of the requested scopes is allowed for this client');
  const accessToken = await issueToken(ctx.key, {
    kind: 'system',
    subject: client.clientId,
    clientId: client.clientId,
    name: client.name,
    scope,
    ...(client.organization ? { organization: client.organization } : {}),
    expiresInSeconds: ACCESS_TOKEN_SECONDS,
  });
  return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, scope };
}
