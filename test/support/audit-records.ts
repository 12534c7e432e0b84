// AccessRecords for audit tests: a social worker reading a record unless told otherwise.
import type { AccessRecord } from '../../src/governance/audit/access-record.ts';
import type { Principal } from '../../src/governance/principal.ts';
import { parseScopes } from '../../src/governance/smart-scopes.ts';

export function principal(overrides: Partial<Principal> = {}): Principal {
  const scope = overrides.scope ?? 'user/*.rs';
  return {
    subject: 'sw-0001',
    kind: 'user',
    name: 'Sam Worker',
    role: 'R8014',
    organization: 'E10000024',
    tokenId: 'jti-1',
    clientId: 'viewer',
    ...overrides,
    scope,
    scopes: overrides.scopes ?? parseScopes(scope),
  };
}

export function accessRecord(overrides: Partial<AccessRecord> = {}): AccessRecord {
  return {
    interaction: 'read',
    action: 'R',
    outcome: 'success',
    status: 200,
    principal: principal(),
    network: '10.0.0.7',
    requestId: 'req-1',
    server: 'http://sharedcare.test/fhir',
    query: 'Patient/p1',
    resourceType: 'Patient',
    resources: ['Patient/p1'],
    patients: ['Patient/p1'],
    purposeOfUse: 'TREAT',
    basis: 'care-team',
    recorded: new Date('2026-03-02T10:00:00Z'),
    ...overrides,
  };
}
