// Checks an authorisation request (RFC 6749 §4.1.1 with PKCE, SMART App Launch): until the client
// and its redirect URI are known to be registered, errors are shown as a page and never redirected;
// after that they go back to the app as `error=` on its redirect URI (§4.1.2.1).
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
import type { ClientLookup, OAuthClient } from '../../governance/clients.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import type { OAuthParams } from './form-params.ts';
import type { OAuthErrorCode } from './oauth-error.ts';
import { intersectScopes } from './scope-grant.ts';

/** The request parameters the sign-in form carries back; credentials are not among them. */
export const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'aud', 'launch'] as const;

/** A launch id is 43 characters; a signed launch link a few hundred (an RS512 signature is 683). */
const MAX_LAUNCH_LENGTH = 4096;

export interface AuthorizeRequest {
  client: OAuthClient;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  /** The requested scope narrowed to what the client is registered for. */
  scope: string;
  nonce?: string;
  /** An EHR launch (a launch id or a signed launch link): which person to open, resolved at sign-in. */
  launch?: string;
  /** The parameters as received, for the sign-in form to send back. */
  fields: Array<[string, string]>;
}

export type AuthorizeCheck = { ok: true; request: AuthorizeRequest } | { ok: false; page: string } | { ok: false; redirect: string };

/** The app's redirect URI with an error added, keeping any query it was registered with. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

function errorRedirect(redirectUri: string, error: OAuthErrorCode, description: string, state: string | undefined): AuthorizeCheck {
  return { ok: false, redirect: redirectWith(redirectUri, { error, error_description: description, state }) };
}

/** Checks the request parameters; never throws for bad input. */
export async function checkAuthorizeRequest(params: OAuthParams, clients: ClientLookup, endpoints: OAuthEndpoints): Promise<AuthorizeCheck> {
  const clientId = params.get('client_id');
  const redirectUri = params.get('redirect_uri');
  if (!clientId) return { ok: false, page: 'The request does not say which app is asking (client_id).' };
  const client = await clients.get(clientId);
  if (!client) return { ok: false, page: 'The app asking to sign you in is not registered with this service.' };
  if (!redirectUri) return { ok: false, page: 'The request does not say where to return to (redirect_uri).' };
  // Exact string equality: a URI that merely starts with a registered one may belong to anyone.
  if (!client.redirectUris.includes(redirectUri)) return { ok: false, page: 'The address to return to is not one registered for this app.' };
  const state = params.get('state');
  const fail = (error: OAuthErrorCode, description: string) => errorRedirect(redirectUri, error, description, state);
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
  if (client.kind !== 'user-app') return fail('unauthorized_client', 'This client is registered for system access, not for signing people in');
  if (!state) return fail('invalid_request', 'state is required');
  const challenge = params.get('code_challenge');
  if (!challenge || params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
  const aud = params.get('aud');
  if (aud !== undefined && aud.replace(/\/+$/, '') !== endpoints.fhirBase) return fail('invalid_request', `aud must be this server's FHIR base URL, ${endpoints.fhirBase}`);
  const requested = params.get('scope');
  if (!requested) return fail('invalid_scope', 'scope is required');
  const scope = intersectScopes(requested, client.scope);
  if (!scope) return fail('invalid_scope', 'None of the requested scopes is allowed for this app');
  const nonce = params.get('nonce');
  const launch = params.get('launch');
  if (launch !== undefined && launch.length > MAX_LAUNCH_LENGTH) return fail('invalid_request', 'launch is too long');
  const fields = AUTHORIZE_PARAMS.flatMap((name): Array<[string, string]> => (params.has(name) ? [[name, params.get(name)!]] : []));
  return { ok: true, request: { client, redirectUri, state, codeChallenge: challenge, scope, ...(nonce ? { nonce } : {}), ...(launch ? { launch } : {}), fields } };
}
