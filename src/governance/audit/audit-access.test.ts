import { describe, expect, it } from 'vitest';
import { principal } from '../../../test/support/audit-records.ts';
import { FhirError } from '../../fhir/errors.ts';
import type { Principal } from '../principal.ts';
import { decideAuditAccess, requireAuditReviewer } from './audit-access.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as FhirError).code;
  }
};

const cases: Array<[string, Partial<Principal>, string]> = [
  ['system token with system/*.rs', { kind: 'system', role: undefined, scope: 'system/*.rs' }, 'all'],
  ['token without kind (a system)', { kind: undefined, role: undefined, scope: 'system/AuditEvent.rs' }, 'all'],
  ['privacy officer', { role: 'R0001', scope: 'user/AuditEvent.rs' }, 'all'],
  ['Caldicott Guardian', { role: 'R5105', scope: 'user/*.rs' }, 'all'],
  ['privacy officer launched in a patient context', { role: 'R0001', scope: 'patient/AuditEvent.rs', patient: 'p9' }, 'own:p9'],
  ['social worker with user/*.rs', { role: 'R8014', scope: 'user/*.rs' }, 'AUTH_AUDIT_ROLE'],
  ['user without a role', { role: undefined, scope: 'user/*.rs' }, 'AUTH_AUDIT_ROLE'],
  ['citizen with patient/AuditEvent.rs', { kind: 'citizen', role: undefined, scope: 'patient/AuditEvent.rs', patient: 'p1' }, 'own:p1'],
  ['citizen with patient/*.rs', { kind: 'citizen', role: undefined, scope: 'patient/*.rs', patient: 'p1' }, 'own:p1'],
  ['citizen claiming a privacy-officer role', { kind: 'citizen', role: 'R0001', scope: 'user/*.rs patient/*.rs', patient: 'p1' }, 'own:p1'],
  ['citizen without a patient context', { kind: 'citizen', role: undefined, scope: 'patient/*.rs' }, 'AUTH_AUDIT_ROLE'],
  ['citizen with only a user scope', { kind: 'citizen', role: undefined, scope: 'user/*.rs', patient: 'p1' }, 'AUTH_AUDIT_ROLE'],
  ['privacy officer without an AuditEvent scope', { role: 'R0001', scope: 'user/Patient.rs' }, 'AUTH_SCOPE'],
  ['system with write-only scope', { kind: 'system', scope: 'system/*.cud' }, 'AUTH_SCOPE'],
];

describe('who may read the audit trail', () => {
  it.each(cases)('%s → %s', (_name, overrides, expected) => {
    const p = principal(overrides);
    const outcome = (): string => {
      const access = decideAuditAccess(p, 's');
      return access.kind === 'all' ? 'all' : `own:${access.patient}`;
    };
    const refused = code(outcome);
    expect(refused ?? outcome()).toBe(expected);
    if (refused) {
      try {
        outcome();
      } catch (err) {
        expect((err as FhirError).category).toBe('forbidden');
      }
    }
  });

  it('only a privacy officer or Caldicott Guardian signed in as themselves may review', () => {
    expect(code(() => requireAuditReviewer(principal({ role: 'R0001' })))).toBeUndefined();
    expect(code(() => requireAuditReviewer(principal({ role: 'R5105' })))).toBeUndefined();
    expect(code(() => requireAuditReviewer(principal({ kind: 'system', scope: 'system/*.rs' })))).toBe('AUTH_AUDIT_ROLE');
    expect(code(() => requireAuditReviewer(principal({ role: 'R8014' })))).toBe('AUTH_AUDIT_ROLE');
    expect(code(() => requireAuditReviewer(principal({ role: 'R0001', scope: 'patient/*.rs', patient: 'p1' })))).toBe('AUTH_AUDIT_ROLE');
  });
});
