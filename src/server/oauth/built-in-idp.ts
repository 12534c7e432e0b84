// The development identity provider: signs in the demo users (password checked with scrypt), and
// finds a citizen's record by their NHS number. Replaced by NHS CIS2 in a deployment.
import { formatNhsNumber } from '../../fhir/nhs-number.ts';
import { NHS_NUMBER_SYSTEM } from '../../fhir/systems.ts';
import { type DemoUser, verifyDemoPassword } from '../../governance/demo-users.ts';
import type { Repository } from '../../store/repository.ts';
import type { IdentityProvider, SignedInUser, SignInChoice, SignInOutcome } from './identity-provider.ts';

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
    const patient = await this.patientFor(user.nhsNumber);
    if (!patient) {
      return { ok: false, message: `No record was found for NHS number ${formatNhsNumber(user.nhsNumber)}, so there is nothing to show you yet.` };
    }
    return { ok: true, user: { ...signedIn, patient } };
  }

  /**
   * The Patient with this NHS number. Several source records may carry it (a council's and a GP's);
   * the first is used until citizens see their whole linked person.
   */
  private async patientFor(nhsNumber: string): Promise<string | undefined> {
    const query: Array<[string, string]> = [['identifier', `${NHS_NUMBER_SYSTEM}|${nhsNumber}`], ['_count', '1'], ['_total', 'none']];
    const result = await this.repo.search(this.repo.parseSearch('Patient', query), { owner: 'sharedcare:oauth' });
    return result.matches.find((m) => m.mode === 'match')?.resource.id;
  }
}
