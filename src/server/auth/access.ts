// The decision before the query: which scopes grant this interaction, and what filter the store
// must apply. Governance (roles, relationships, consent) will extend this seam, not replace it.
import type { AccessFilter } from '../../store/repository.ts';
import { personKeyOf } from '../../store/hash.ts';
import { FhirError } from '../../fhir/errors.ts';
import { forbidden, grantingScopes, type Permission } from './smart-scopes.ts';
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
