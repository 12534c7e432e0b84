// OAuth parameters from a query string or a form body, each at most once (RFC 6749 §3.1: request
// parameters "MUST NOT be included more than once"), so no two readers can disagree on a value.
import { OAuthError } from './oauth-error.ts';

/** Parameter name → value; empty values count as absent (RFC 6749 §3.1). */
export type OAuthParams = ReadonlyMap<string, string>;

/** Builds the parameter map, or throws invalid_request on a repeated parameter. */
export function oauthParams(pairs: Iterable<readonly [string, string]>): OAuthParams {
  const params = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (value === '') continue;
    if (params.has(name)) throw new OAuthError('invalid_request', `The parameter ${name} was sent more than once`);
    params.set(name, value);
  }
  return params;
}

/** The parameters of a form-encoded body (the server's form parser yields name/value pairs). */
export function formParams(body: unknown): OAuthParams {
  if (!Array.isArray(body)) throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded');
  return oauthParams(body as Array<[string, string]>);
}
