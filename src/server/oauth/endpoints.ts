// Where the OAuth endpoints are, as clients must name them: an assertion's `aud` has to equal the
// token URL character for character, and the ID token's `iss` the issuer. Derived from the
// configured FHIR base URL, so a proxy's Host header cannot change them in a deployment.
import type { FastifyRequest } from 'fastify';

export interface OAuthEndpoints {
  /** The server root: OpenID issuer and SMART `issuer`. */
  issuer: string;
  fhirBase: string;
  authorization: string;
  token: string;
  jwks: string;
  userinfo: string;
}

/** The endpoints for a FHIR base URL such as `https://care.example/fhir`. */
export function endpointsFor(fhirBase: string): OAuthEndpoints {
  const base = fhirBase.replace(/\/+$/, '');
  // Behind a proxy with a path prefix the OAuth routes sit beside /fhir under the same prefix.
  const issuer = base.endsWith('/fhir') ? base.slice(0, -'/fhir'.length) : new URL(base).origin;
  return {
    issuer,
    fhirBase: base,
    authorization: `${issuer}/oauth/authorize`,
    token: `${issuer}/oauth/token`,
    jwks: `${issuer}/oauth/jwks`,
    userinfo: `${issuer}/oauth/userinfo`,
  };
}

/**
 * The endpoints for this request: from the configured base URL when there is one (deployments
 * must set it), otherwise from the request's Host, which is good enough on a developer's machine.
 */
export function endpointsOf(req: FastifyRequest, configuredBaseUrl?: string): OAuthEndpoints {
  return endpointsFor(configuredBaseUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}/fhir`);
}
