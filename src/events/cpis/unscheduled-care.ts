// Who counts as unscheduled care (A&E, urgent care, out of hours) for CP-IS: their accesses are the
// ones the responsible council hears about and the ones listed beside a child's plan.
// See: /work/shared/reference/uk-standards.md §4 and docs/events/cpis.md

/** Which sign-ins are unscheduled care: the sites (ODS codes) and the CIS2 job roles working there. */
export interface UnscheduledCareSettings {
  organisations: readonly string[];
  roles: readonly string[];
}

/**
 * The demo's Homerton A&E (RQX, src/governance/demo-users.ts) with the clinical roles that see
 * patients there: R8000 Clinical Practitioner, R8001 Nurse, R8003 Health Professional.
 */
export const DEFAULT_UNSCHEDULED_CARE: UnscheduledCareSettings = {
  organisations: ['RQX'],
  roles: ['R8000', 'R8001', 'R8003'],
};

/** The caller as far as this decision needs it; a governance Principal fits. */
export interface UnscheduledCareCaller {
  kind?: string;
  role?: string;
  organization?: string;
}

/** Whether a signed-in member of staff at a configured unscheduled-care site, in a configured role, is calling. */
export function isUnscheduledCare(principal: UnscheduledCareCaller, settings: UnscheduledCareSettings = DEFAULT_UNSCHEDULED_CARE): boolean {
  // Systems and citizens never count: CP-IS notifies the council of a clinician seeing the child.
  if (principal.kind !== 'user' || !principal.role || !principal.organization) return false;
  return settings.organisations.includes(principal.organization) && settings.roles.includes(principal.role);
}
