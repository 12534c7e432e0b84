// Access to the operations that work across everyone's records (imports, the quarantine, the match
// review queue, $match): scopes outside a patient context, and for people a role that does this work.
import { FhirError } from '../../fhir/errors.ts';
import type { AccessGrant } from '../../governance/policy/access-grant.ts';
import { grantingScopes, type Permission } from '../../governance/smart-scopes.ts';
import type { Principal } from './tokens.ts';

/**
 * Imports, quarantine and lexicon administration write anywhere in the record, so they need a
 * token that may create and update every type outside a patient context (e.g. `system/*.cu`).
 */
export function requireIngestAccess(principal: Principal): void {
  if (principal.kind === 'user' || principal.kind === 'citizen') {
    throw new FhirError('forbidden', 'AUTH_INGEST_SCOPE', 'Imports and the quarantine are for source systems and sharedcare\'s own tools, not signed-in people');
  }
  const wide = (permission: Permission) => grantingScopes(principal.scopes, '*', permission).some((s) => s.type === '*' && s.context !== 'patient');
  if (!wide('c') || !wide('u')) {
    throw new FhirError('forbidden', 'AUTH_INGEST_SCOPE', 'Importing and managing the quarantine need a token that may create and update all types (e.g. system/*.cu)');
  }
}

/**
 * The review queue and person links concern everyone, so they need scopes outside a patient
 * context: reading Patient and Person to list, and also updating Patient and creating and
 * updating Person to decide (a link, reject or unlink rewrites persons).
 */
export function requireIdentityAccess(grant: AccessGrant, action: 'read' | 'decide'): void {
  const { principal } = grant;
  if (grant.callerClass === 'citizen' || (grant.callerClass === 'user' && !grant.role?.matchReview)) {
    throw new FhirError('forbidden', 'POLICY_MATCH_REVIEW', 'Reviewing possible matches between records needs a role that reviews them (e.g. R8013 Health Records Manager)');
  }
  const wide = (type: string, permission: Permission) => grantingScopes(principal.scopes, type, permission).some((s) => s.context !== 'patient');
  const needed: Array<[string, Permission]> = action === 'read'
    ? [['Patient', 'r'], ['Person', 'r']]
    : [['Patient', 'r'], ['Person', 'r'], ['Patient', 'u'], ['Person', 'c'], ['Person', 'u']];
  const missing = needed.filter(([type, permission]) => !wide(type, permission));
  if (missing.length > 0) {
    const what = action === 'read' ? 'Reading the review queue and person links needs a token that may read Patient and Person (e.g. user/Patient.r user/Person.r)'
      : 'Link decisions need a token that may read and update Patient and create and update Person (e.g. user/Patient.ru user/Person.cru)';
    throw new FhirError('forbidden', 'AUTH_IDENTITY_SCOPE', what);
  }
}

/**
 * Patient/$match looks across everyone's records, so it needs a token that may search Patient
 * outside a patient context (e.g. `user/Patient.rs`).
 */
export function requireMatchAccess(grant: AccessGrant): void {
  const { principal } = grant;
  if (grant.callerClass === 'citizen') throw new FhirError('forbidden', 'AUTH_MATCH_SCOPE', 'Patient/$match looks across everyone\'s records');
  if (!grantingScopes(principal.scopes, 'Patient', 's').some((s) => s.context !== 'patient')) {
    throw new FhirError('forbidden', 'AUTH_MATCH_SCOPE', 'Patient/$match needs a token that may search Patient outside a patient context (e.g. user/Patient.rs)');
  }
}
