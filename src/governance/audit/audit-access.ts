// Who may read the audit trail: systems and information-governance staff (Privacy Officer,
// Caldicott Guardian) see all of it; a citizen sees only events about their own record.
// A pure decision: the citizen's restriction is applied inside the audit queries.
import { FhirError } from '../../fhir/errors.ts';
import type { Principal } from '../principal.ts';
import { forbidden, grantingScopes } from '../smart-scopes.ts';

/** CIS2 job roles that may read and review the whole trail. */
export const AUDIT_ROLES = {
  privacyOfficer: 'R0001',
  caldicottGuardian: 'R5105',
} as const;
const IG_ROLES: readonly string[] = Object.values(AUDIT_ROLES);

/** `all`: every event; `own-patient`: only events about the person of `patient` (the server expands it to their patient ids). */
export type AuditAccess = { kind: 'all' } | { kind: 'own-patient'; patient: string };

const roleRefused = (): FhirError =>
  new FhirError('forbidden', 'AUTH_AUDIT_ROLE', 'Reading the audit trail needs a Privacy Officer or Caldicott Guardian role, a system token, or a citizen asking about their own record');

function isInformationGovernance(principal: Principal): boolean {
  const kind = principal.kind ?? 'system';
  return kind === 'system' || (kind === 'user' && !!principal.role && IG_ROLES.includes(principal.role));
}

/**
 * Decides whether `principal` may read (`r`) or search (`s`) AuditEvents and which ones.
 * Throws 403 AUTH_SCOPE without an AuditEvent scope and AUTH_AUDIT_ROLE for anyone else.
 */
export function decideAuditAccess(principal: Principal, permission: 'r' | 's'): AuditAccess {
  const granting = grantingScopes(principal.scopes, 'AuditEvent', permission);
  if (granting.length === 0) throw forbidden('AuditEvent', permission);
  const wide = granting.some((s) => s.context !== 'patient');
  if (principal.kind !== 'citizen' && isInformationGovernance(principal)) {
    if (wide) return { kind: 'all' };
    // Launched in one patient's context: that patient's events only.
    if (principal.patient) return { kind: 'own-patient', patient: principal.patient };
    throw new FhirError('forbidden', 'AUTH_PATIENT_CONTEXT', 'patient/ scopes need a patient in the token context');
  }
  if (principal.kind === 'citizen' && principal.patient && granting.some((s) => s.context === 'patient')) {
    return { kind: 'own-patient', patient: principal.patient };
  }
  throw roleRefused();
}

/** Reviews are a human judgement: a Privacy Officer or Caldicott Guardian who may read the whole trail. */
export function requireAuditReviewer(principal: Principal): void {
  const access = decideAuditAccess(principal, 'r');
  if (access.kind !== 'all' || principal.kind !== 'user') {
    throw new FhirError('forbidden', 'AUTH_AUDIT_ROLE', 'Only a Privacy Officer or Caldicott Guardian signed in as themselves may review audit events');
  }
}
