import { describe, expect, it } from 'vitest';
import { grantingScopes, parseScopes, type Permission } from './smart-scopes.ts';

describe('SMART scopes', () => {
  const cases: Array<[scope: string, type: string, permission: Permission, granted: boolean]> = [
    ['system/*.cruds', 'Patient', 'c', true],
    ['system/*.cruds', 'Observation', 'd', true],
    ['system/Patient.rs', 'Patient', 'r', true],
    ['system/Patient.rs', 'Patient', 's', true],
    ['system/Patient.rs', 'Patient', 'c', false],
    ['system/Patient.rs', 'Observation', 'r', false],
    ['user/Observation.r', 'Observation', 's', false],
    ['patient/*.read', 'Condition', 'r', true],
    ['patient/*.read', 'Condition', 's', true],
    ['patient/*.read', 'Condition', 'u', false],
    ['user/*.write', 'Condition', 'u', true],
    ['user/*.write', 'Condition', 'r', false],
    ['user/*.*', 'Task', 'd', true],
    // Letters out of order or repeated are not a v2 scope.
    ['system/*.rc', 'Patient', 'r', false],
    ['system/*.rrs', 'Patient', 'r', false],
    // Granular scopes grant nothing until their filter can be enforced.
    ['patient/Observation.rs?category=laboratory', 'Observation', 'r', false],
    ['openid fhirUser launch', 'Patient', 'r', false],
    ['', 'Patient', 'r', false],
  ];
  it.each(cases)('%j on %s.%s → %s', (scope, type, permission, granted) => {
    expect(grantingScopes(parseScopes(scope), type, permission).length > 0).toBe(granted);
  });

  it('keeps the context of each scope', () => {
    const [scope] = parseScopes('patient/Observation.rs');
    expect(scope).toMatchObject({ context: 'patient', type: 'Observation' });
  });
});
