// The decision before the query: which scopes grant this interaction, and what filter the store
// must apply. Governance (roles, relationships, consent) will extend this seam, not replace it.
import type { AccessFilter } from '../../store/repository.ts';
import { personKeyOf } from '../../store/hash.ts';
import { FhirError } from '../../fhir/errors.ts';
import { forbidden, grantingScopes, type Permission } from '../../governance/smart-scopes.ts';
import type { Principal } from './tokens.ts';

/** Returns the filter to apply (undefined: none), or throws 403. */
export function decideAccess(principal: Principal, type: string, permission: Permission): AccessFilter | undefined {
  const granting = grantingScopes(principal.scopes, type, permission);
  if (granting.length === 0) throw forbidden(type, permission);
  if (granting.some((s) => s.context !== 'patient')) return undefined;
  if (!principal.patient) {
    throw new FhirError('forbidden', 'AUTH_PATIENT_CONTEXT', 'patient/ scopes need a patient in the token context');
  }
  return { personKeys: [personKeyOf(principal.patient)], includeShared: true };
}

/**
 * Imports, quarantine and lexicon administration write anywhere in the record, so they need a
 * token that may create and update every type outside a patient context (e.g. `system/*.cu`).
 */
export function requireIngestAccess(principal: Principal): void {
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
export function requireIdentityAccess(principal: Principal, action: 'read' | 'decide'): void {
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
export function requireMatchAccess(principal: Principal): void {
  if (!grantingScopes(principal.scopes, 'Patient', 's').some((s) => s.context !== 'patient')) {
    throw new FhirError('forbidden', 'AUTH_MATCH_SCOPE', 'Patient/$match needs a token that may search Patient outside a patient context (e.g. user/Patient.rs)');
  }
}
