// Client authentication at the token endpoint: a signed assertion (private_key_jwt) for clients
// with keys, or the client id alone (`none`) for public apps, which PKCE then protects.
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html#request-access-token
import { isPublicClient, type OAuthClient } from '../../governance/clients.ts';
import { ASSERTION_TYPE, verifyClientAssertion } from './client-assertion.ts';
import type { OAuthParams } from './form-params.ts';
import { OAuthError } from './oauth-error.ts';
import type { TokenContext } from './token-context.ts';

export interface AuthenticatedClient {
  client: OAuthClient;
  method: 'private_key_jwt' | 'none';
}

/** Authenticates the client of a token request, or throws invalid_client (401). */
export async function authenticateClient(ctx: TokenContext, params: OAuthParams): Promise<AuthenticatedClient> {
  const assertion = params.get('client_assertion');
  const assertionType = params.get('client_assertion_type');
  const clientId = params.get('client_id');
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== ASSERTION_TYPE) throw new OAuthError('invalid_client', `client_assertion_type must be ${ASSERTION_TYPE}`);
    if (assertion === undefined) throw new OAuthError('invalid_client', 'client_assertion is missing');
    const context = { clients: ctx.clients, jtis: ctx.jtis, remoteKeys: ctx.remoteKeys, tokenEndpoint: ctx.endpoints.token, now: ctx.now };
    return { client: await verifyClientAssertion(context, assertion, clientId), method: 'private_key_jwt' };
  }
  if (clientId === undefined) throw new OAuthError('invalid_client', 'Client authentication is required (client_assertion, or client_id for a public app)');
  const client = await ctx.clients.get(clientId);
  if (!client) throw new OAuthError('invalid_client', 'Unknown client');
  // A client with keys must use them: its id alone is public knowledge.
  if (!isPublicClient(client)) throw new OAuthError('invalid_client', 'This client must authenticate with a signed assertion (private_key_jwt)');
  return { client, method: 'none' };
}
