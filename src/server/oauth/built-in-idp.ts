// The development identity provider: signs in the demo users (password checked with scrypt), and
// finds a citizen's record by their NHS number. Replaced by NHS CIS2 in a deployment.
import { formatNhsNumber } from '../../fhir/nhs-number.ts';
import { type DemoUser, verifyDemoPassword } from '../../governance/demo-users.ts';
import type { Repository } from '../../store/repository.ts';
import type { IdentityProvider, SignedInUser, SignInChoice, SignInOutcome } from './identity-provider.ts';
import { patientWithNhsNumber } from './patient-lookup.ts';

const WRONG_CREDENTIALS = 'The user name or password is not right.';

function toSignedIn(user: DemoUser): SignedInUser {
  if (user.kind === 'citizen') return { id: user.id, kind: 'citizen', name: user.displayName, roles: [], nhsNumber: user.nhsNumber };
  const role = {
    personRoleId: user.personRoleId,
    roleCode: user.roleCode,
    nrbacCode: user.nrbacCode,
    roleName: user.roleName,
    orgCode: user.organizationCode,
    orgName: user.organizationName,
  };
  return { id: user.id, kind: 'user', name: user.displayName, roles: [role], selectedRoleId: role.personRoleId };
}

export class BuiltInIdentityProvider implements IdentityProvider {
  private readonly users: readonly DemoUser[];
  private readonly repo: Repository;

  /** `users` is empty when demo users are switched off: then nobody can sign in here. */
  constructor(users: readonly DemoUser[], repo: Repository) {
    this.users = users;
    this.repo = repo;
  }

  choices(): readonly SignInChoice[] {
    return this.users.map((u) => ({
      username: u.username,
      displayName: u.displayName,
      description: u.kind === 'citizen' ? `Citizen, NHS number ${formatNhsNumber(u.nhsNumber)}` : `${u.roleName} (${u.roleCode}), ${u.organizationName}`,
    }));
  }

  describe(userId: string): SignedInUser | undefined {
    const user = this.users.find((u) => u.id === userId);
    return user ? toSignedIn(user) : undefined;
  }

  async signIn(username: string, password: string): Promise<SignInOutcome> {
    const user = this.users.find((u) => u.username === username);
    if (!(await verifyDemoPassword(user, password)) || !user) return { ok: false, message: WRONG_CREDENTIALS };
    const signedIn = toSignedIn(user);
    if (user.kind !== 'citizen') return { ok: true, user: signedIn };
    const patient = await patientWithNhsNumber(this.repo, user.nhsNumber);
    if (!patient) {
      return { ok: false, message: `No record was found for NHS number ${formatNhsNumber(user.nhsNumber)}, so there is nothing to show you yet.` };
    }
    return { ok: true, user: { ...signedIn, patient } };
  }
}
