// Verifies a `private_key_jwt` client assertion (SMART Backend Services, NHS signed-JWT auth):
// iss = sub = client id, aud = the token URL exactly, a short lifetime, an allowlisted algorithm,
// a registered key, and a jti never seen before within its lifetime. Signed launch links
// (launch-token.ts) are checked by the same rules, with their own audience.
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

/** What a JWT signed by a registered client is checked against, and how a failure is named. */
export interface ClientJwtRules {
  /** The `aud` it must carry, exactly. */
  audience: string;
  /** How messages name it: "The client assertion", "The launch link". */
  what: string;
  /** The OAuth error a failure becomes. */
  refuse: (description: string) => OAuthError;
  /** Claims beyond iss, sub, aud, exp and jti that must be present. */
  requiredClaims?: string[];
}

export interface ClientJwtContext {
  clients: ClientLookup;
  remoteKeys: RemoteKeySets;
  now: Date;
}

function decode(jwt: string, rules: ClientJwtRules): { alg: unknown; jku: unknown; payload: JWTPayload } {
  try {
    const header = decodeProtectedHeader(jwt);
    return { alg: header.alg, jku: header.jku, payload: decodeJwt(jwt) };
  } catch {
    throw rules.refuse(`${rules.what} is not a signed JWT`);
  }
}

/** "The launch link" → "the launch link", for the middle of a sentence. */
const inSentence = (what: string): string => what.charAt(0).toLowerCase() + what.slice(1);

function describeJoseError(err: unknown, what: string): string {
  if (err instanceof errors.JWTExpired) return `${what} has expired`;
  if (err instanceof errors.JWTClaimValidationFailed) return `${what}'s ${err.claim} claim is not valid for this server`;
  if (err instanceof errors.JOSEAlgNotAllowed) return `${what} uses an algorithm this server does not accept`;
  if (err instanceof errors.JWKSNoMatchingKey) return `No registered key of this client matches ${inSentence(what)} (kid, alg)`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return `${what}'s signature does not verify`;
  if (err instanceof errors.JWKSTimeout) return 'The client\'s JWKS URL did not answer in time';
  if (err instanceof errors.JOSEError) return `${what} could not be verified`;
  return 'The client\'s keys could not be fetched';
}

/** Checks the lifetime rules jose does not: a near expiry and an issue time not in the future. */
function checkLifetime(payload: JWTPayload, now: Date, rules: ClientJwtRules): void {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw rules.refuse(`${rules.what} expires more than five minutes from now`);
  }
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw rules.refuse(`${rules.what} was issued in the future`);
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw rules.refuse(`${rules.what} needs a jti of at most 256 characters`);
}

/**
 * Verifies a JWT a registered client signed with its own key: an allowlisted algorithm, a
 * registered key, iss = sub = the client id, `aud` exactly, a lifetime of at most five minutes and
 * a jti. Returns the client and the claims; the caller decides what a jti already seen means.
 */
export async function verifyClientJwt(ctx: ClientJwtContext, jwt: string, rules: ClientJwtRules, claimedClientId?: string): Promise<{ client: OAuthClient; payload: JWTPayload }> {
  const { alg, jku, payload } = decode(jwt, rules);
  if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg)) throw rules.refuse(`${rules.what} must be signed with one of ${ASSERTION_ALGORITHMS.join(', ')}`);
  if (typeof payload.iss !== 'string') throw rules.refuse(`${rules.what} has no iss`);
  if (claimedClientId !== undefined && claimedClientId !== payload.iss) throw rules.refuse(`client_id does not match the issuer of ${inSentence(rules.what)}`);
  const client = await ctx.clients.get(payload.iss);
  if (!client) throw rules.refuse('Unknown client');
  if (jku !== undefined && typeof jku !== 'string') throw rules.refuse(`The jku header of ${inSentence(rules.what)} must be a URL`);
  let keys: ReturnType<typeof clientKeys>;
  try {
    keys = clientKeys(client, jku, ctx.remoteKeys);
  } catch (err) {
    throw err instanceof OAuthError ? rules.refuse(err.message) : err;
  }
  let verified: JWTPayload;
  try {
    ({ payload: verified } = await jwtVerify(jwt, keys, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: rules.audience,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: ctx.now,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti', ...(rules.requiredClaims ?? [])],
    }));
  } catch (err) {
    throw rules.refuse(describeJoseError(err, rules.what));
  }
  checkLifetime(verified, ctx.now, rules);
  return { client, payload: verified };
}

/** When a jti may be forgotten: once the JWT could no longer pass, even with the clock skew allowance. */
export const forgetJtiAt = (payload: JWTPayload): Date => new Date((payload.exp! + CLOCK_SKEW_SECONDS) * 1000);

/**
 * Returns the client the assertion authenticates, or throws invalid_client (401). `claimedClientId`
 * is the request's `client_id` parameter, which must agree when present.
 */
export async function verifyClientAssertion(ctx: AssertionContext, assertion: string, claimedClientId?: string): Promise<OAuthClient> {
  const rules: ClientJwtRules = { audience: ctx.tokenEndpoint, what: 'The client assertion', refuse };
  const { client, payload } = await verifyClientJwt(ctx, assertion, rules, claimedClientId);
  if (!(await ctx.jtis.claim(client.clientId, payload.jti!, forgetJtiAt(payload), ctx.now))) throw refuse('This client assertion (jti) has already been used');
  return client;
}
