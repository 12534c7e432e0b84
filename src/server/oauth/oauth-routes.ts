// The OAuth 2 / OpenID Connect edge: discovery, JWKS, the authorisation endpoint with its sign-in
// page, the token endpoint, userinfo and the EHR launch endpoint. Registered in their own Fastify
// scope so their errors are OAuth JSON (or an HTML page for the browser-facing authorise step),
// never FHIR OperationOutcomes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FhirError } from '../../fhir/errors.ts';
import { ClientRegistry } from '../../governance/clients.ts';
import { DEMO_PASSWORD_HINT, DEMO_USERS } from '../../governance/demo-users.ts';
import { authenticate } from '../auth/tokens.ts';
import type { Platform } from '../platform.ts';
import { checkAuthorizeRequest, redirectWith, type AuthorizeRequest } from './authorize.ts';
import { BuiltInIdentityProvider } from './built-in-idp.ts';
import { RemoteKeySets } from './client-keys.ts';
import { CodeStore } from './code-store.ts';
import { jwksDocument, openidConfiguration, smartConfiguration } from './discovery.ts';
import { endpointsOf } from './endpoints.ts';
import { formParams, oauthParams } from './form-params.ts';
import type { IdentityProvider } from './identity-provider.ts';
import { JtiStore } from './jti-store.ts';
import { LaunchContexts } from './launch-context.ts';
import { createLaunch } from './launch-endpoint.ts';
import { LaunchStore } from './launch-store.ts';
import { OAuthError } from './oauth-error.ts';
import { signIn } from './sign-in.ts';
import { renderErrorPage, renderSignInPage } from './sign-in-page.ts';
import { handleTokenRequest } from './token-endpoint.ts';
import { userinfoClaims } from './userinfo.ts';
import { withViewerClient } from './viewer-client.ts';

export interface OAuthRouteOptions {
  /** Who signs people in; the built-in development provider (demo users) when absent. */
  identityProvider?: IdentityProvider;
}

const FORM_BODY_LIMIT = 64 * 1024;
// The sign-in page must not be framed (clickjacking) nor load anything from elsewhere.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const sendPage = (reply: FastifyReply, status: number, html: string) => reply.code(status).headers(PAGE_HEADERS).send(html);
const queryPairs = (req: FastifyRequest) => new URL(req.url, 'http://local').searchParams;

function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  // RFC 6750 §3: a protected resource (userinfo) answers with a Bearer challenge.
  if (err.error === 'invalid_token' || err.error === 'insufficient_scope') reply.header('www-authenticate', `Bearer realm="sharedcare", error="${err.error}"`);
  return reply.code(err.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(err.toJSON()));
}

/** Framework failures (media type, body size) and faults as OAuth errors; details stay in the log. */
function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof FhirError && err.category !== 'fault') return new OAuthError('invalid_request', 'The request body could not be read');
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status < 500) return new OAuthError('invalid_request', 'The request is malformed, too large or not form-encoded');
  return new OAuthError('server_error', 'The server could not complete the request');
}

/** Registers the OAuth and discovery routes on the server. */
export async function registerOAuthRoutes(app: FastifyInstance, platform: Platform, options: OAuthRouteOptions = {}): Promise<void> {
  const { config, key, driver } = platform;
  const registry = new ClientRegistry(driver);
  const jtis = new JtiStore(driver);
  const codes = new CodeStore(driver);
  const remoteKeys = new RemoteKeySets();
  const launchStore = new LaunchStore(driver);
  const launches = new LaunchContexts({ store: launchStore, jtis, clients: registry, remoteKeys, repo: platform.repo, driver });
  const idp = options.identityProvider ?? new BuiltInIdentityProvider(config.demoUsers ? DEMO_USERS : [], platform.repo);
  if (!options.identityProvider && config.demoUsers) {
    app.log.warn('Demo users are enabled (password "demo"): for development only. Set SHAREDCARE_DEMO_USERS=false on a live system.');
  }
  const endpoints = (req: FastifyRequest) => endpointsOf(req, config.baseUrl);

  const showSignIn = (reply: FastifyReply, status: number, request: AuthorizeRequest, error?: string, username?: string) =>
    sendPage(reply, status, renderSignInPage({
      clientName: request.client.name, fields: request.fields, choices: idp.choices(), demoHint: DEMO_PASSWORD_HINT,
      ...(error ? { error } : {}), ...(username ? { username } : {}),
    }));

  await app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      const oauth = toOAuthError(err);
      if (oauth.error === 'server_error') req.log.error({ requestId: req.id, err: { name: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack } }, 'oauth request failed');
      else req.log.info({ requestId: req.id, error: oauth.error }, 'oauth request refused');
      if (req.url.startsWith('/oauth/authorize')) return sendPage(reply, oauth.status, renderErrorPage(oauth.message));
      return sendOAuthError(reply, oauth);
    });

    scope.get('/.well-known/smart-configuration', async (req) => smartConfiguration(endpoints(req)));
    // SMART App Launch 2 places it under the FHIR base URL.
    scope.get('/fhir/.well-known/smart-configuration', async (req) => smartConfiguration(endpoints(req)));
    scope.get('/.well-known/openid-configuration', async (req) => openidConfiguration(endpoints(req)));
    scope.get('/oauth/jwks', async () => jwksDocument(key));

    scope.get('/oauth/authorize', async (req, reply) => {
      const check = await checkAuthorizeRequest(oauthParams(queryPairs(req)), withViewerClient(registry, endpoints(req)), endpoints(req));
      if (!check.ok) return 'page' in check ? sendPage(reply, 400, renderErrorPage(check.page)) : reply.code(303).header('location', check.redirect).send();
      const { request } = check;
      // A launch that cannot open a record is explained before anyone types a password.
      const launch = request.launch ? await launches.check(request.launch, { endpoints: endpoints(req), now: new Date(), requestId: String(req.id) }) : undefined;
      if (launch && !launch.ok) {
        const location = redirectWith(request.redirectUri, { error: 'invalid_request', error_description: launch.message, state: request.state });
        return reply.code(303).header('location', location).send();
      }
      return showSignIn(reply, 200, request);
    });

    scope.post('/oauth/authorize', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
      const context = { clients: withViewerClient(registry, endpoints(req)), codes, idp, endpoints: endpoints(req), launches, now: new Date(), requestId: String(req.id), network: req.ip };
      const result = await signIn(context, formParams(req.body));
      if (result.kind === 'redirect') return reply.code(303).header('location', result.location).send();
      if (result.kind === 'page') return sendPage(reply, 400, renderErrorPage(result.message));
      req.log.info({ requestId: req.id }, 'sign-in refused');
      return showSignIn(reply, 401, result.request, result.message, result.username);
    });

    scope.post('/oauth/token', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
      const context = { key, clients: withViewerClient(registry, endpoints(req)), jtis, codes, remoteKeys, endpoints: endpoints(req), now: new Date() };
      const params = formParams(req.body);
      const response = await handleTokenRequest(context, params);
      req.log.info({ requestId: req.id, grant: params.get('grant_type') }, 'token issued');
      return reply.header('pragma', 'no-cache').send(response);
    });

    scope.post('/oauth/launch', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
      const context = { key, clients: registry, store: launchStore, repo: platform.repo, driver, endpoints: endpoints(req), now: new Date(), requestId: String(req.id), network: req.ip };
      const response = await createLaunch(context, req.headers.authorization, req.body);
      req.log.info({ requestId: req.id }, 'launch issued');
      return reply.send(response);
    });

    scope.route({
      method: ['GET', 'POST'],
      url: '/oauth/userinfo',
      bodyLimit: FORM_BODY_LIMIT,
      handler: async (req) => {
        try {
          return userinfoClaims(await authenticate(key, req.headers.authorization), idp, endpoints(req));
        } catch (err) {
          if (err instanceof FhirError && err.category === 'unauthenticated') throw new OAuthError('invalid_token', err.message);
          throw err;
        }
      },
    });
  });
}
