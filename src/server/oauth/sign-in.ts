// The sign-in step of the authorisation endpoint: the request is checked again (the form carried
// it back and could have been altered), the identity provider vouches for the person, and a
// one-time code goes back to the app's registered redirect URI.
import type { ClientLookup } from '../../governance/clients.ts';
import { checkAuthorizeRequest, redirectWith, type AuthorizeRequest } from './authorize.ts';
import type { CodeStore } from './code-store.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import { oauthParams, type OAuthParams } from './form-params.ts';
import type { IdentityProvider } from './identity-provider.ts';
import { CITIZEN_POLICY, intersectScopes, STAFF_POLICY } from './scope-grant.ts';

export interface SignInContext {
  clients: ClientLookup;
  codes: CodeStore;
  idp: IdentityProvider;
  endpoints: OAuthEndpoints;
  now: Date;
}

export type SignInResult =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; message: string }
  | { kind: 'retry'; request: AuthorizeRequest; message: string; username: string };

/** Handles the posted sign-in form. Never throws for bad input. */
export async function signIn(ctx: SignInContext, form: OAuthParams): Promise<SignInResult> {
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  const request = oauthParams([...form].filter(([name]) => name !== 'username' && name !== 'password'));
  const check = await checkAuthorizeRequest(request, ctx.clients, ctx.endpoints);
  if (!check.ok) return 'page' in check ? { kind: 'page', message: check.page } : { kind: 'redirect', location: check.redirect };
  const { request: authorize } = check;
  const outcome = await ctx.idp.signIn(username, password);
  if (!outcome.ok) return { kind: 'retry', request: authorize, message: outcome.message, username };
  const { user } = outcome;
  const scope = intersectScopes(authorize.scope, user.kind === 'citizen' ? CITIZEN_POLICY : STAFF_POLICY);
  if (!scope) {
    const location = redirectWith(authorize.redirectUri, { error: 'invalid_scope', error_description: 'None of the requested scopes is available to this user', state: authorize.state });
    return { kind: 'redirect', location };
  }
  const code = await ctx.codes.issue({
    clientId: authorize.client.clientId,
    redirectUri: authorize.redirectUri,
    user: { ...user, authTime: Math.floor(ctx.now.getTime() / 1000) },
    scope,
    codeChallenge: authorize.codeChallenge,
    ...(user.patient ? { patient: user.patient } : {}),
    ...(authorize.nonce ? { nonce: authorize.nonce } : {}),
  }, ctx.now);
  return { kind: 'redirect', location: redirectWith(authorize.redirectUri, { code, state: authorize.state }) };
}
