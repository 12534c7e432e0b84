// The seam between sharedcare's OAuth server and whoever vouches for people: the built-in
// development provider (demo users) today, NHS CIS2 (upstream OpenID Connect) in a deployment.
// Codes and tokens only ever see a SignedInUser, whichever provider made it.

/** One national RBAC role profile, shaped like a CIS2 `nhsid_nrbac_roles` entry. */
export interface RoleProfile {
  /** Role profile id (URID): CIS2 `person_roleid`. */
  personRoleId: string;
  /** Job role code (R code), e.g. R8014. */
  roleCode: string;
  /** The full code, e.g. `S8000:G8000:R8000` (CIS2 `role_code`). */
  nrbacCode: string;
  roleName: string;
  /** ODS (or GSS) code of the organisation the role is held at. */
  orgCode: string;
  orgName?: string;
}

/** A person the provider has signed in, as codes and tokens need them. */
export interface SignedInUser {
  /** Stable id: the token subject (CIS2 user id, or the citizen's login id). */
  id: string;
  kind: 'user' | 'citizen';
  name: string;
  /** Staff: every role they hold, and the one chosen for this session. */
  roles: RoleProfile[];
  selectedRoleId?: string;
  /** Citizens: the Patient their login resolved to, and the NHS number it was found by. */
  patient?: string;
  nhsNumber?: string;
  /** When they signed in (seconds since the epoch): the ID token's `auth_time`. */
  authTime?: number;
}

export type SignInOutcome = { ok: true; user: SignedInUser } | { ok: false; message: string };

/** A user the sign-in page offers with one click (development providers only). */
export interface SignInChoice {
  username: string;
  displayName: string;
  description: string;
}

/**
 * Turns a sign-in into a SignedInUser. The built-in provider checks a user name and password; an
 * upstream CIS2 provider would instead redirect to CIS2 and map its ID token and userinfo here.
 */
export interface IdentityProvider {
  signIn(username: string, password: string): Promise<SignInOutcome>;
  /** Users offered for one-click sign-in on the page; empty for a real provider. */
  choices(): readonly SignInChoice[];
  /** A known user by id, for userinfo; undefined when the provider cannot say. */
  describe(userId: string): SignedInUser | undefined;
}

/** The role a staff user chose for this session. */
export function selectedRole(user: SignedInUser): RoleProfile | undefined {
  return user.roles.find((r) => r.personRoleId === user.selectedRoleId) ?? user.roles[0];
}
