// Renders CP-IS plans the way the national CP-IS FHIR R4 API answers `GET /CareTeam?patient:identifier=…`,
// so a viewer or client written for CP-IS reads sharedcare's answer unchanged.
// See: /work/shared/reference/uk-standards.md §4 (CP-IS FHIR R4 API)
import type { CareTeam, ContactPoint, Organization, Patient, Reference } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM, ONS_GSS_CODE_SYSTEM, SNOMED_SYSTEM } from '../../fhir/systems.ts';
import type { CpisCouncil, CpisPlan } from './cpis-plans.ts';

export const CPIS_CARETEAM_PROFILE = 'https://fhir.nhs.uk/England/StructureDefinition/England-CareTeam-Flag';

/** One CareTeam per plan: category = plan type, period, name = the council, telecom work = office hours, mobile = emergency duty. */
export function cpisCareTeams(plans: readonly CpisPlan[], patient: Patient): CareTeam[] {
  const subject = subjectOf(patient);
  return plans.map((plan) => {
    const telecom = telecomOf(plan.council);
    const organization = organizationOf(plan.council);
    const period = { ...(plan.start ? { start: plan.start } : {}), ...(plan.end ? { end: plan.end } : {}) };
    return {
      resourceType: 'CareTeam',
      meta: { profile: [CPIS_CARETEAM_PROFILE] },
      status: plan.active ? 'active' : 'inactive',
      category: [{ coding: [{ system: SNOMED_SYSTEM, code: plan.planType.code, display: plan.planType.display }], text: plan.planType.display }],
      ...(plan.council.name ? { name: plan.council.name } : {}),
      subject,
      ...(plan.start || plan.end ? { period } : {}),
      ...(organization ? { managingOrganization: [organization] } : {}),
      ...(telecom.length > 0 ? { telecom } : {}),
    } satisfies CareTeam;
  });
}

/** The child by id and, as CP-IS keys on it, NHS number. */
function subjectOf(patient: Patient): Reference<Patient> {
  const nhs = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM && i.value);
  return { reference: `Patient/${patient.id}`, ...(nhs ? { identifier: { system: NHS_NUMBER_SYSTEM, value: nhs.value! } } : {}) };
}

function telecomOf(council: CpisCouncil): ContactPoint[] {
  return [
    ...(council.officeHoursPhone ? [{ system: 'phone', value: council.officeHoursPhone, use: 'work' } as const] : []),
    ...(council.emergencyDutyPhone ? [{ system: 'phone', value: council.emergencyDutyPhone, use: 'mobile' } as const] : []),
  ];
}

function organizationOf(council: CpisCouncil): Reference<Organization> | undefined {
  if (!council.reference && !council.gss) return undefined;
  return {
    ...(council.reference ? { reference: council.reference } : {}),
    ...(council.gss ? { identifier: { system: ONS_GSS_CODE_SYSTEM, value: council.gss } } : {}),
    ...(council.name ? { display: council.name } : {}),
  };
}
