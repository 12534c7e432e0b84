// Verifies a `private_key_jwt` client assertion (SMART Backend Services, NHS signed-JWT auth):
// iss = sub = client id, aud = the token URL exactly, a short lifetime, an allowlisted algorithm,
// a registered key, and a jti never seen before within its lifetime.
// See: https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
// and RFC 7523 §3: https://www.rfc-editor.org/rfc/rfc7523#section-3
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { ClientLookup, OAuthClient } from '../../governance/clients.ts';
import { clientKeys, type RemoteKeySets } from './client-keys.ts';
import type { JtiStore } from './jti-store.ts';
import { OAuthError } from './oauth-error.ts';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Asymmetric algorithms only: `none` and HS* (a shared secret, or a public key misused as one) never pass. */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
/** SMART: `exp` "no more than five minutes in the future". */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 60;

export interface AssertionContext {
  clients: ClientLookup;
  jtis: JtiStore;
  remoteKeys: RemoteKeySets;
  /** The token endpoint URL the assertion's `aud` must equal. */
  tokenEndpoint: string;
  now: Date;
}

const refuse = (description: string): OAuthError => new OAuthError('invalid_client', description);

function decode(assertion: string): { alg: unknown; jku: unknown; payload: JWTPayload } {
  try {
    const header = decodeProtectedHeader(assertion);
    return { alg: header.alg, jku: header.jku, payload: decodeJwt(assertion) };
  } catch {
    throw refuse('The client assertion is not a signed JWT');
  }
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The client assertion has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `The client assertion's ${err.claim} claim is not valid for this server`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The client assertion uses an algorithm this server does not accept';
  if (err instanceof errors.JWKSNoMatchingKey) return 'No registered key of this client matches the assertion (kid, alg)';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The client assertion signature does not verify';
  if (err instanceof errors.JWKSTimeout) return 'The client\'s JWKS URL did not answer in time';
  if (err instanceof errors.JOSEError) return 'The client assertion could not be verified';
  return 'The client\'s keys could not be fetched';
}

/** Checks the lifetime rules jose does not: a near expiry and an issue time not in the future. */
function checkLifetime(payload: JWTPayload, now: Date): void {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw refuse('The client assertion expires more than five minutes from now');
  }
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('The client assertion was issued in the future');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw refuse('The client assertion needs a jti of at most 256 characters');
}

/**
 * Returns the client the assertion authenticates, or throws invalid_client (401). `claimedClientId`
 * is the request's `client_id` parameter, which must agree when present.
 */
export async function verifyClientAssertion(ctx: AssertionContext, assertion: string, claimedClientId?: string): Promise<OAuthClient> {
  const { alg, jku, payload } = decode(assertion);
  if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg)) throw refuse(`The client assertion must be signed with one of ${ASSERTION_ALGORITHMS.join(', ')}`);
  if (typeof payload.iss !== 'string') throw refuse('The client assertion has no iss');
  if (claimedClientId !== undefined && claimedClientId !== payload.iss) throw refuse('client_id does not match the assertion\'s issuer');
  const client = await ctx.clients.get(payload.iss);
  if (!client) throw refuse('Unknown client');
  if (jku !== undefined && typeof jku !== 'string') throw refuse('The assertion\'s jku header must be a URL');
  const keys = clientKeys(client, jku, ctx.remoteKeys);
  let verified: JWTPayload;
  try {
    ({ payload: verified } = await jwtVerify(assertion, keys, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: ctx.tokenEndpoint,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: ctx.now,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
    }));
  } catch (err) {
    throw refuse(describeJoseError(err));
  }
  checkLifetime(verified, ctx.now);
  // Remembered until the assertion could no longer pass even with the clock skew allowance.
  const forgetAt = new Date((verified.exp! + CLOCK_SKEW_SECONDS) * 1000);
  if (!(await ctx.jtis.claim(client.clientId, verified.jti!, forgetAt, ctx.now))) throw refuse('This client assertion (jti) has already been used');
  return client;
}
