import { describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../fhir/nhs-number.ts';
import { DEMO_USERS, findDemoUser, verifyDemoPassword } from './demo-users.ts';

describe('DEMO_USERS', () => {
  it('has one member of staff per role the rules care about, and a citizen', () => {
    const roles = DEMO_USERS.flatMap((u) => (u.kind === 'user' ? [`${u.roleCode}@${u.organizationCode}`] : []));
    expect(roles.sort()).toEqual(['R0001@RQX', 'R5105@E09000012', 'R8000@F84001', 'R8000@RQX', 'R8001@RQX', 'R8009@RQX', 'R8013@RQX', 'R8014@E09000012', 'R9535@E09000012']);
    const citizens = DEMO_USERS.filter((u) => u.kind === 'citizen');
    expect(citizens).toHaveLength(1);
    expect(isValidNhsNumber(citizens[0]!.kind === 'citizen' ? citizens[0]!.nhsNumber : '')).toBe(true);
  });

  it('has unique ids and user names, and full national RBAC codes ending in the role code', () => {
    expect(new Set(DEMO_USERS.map((u) => u.id)).size).toBe(DEMO_USERS.length);
    expect(new Set(DEMO_USERS.map((u) => u.username)).size).toBe(DEMO_USERS.length);
    for (const u of DEMO_USERS) if (u.kind === 'user') expect(u.nrbacCode).toMatch(new RegExp(`^S\\d{4}:G\\d{4}:${u.roleCode}$`));
  });
});

describe('verifyDemoPassword', () => {
  it('accepts "demo" for a known user only', async () => {
    const gp = findDemoUser('gp');
    expect(await verifyDemoPassword(gp, 'demo')).toBe(true);
    expect(await verifyDemoPassword(gp, 'Demo')).toBe(false);
    expect(await verifyDemoPassword(gp, '')).toBe(false);
    expect(await verifyDemoPassword(undefined, 'demo')).toBe(false);
  });
});
