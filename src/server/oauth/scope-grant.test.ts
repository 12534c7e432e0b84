import { describe, expect, it } from 'vitest';
import { CITIZEN_POLICY, hasResourceScope, intersectScopes, STAFF_POLICY, SYSTEM_POLICY } from './scope-grant.ts';

describe('intersectScopes', () => {
  it.each([
    ['system/*.rs', 'system/*.rs', 'system/*.rs'],
    ['system/*.cruds', 'system/*.rs', 'system/*.rs'],
    ['system/Patient.rs', 'system/*.rs', 'system/Patient.rs'],
    ['system/*.rs', 'system/Patient.rs system/Observation.r', 'system/Patient.rs system/Observation.r'],
    ['system/Patient.read', 'system/*.cruds', 'system/Patient.rs'],
    ['system/Patient.cud', 'system/*.rs', ''],
    ['user/*.rs', 'system/*.rs', ''],
    ['system/Observation.rs', 'system/Patient.rs', ''],
    ['openid fhirUser user/*.rs', 'openid user/*.cruds', 'openid user/*.rs'],
    ['launch/patient', 'launch', ''],
    ['patient/Observation.rs?category=laboratory', 'patient/*.rs', ''],
    ['system/*.rs system/*.rs', 'system/*.cruds', 'system/*.rs'],
    ['', 'system/*.rs', ''],
  ])('%j within %j → %j', (requested, allowed, expected) => {
    expect(intersectScopes(requested, allowed)).toBe(expected);
  });

  it('never widens: every granted resource scope is within both inputs', () => {
    const granted = intersectScopes('system/*.cruds user/Patient.cruds', 'system/Patient.rs system/Encounter.cu');
    expect(granted).toBe('system/Patient.rs system/Encounter.cu');
  });

  it('policies keep callers to their own context', () => {
    expect(intersectScopes('user/*.cruds system/*.rs', SYSTEM_POLICY)).toBe('system/*.rs');
    expect(intersectScopes('openid user/*.rs patient/*.rs system/*.rs', STAFF_POLICY)).toBe('openid user/*.rs');
    expect(intersectScopes('openid fhirUser patient/*.cruds user/*.rs launch/patient', CITIZEN_POLICY)).toBe('openid fhirUser patient/*.rs launch/patient');
  });
});

describe('hasResourceScope', () => {
  it('is false for identity-only scopes', () => {
    expect(hasResourceScope('openid fhirUser launch/patient')).toBe(false);
    expect(hasResourceScope('openid patient/Patient.r')).toBe(true);
  });
});
