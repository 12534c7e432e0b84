// Synthetic people for the built-in development identity provider: one member of staff per role
// sharedcare's rules care about, and one citizen. DEVELOPMENT ONLY: every password is "demo", so a
// deployment turns them off (config demoUsers: false, SHAREDCARE_DEMO_USERS=false) and signs
// people in through NHS CIS2 instead.
import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

export interface DemoStaff {
  kind: 'user';
  /** Stands in for the CIS2 user id (UUID): the token subject. */
  id: string;
  username: string;
  displayName: string;
  /** National RBAC job role (R code). */
  roleCode: string;
  roleName: string;
  /**
   * The full national RBAC code, staff group : job group : role. The S and G parts are confirmed for
   * R8000 and R8001 only; the others are illustrative. sharedcare reads the R code (the last part).
   */
  nrbacCode: string;
  /** Stands in for the CIS2 role profile id (URID, `person_roleid`). */
  personRoleId: string;
  organizationCode: string;
  organizationName: string;
}

export interface DemoCitizen {
  kind: 'citizen';
  id: string;
  username: string;
  displayName: string;
  /** Their record is found by this NHS number when they sign in. */
  nhsNumber: string;
}

export type DemoUser = DemoStaff | DemoCitizen;

const HACKNEY = { organizationCode: 'E09000012', organizationName: 'London Borough of Hackney' } as const;
const HOMERTON = { organizationCode: 'RQX', organizationName: 'Homerton Healthcare NHS Foundation Trust' } as const;
const GP = { organizationCode: 'F84001', organizationName: 'Hackney GP practice (demo)' } as const;

function staff(id: string, username: string, displayName: string, nrbacCode: string, roleName: string, org: typeof HACKNEY | typeof HOMERTON | typeof GP): DemoStaff {
  const roleCode = nrbacCode.split(':').at(-1)!;
  return { kind: 'user', id, username, displayName, roleCode, roleName, nrbacCode, personRoleId: `5551${id.slice(4)}`, ...org };
}

/** The demo users, one per role. Synthetic people only. */
export const DEMO_USERS: readonly DemoUser[] = [
  staff('555000000001', 'social.worker', 'Sam Okafor', 'S8000:G8000:R8014', 'Social Worker Access Role', HACKNEY),
  staff('555000000002', 'ae.doctor', 'Dr Priya Raman', 'S8000:G8000:R8000', 'Clinical Practitioner Access Role', HOMERTON),
  staff('555000000003', 'gp', 'Dr Tom Hale', 'S8000:G8000:R8000', 'Clinical Practitioner Access Role', GP),
  staff('555000000004', 'nurse', 'Grace Mensah', 'S8000:G8000:R8001', 'Nurse Access Role', HOMERTON),
  staff('555000000005', 'receptionist', 'Lee Carter', 'S8001:G8001:R8009', 'Receptionist Access Role', HOMERTON),
  staff('555000000006', 'privacy.officer', 'Alex Novak', 'S8001:G8004:R0001', 'Privacy Officer', HOMERTON),
  staff('555000000007', 'caldicott.guardian', 'Dr Helen Shaw', 'S8001:G8004:R5105', 'Caldicott Guardian', HACKNEY),
  staff('555000000008', 'child.protection', 'Jordan Bell', 'S8000:G8000:R9535', 'Child Protection Worker', HACKNEY),
  // Reviews the possible matches between records (the identity review queue); S and G parts illustrative.
  staff('555000000010', 'records.manager', 'Morgan Ellis', 'S8001:G8005:R8013', 'Health Records Manager Access Role', HOMERTON),
  // A person of the demo population (seed 1), registered at the demo GP's practice; test/cli/demo-citizen.test.ts keeps it so.
  { kind: 'citizen', id: '555000000009', username: 'citizen', displayName: 'Marco Hassan', nhsNumber: '9997008340' },
];

export const DEMO_PASSWORD_HINT = 'Every demo user\'s password is "demo".';

const DEMO_PASSWORD = 'demo';
const KEY_LENGTH = 32;

const scryptAsync = (password: BinaryLike, salt: BinaryLike): Promise<Buffer> =>
  new Promise((resolve, reject) => scrypt(password, salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key))));

interface StoredHash {
  salt: Buffer;
  hash: Buffer;
}

// Hashed on first use, off the event loop, rather than at load: the CLI imports this too.
const hashes = new Map<string, Promise<StoredHash>>();

function storedHash(key: string): Promise<StoredHash> {
  let stored = hashes.get(key);
  if (!stored) {
    const salt = randomBytes(16);
    stored = scryptAsync(DEMO_PASSWORD, salt).then((hash) => ({ salt, hash }));
    hashes.set(key, stored);
  }
  return stored;
}

/** The demo user with this user name, if demo users are in use. */
export function findDemoUser(username: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.username === username);
}

/**
 * Checks a password the way a real store would (scrypt, constant-time compare). Pass undefined for an
 * unknown user name: the same work is done, so timing does not reveal which user names exist.
 */
export async function verifyDemoPassword(user: DemoUser | undefined, password: string): Promise<boolean> {
  const { salt, hash } = await storedHash(user?.id ?? '\0unknown');
  const given = await scryptAsync(password, salt);
  return timingSafeEqual(given, hash) && user !== undefined;
}
