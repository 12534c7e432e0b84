// The sign-in step of the authorisation endpoint: the request is checked again (the form carried
// it back and could have been altered), the identity provider vouches for the person, an EHR
// launch (if the app brought one) is redeemed for the person it opens, and a one-time code goes back
// to the app's registered redirect URI.
import type { ClientLookup } from '../../governance/clients.ts';
import { checkAuthorizeRequest, redirectWith, type AuthorizeRequest } from './authorize.ts';
import type { CodeStore } from './code-store.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import { oauthParams, type OAuthParams } from './form-params.ts';
import type { IdentityProvider, SignedInUser } from './identity-provider.ts';
import type { LaunchArrival, LaunchContexts } from './launch-context.ts';
import { CITIZEN_POLICY, intersectScopes, STAFF_POLICY } from './scope-grant.ts';

export interface SignInContext {
  clients: ClientLookup;
  codes: CodeStore;
  idp: IdentityProvider;
  endpoints: OAuthEndpoints;
  launches: LaunchContexts;
  now: Date;
  requestId: string;
  network?: string;
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
  const launched = await launchedPatient(ctx, authorize, user);
  if (!launched.ok) return { kind: 'redirect', location: redirectWith(authorize.redirectUri, { error: 'invalid_request', error_description: launched.message, state: authorize.state }) };
  const patient = launched.patient ?? user.patient;
  let scope = intersectScopes(authorize.scope, user.kind === 'citizen' ? CITIZEN_POLICY : STAFF_POLICY);
  // The launch scope says a launch context came with the token; without one it would say nothing true.
  if (!launched.patient) scope = scope.split(' ').filter((s) => s !== 'launch').join(' ');
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
    ...(patient ? { patient } : {}),
    ...(authorize.nonce ? { nonce: authorize.nonce } : {}),
  }, ctx.now);
  return { kind: 'redirect', location: redirectWith(authorize.redirectUri, { code, state: authorize.state }) };
}

/**
 * The Patient a staff member's launch opens (spent now), or none. A citizen's context is always
 * their own record, so a launch they bring is left unspent and changes nothing.
 */
async function launchedPatient(ctx: SignInContext, authorize: AuthorizeRequest, user: SignedInUser): Promise<{ ok: true; patient?: string } | { ok: false; message: string }> {
  if (!authorize.launch || user.kind === 'citizen') return { ok: true };
  const arrival: LaunchArrival = { endpoints: ctx.endpoints, now: ctx.now, requestId: ctx.requestId, ...(ctx.network ? { network: ctx.network } : {}) };
  return ctx.launches.redeem(authorize.launch, arrival);
}
