// The OAuth client registry: which systems and apps may ask for tokens, with which keys, scopes and
// redirect URIs, and for which organisation. Registered by `sharedcare client add`; read on every
// token request, so a removed client is refused at once.
import type { Queryable } from '../store/driver.ts';

export type ClientKind = 'system' | 'user-app';

/** A public JSON Web Key Set (RFC 7517 §5). */
export interface PublicJwks {
  keys: Array<Record<string, unknown>>;
}

export interface OAuthClient {
  clientId: string;
  name: string;
  /** system: OAuth client credentials; user-app: authorization code for people signing in. */
  kind: ClientKind;
  /** Keys the client signs its assertions with, inline. */
  jwks?: PublicJwks;
  /** JWKS URLs the client may name in an assertion's `jku` header (exact match). */
  jkuUrls: string[];
  /** Scopes the client may be granted; what it gets is what it asks for within these. */
  scope: string;
  /** ODS (or GSS) code of the organisation a system client acts for. */
  organization?: string;
  /** Where the authorization endpoint may send codes (exact string match). */
  redirectUris: string[];
  /** A first-party app; recorded for a future consent step, which it would skip. */
  trusted: boolean;
}

const KINDS: readonly ClientKind[] = ['system', 'user-app'];
/** Members only a private (or symmetric) key has: registering one would be a leak and a mistake. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for a client that has no keys and so authenticates with PKCE alone (`none`). */
export function isPublicClient(client: OAuthClient): boolean {
  return !client.jwks && client.jkuUrls.length === 0;
}

function urlProblem(what: string, value: string, allowCustomScheme: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} ${value} is not an absolute URL`;
  }
  if (url.hash) return `${what} ${value} must not have a fragment`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  // Native apps may use a private-use scheme (RFC 8252 §7.1); never javascript: or data:.
  if (allowCustomScheme && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return `${what} ${value} must use https (http only on the loopback interface)`;
}

function jwksProblems(jwks: unknown): string[] {
  const keys = (jwks as PublicJwks | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return ['The JWKS must be an object with a non-empty "keys" array'];
  const problems: string[] = [];
  keys.forEach((key, i) => {
    if (typeof key !== 'object' || key === null) return problems.push(`JWKS key ${i} is not an object`);
    if (key.kty !== 'RSA' && key.kty !== 'EC') problems.push(`JWKS key ${i} must be an RSA or EC public key`);
    if (PRIVATE_MEMBERS.some((m) => m in key)) problems.push(`JWKS key ${i} contains private key material: register the public key only`);
    return undefined;
  });
  return problems;
}

/** What is wrong with a client registration; empty when it may be saved. */
export function clientProblems(client: OAuthClient): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(client.clientId)) problems.push('The client id must be 1–128 letters, digits or . _ ~ -');
  if (!client.name.trim()) problems.push('The client needs a name');
  if (!KINDS.includes(client.kind)) problems.push(`The kind must be one of ${KINDS.join(', ')}`);
  if (!client.scope.trim()) problems.push('The client needs at least one allowed scope');
  if (client.jwks !== undefined) problems.push(...jwksProblems(client.jwks));
  for (const url of client.jkuUrls) {
    const problem = urlProblem('The jku URL', url, false);
    if (problem) problems.push(problem);
  }
  for (const uri of client.redirectUris) {
    const problem = urlProblem('The redirect URI', uri, true);
    if (problem) problems.push(problem);
  }
  if (client.kind === 'system' && isPublicClient(client)) problems.push('A system client needs a JWKS or a jku URL to verify its assertions');
  if (client.kind === 'user-app' && client.redirectUris.length === 0) problems.push('An app that signs people in needs at least one redirect URI');
  if (client.organization !== undefined && !/^[A-Z0-9]{3,10}$/.test(client.organization)) problems.push('The organisation must be an ODS or GSS code (e.g. RQX, E09000012)');
  return problems;
}

interface ClientRow {
  client_id: string;
  name: string;
  kind: ClientKind;
  jwks: PublicJwks | null;
  jku_urls: string[];
  scope: string;
  organization: string | null;
  redirect_uris: string[];
  trusted: boolean;
}

const COLUMNS = 'client_id, name, kind, jwks, jku_urls, scope, organization, redirect_uris, trusted';

function toClient(row: ClientRow): OAuthClient {
  return {
    clientId: row.client_id,
    name: row.name,
    kind: row.kind,
    ...(row.jwks ? { jwks: row.jwks } : {}),
    jkuUrls: row.jku_urls,
    scope: row.scope,
    ...(row.organization ? { organization: row.organization } : {}),
    redirectUris: row.redirect_uris,
    trusted: row.trusted,
  };
}

/** Reads and writes `oauth_client`. */
/** Finds a registered client by id: the registry, or the registry with built-in clients beside it. */
export interface ClientLookup {
  get(clientId: string): Promise<OAuthClient | undefined>;
}

export class ClientRegistry implements ClientLookup {
  private readonly db: Queryable;

  constructor(db: Queryable) {
    this.db = db;
  }

  async get(clientId: string): Promise<OAuthClient | undefined> {
    const { rows } = await this.db.query<ClientRow>(`SELECT ${COLUMNS} FROM oauth_client WHERE client_id = $1`, [clientId]);
    return rows[0] ? toClient(rows[0]) : undefined;
  }

  async list(): Promise<OAuthClient[]> {
    const { rows } = await this.db.query<ClientRow>(`SELECT ${COLUMNS} FROM oauth_client ORDER BY client_id`);
    return rows.map(toClient);
  }

  /** Registers a client; false if the id is taken. Throws if the registration is not valid. */
  async add(client: OAuthClient): Promise<boolean> {
    const problems = clientProblems(client);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const { rows } = await this.db.query(
      `INSERT INTO oauth_client (${COLUMNS}) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::jsonb, $9)
       ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
      [client.clientId, client.name, client.kind, client.jwks ? JSON.stringify(client.jwks) : null, JSON.stringify(client.jkuUrls),
        client.scope, client.organization ?? null, JSON.stringify(client.redirectUris), client.trusted],
    );
    return rows.length === 1;
  }

  /**
   * Removes a client; its outstanding codes and seen jtis go with it, in the same statement, so a
   * client registered again under the id cannot redeem the old one's codes. False if it was unknown.
   */
  async remove(clientId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `WITH codes AS (DELETE FROM oauth_code WHERE client_id = $1), jtis AS (DELETE FROM oauth_jti WHERE client_id = $1)
       DELETE FROM oauth_client WHERE client_id = $1 RETURNING client_id`,
      [clientId],
    );
    return rows.length === 1;
  }
}
