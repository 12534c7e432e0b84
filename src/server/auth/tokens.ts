// Bearer tokens: issued by the instance key, verified on every /fhir request except metadata.
import { errors, jwtVerify, SignJWT } from 'jose';
import { FhirError } from '../../fhir/errors.ts';
import { type InstanceKey, SIGNING_ALG } from './instance-key.ts';
import { parseScopes } from '../../governance/smart-scopes.ts';
import type { CallerKind, Principal } from '../../governance/principal.ts';

export const TOKEN_ISSUER = 'urn:sharedcare:instance';
export const TOKEN_AUDIENCE = 'urn:sharedcare:fhir';

export type { Principal } from '../../governance/principal.ts';

export interface IssueOptions {
  subject?: string;
  scope: string;
  patient?: string;
  role?: string;
  organization?: string;
  kind?: CallerKind;
  name?: string;
  purposeOfUse?: string;
  clientId?: string;
  expiresInSeconds?: number;
}

const KINDS: readonly CallerKind[] = ['system', 'user', 'citizen'];

export async function issueToken(key: InstanceKey, options: IssueOptions): Promise<string> {
  const claims: Record<string, unknown> = { scope: options.scope };
  if (options.patient) claims.patient = options.patient;
  if (options.role) claims.role = options.role;
  if (options.organization) claims.org = options.organization;
  if (options.kind) claims.kind = options.kind;
  if (options.name) claims.name = options.name;
  if (options.purposeOfUse) claims.purpose_of_use = options.purposeOfUse;
  if (options.clientId) claims.client_id = options.clientId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(options.subject ?? 'local-tool')
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(`${options.expiresInSeconds ?? 3600}s`)
    .sign(key.privateKey);
}

const unauthenticated = (message: string): FhirError => new FhirError('unauthenticated', 'AUTH_TOKEN', message);

/**
 * Tokens this key has verified, until they expire. Checking an ES256 signature costs about 0.15 ms,
 * most of what a cached read costs, and a client sends the same token for an hour. Only a token that
 * passed verification is remembered, its expiry is checked on every use, and the cache is per key.
 */
const verified = new WeakMap<InstanceKey, Map<string, { principal: Readonly<Principal>; expiresAt: number }>>();
const VERIFIED_CAP = 10_000;

/** Verifies the `Authorization` header value; throws 401 for anything but a valid bearer token. */
export async function authenticate(key: InstanceKey, header: string | undefined, now = Date.now()): Promise<Principal> {
  const m = /^Bearer\s+([A-Za-z0-9\-_.]+)$/i.exec(header ?? '');
  if (!m) throw unauthenticated('A bearer token is required (Authorization: Bearer <token>)');
  const token = m[1]!;
  let cache = verified.get(key);
  if (!cache) verified.set(key, (cache = new Map()));
  const known = cache.get(token);
  if (known && known.expiresAt > now) return { ...known.principal };
  if (known) cache.delete(token);
  const { principal, expiresAt } = await verifyToken(key, token, now);
  // Oldest first out: a Map iterates in insertion order.
  if (cache.size >= VERIFIED_CAP) cache.delete(cache.keys().next().value!);
  cache.set(token, { principal: Object.freeze({ ...principal }), expiresAt });
  return principal;
}

async function verifyToken(key: InstanceKey, token: string, now: number): Promise<{ principal: Principal; expiresAt: number }> {
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [SIGNING_ALG],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(now),
    });
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const principal: Principal = {
      subject: payload.sub!,
      scope,
      scopes: parseScopes(scope),
      ...(typeof payload.patient === 'string' ? { patient: payload.patient } : {}),
      ...(typeof payload.role === 'string' ? { role: payload.role } : {}),
      ...(typeof payload.org === 'string' ? { organization: payload.org } : {}),
      ...(KINDS.includes(payload.kind as CallerKind) ? { kind: payload.kind as CallerKind } : {}),
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      ...(typeof payload.purpose_of_use === 'string' ? { purposeOfUse: payload.purpose_of_use } : {}),
      ...(typeof payload.client_id === 'string' ? { clientId: payload.client_id } : {}),
      ...(typeof payload.jti === 'string' ? { tokenId: payload.jti } : {}),
    };
    return { principal, expiresAt: payload.exp! * 1000 };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw unauthenticated('The access token has expired');
    if (err instanceof errors.JOSEError) throw unauthenticated('The access token is not valid for this server');
    throw err;
  }
}
