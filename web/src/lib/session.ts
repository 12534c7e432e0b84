// Signing in through sharedcare's own OpenID Connect provider: authorization code with PKCE (S256),
// the viewer being a public first-party client. The access token lives in sessionStorage only, so it
// ends with the tab, and lasts 15 minutes; then the person signs in again.
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html
export const CLIENT_ID = 'sharedcare-viewer';
const SESSION_KEY = 'sharedcare.session';
const PENDING_KEY = 'sharedcare.pending-sign-in';
const SCOPE = 'openid fhirUser profile user/*.cruds patient/*.rs launch/patient';

export interface SignedInUser {
  kind: 'user' | 'citizen';
  name: string;
  /** National RBAC job role code (R8014…), staff only. */
  roleCode?: string;
  roleName?: string;
  /** ODS or GSS code of the organisation the person works for. */
  orgCode?: string;
}

export interface Session {
  accessToken: string;
  expiresAt: number;
  scope: string;
  user: SignedInUser;
  /** The patient context: a citizen's own record, or the record a launch opened on. */
  patient?: string;
}

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

export interface NrbacRole {
  person_roleid: string;
  org_code: string;
  role_code: string;
  role_name: string;
}

const base64url = (bytes: ArrayBuffer | Uint8Array): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

const redirectUri = (): string => `${window.location.origin}/callback`;

export function currentSession(): Session | undefined {
  const stored = sessionStorage.getItem(SESSION_KEY);
  if (!stored) return undefined;
  const session = JSON.parse(stored) as Session;
  if (session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Sends the browser to the sign-in page; it comes back to /callback. `launch` carries an EHR launch. */
export async function startSignIn(options: { returnTo?: string; launch?: string } = {}): Promise<void> {
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const pending: PendingSignIn = { state, verifier, returnTo: options.returnTo ?? '/' };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: options.launch ? `${SCOPE} launch` : SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    aud: `${window.location.origin}/fhir`,
    ...(options.launch ? { launch: options.launch } : {}),
  });
  window.location.assign(`/oauth/authorize?${params}`);
}

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

/** Who signed in, from the ID token's CIS2-shaped claims (the server checks the access token itself). */
export function userFromIdToken(claims: Record<string, unknown>): SignedInUser {
  const roles = claims.nhsid_nrbac_roles as NrbacRole[] | undefined;
  const name = String(claims.name ?? '');
  if (!roles?.length) return { kind: 'citizen', name };
  const role = roles.find((r) => r.person_roleid === claims.selected_roleid) ?? roles[0]!;
  return { kind: 'user', name, roleCode: role.role_code.split(':').at(-1)!, roleName: role.role_name, orgCode: role.org_code };
}

/** Finishes sign-in on /callback: checks state, swaps the code for tokens; returns where to go next. */
export async function completeSignIn(search: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(PENDING_KEY);
  const error = search.get('error');
  if (error) throw new Error(search.get('error_description') ?? error);
  if (!pending || search.get('state') !== pending.state) throw new Error('This sign-in did not start here, or has already been used. Please sign in again.');
  const response = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: search.get('code') ?? '',
      redirect_uri: redirectUri(),
      client_id: CLIENT_ID,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(String(body.error_description ?? body.error ?? 'Sign-in failed'));
  const claims = decodeJwtPayload(String(body.id_token ?? ''));
  const session: Session = {
    accessToken: String(body.access_token),
    expiresAt: Date.now() + Number(body.expires_in ?? 900) * 1000,
    scope: String(body.scope ?? ''),
    user: userFromIdToken(claims),
    ...(body.patient ? { patient: String(body.patient) } : {}),
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return pending.returnTo;
}
