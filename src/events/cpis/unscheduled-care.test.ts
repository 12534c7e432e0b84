// Who counts as unscheduled care, row by row: kind, site and role must all match the settings.
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNSCHEDULED_CARE, isUnscheduledCare, type UnscheduledCareCaller } from './unscheduled-care.ts';

const URGENT_CARE = { organisations: ['RQX', 'NLX01'], roles: ['R8000'] };

describe('isUnscheduledCare', () => {
  it.each<[string, UnscheduledCareCaller, boolean]>([
    ['A&E clinical practitioner', { kind: 'user', role: 'R8000', organization: 'RQX' }, true],
    ['A&E nurse', { kind: 'user', role: 'R8001', organization: 'RQX' }, true],
    ['A&E health professional', { kind: 'user', role: 'R8003', organization: 'RQX' }, true],
    ['A&E receptionist', { kind: 'user', role: 'R8009', organization: 'RQX' }, false],
    ['GP practitioner', { kind: 'user', role: 'R8000', organization: 'F84001' }, false],
    ['social worker', { kind: 'user', role: 'R8014', organization: 'E09000012' }, false],
    ['the hospital EPR as a system', { kind: 'system', role: 'R8000', organization: 'RQX' }, false],
    ['a token without a kind (a system)', { role: 'R8000', organization: 'RQX' }, false],
    ['a citizen', { kind: 'citizen', role: 'R8000', organization: 'RQX' }, false],
    ['a user without a role', { kind: 'user', organization: 'RQX' }, false],
    ['a user without an organisation', { kind: 'user', role: 'R8000' }, false],
    ['a site code in another case', { kind: 'user', role: 'R8000', organization: 'rqx' }, false],
  ])('default settings: %s → %s', (_, caller, expected) => {
    expect(isUnscheduledCare(caller, DEFAULT_UNSCHEDULED_CARE)).toBe(expected);
  });

  it('uses the default settings when none are given', () => {
    expect(isUnscheduledCare({ kind: 'user', role: 'R8001', organization: 'RQX' })).toBe(true);
    expect(isUnscheduledCare({ kind: 'user', role: 'R8001', organization: 'NLX01' })).toBe(false);
  });

  it('follows the configured sites and roles', () => {
    expect(isUnscheduledCare({ kind: 'user', role: 'R8000', organization: 'NLX01' }, URGENT_CARE)).toBe(true);
    expect(isUnscheduledCare({ kind: 'user', role: 'R8001', organization: 'RQX' }, URGENT_CARE)).toBe(false);
    expect(isUnscheduledCare({ kind: 'user', role: 'R8000', organization: 'RQX' }, { organisations: [], roles: ['R8000'] })).toBe(false);
  });
});
