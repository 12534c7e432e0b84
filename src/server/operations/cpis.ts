// CP-IS for one child, on every record linked to them:
//   GET Patient/{id}/$cpis            the plans in scope, as CP-IS FHIR API CareTeams
//   GET Patient/{id}/$cpis-accesses   the 25 most recent unscheduled-care accesses, as AuditEvents
// Both are governed like the child's alerts (Flag): a readable Patient, the alerts category, and a
// relationship, so a caller without one is told how to get one rather than shown "no plan".
// See: docs/events/cpis.md
import type { AuditEvent, AuditEventAgent, Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { cpisCareTeams } from '../../events/cpis/cpis-careteam.ts';
import { CPIS_ACCESS_LIMIT, recentCpisAccesses, type CpisAccess } from '../../events/cpis/cpis-accesses.ts';
import { cpisPlansFor, type CpisPlan } from '../../events/cpis/cpis-plans.ts';
import { DEFAULT_UNSCHEDULED_CARE, type UnscheduledCareSettings } from '../../events/cpis/unscheduled-care.ts';
import {
  AUDIT_EVENT_TYPE_SYSTEM,
  OUTCOME_CODES,
  PARTICIPATION_TYPE_SYSTEM,
  ROLE_CLASS_SYSTEM,
  SDS_JOB_ROLE_SYSTEM,
} from '../../governance/audit/balp.ts';
import { requireRelationship } from '../../governance/policy/access-grant.ts';
import { ODS_ORGANIZATION_SYSTEM } from '../../fhir/systems.ts';
import { linksOf, membersOf } from '../../identity/links/link-rows.ts';
import type { AccessFilter } from '../../store/repository.ts';
import type { FhirContext, FhirRequest, Interaction } from '../fhir-request.ts';
import { access, grantOf, readAccess } from '../rest-semantics.ts';

interface ChildRecords {
  patient: Patient;
  /** The requested record first, then the others linked to the same person. */
  patientIds: string[];
  /** Flags and the councils they name, as far as the caller may see them. */
  filter: AccessFilter | undefined;
}

/** Decide, then read: the child's Patient, the caller's standing, and the child's other records. */
async function childRecords(req: FhirRequest, ctx: FhirContext): Promise<ChildRecords> {
  const [, id] = req.segments as [string, string];
  const patient = (await ctx.repo.read('Patient', id, access(req, 'Patient', 'r'))) as Patient;
  requireRelationship(grantOf(req));
  const filter = readAccess(req, 'Flag', 'r');
  const patientIds = await ctx.repo.transaction(async (_, sql) => {
    const link = (await linksOf(sql, [id])).get(id);
    const members = link ? await membersOf(sql, [link.personId]) : [];
    return [...new Set([id, ...members.map((m) => m.patientId)])];
  });
  return { patient, patientIds, filter };
}

function collection(resources: readonly Resource[]): Bundle {
  return { resourceType: 'Bundle', type: 'collection', timestamp: new Date().toISOString(), entry: resources.map((resource) => ({ resource })) };
}

/** GET Patient/{id}/$cpis: a Bundle (collection) of CP-IS CareTeams, one per plan in scope. */
export const cpisOperation: Interaction = async (req, ctx) => {
  const { patient, patientIds, filter } = await childRecords(req, ctx);
  const plans = (await cpisPlansFor(ctx.repo, patientIds, new Date(), filter ? { filter } : {})).map((plan) => withDirectoryNumbers(ctx, plan));
  return {
    status: 200,
    body: collection(cpisCareTeams(plans, patient)),
    // Every record was searched, so the absence of a plan on each was read too.
    audit: { patients: patientIds.map((id) => `Patient/${id}`), resources: plans.map((p) => p.flagRef) },
  };
};

/**
 * A council's numbers as its extract gives them, else as the deployment's council directory (the
 * locator's councils.csv) does: A&E staff need the emergency-duty number out of hours.
 */
function withDirectoryNumbers(ctx: FhirContext, plan: CpisPlan): CpisPlan {
  const listed = plan.council.gss ? ctx.events.locator.council(plan.council.gss) : undefined;
  if (!listed) return plan;
  const officeHoursPhone = plan.council.officeHoursPhone ?? listed.officeHoursPhone;
  const emergencyDutyPhone = plan.council.emergencyDutyPhone ?? listed.emergencyDutyPhone;
  return { ...plan, council: { ...plan.council, name: plan.council.name ?? listed.name,
    ...(officeHoursPhone ? { officeHoursPhone } : {}), ...(emergencyDutyPhone ? { emergencyDutyPhone } : {}) } };
}

/** `$cpis-accesses` counting the given sites and roles as unscheduled care. */
export function cpisAccessesOperationFor(settings: UnscheduledCareSettings): Interaction {
  return async (req, ctx) => {
    const { patientIds } = await childRecords(req, ctx);
    const refs = patientIds.map((id) => `Patient/${id}`);
    const accesses = await ctx.repo.transaction((_, sql) => recentCpisAccesses(sql, refs, CPIS_ACCESS_LIMIT, settings));
    return { status: 200, body: collection(accesses.map(accessEvent)), audit: { patients: refs } };
  };
}

/** GET Patient/{id}/$cpis-accesses with the default unscheduled-care settings (DEFAULT_UNSCHEDULED_CARE). */
export const cpisAccessesOperation: Interaction = cpisAccessesOperationFor(DEFAULT_UNSCHEDULED_CARE);

/** A minimal AuditEvent: when, who (name and job role), from which organisation, and the outcome. */
function accessEvent(a: CpisAccess): AuditEvent {
  const user: AuditEventAgent = {
    type: { coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: 'IRCP', display: 'information recipient' }] },
    who: { display: a.who },
    name: a.who,
    requestor: true,
    ...(a.role ? { role: [{ coding: [{ system: SDS_JOB_ROLE_SYSTEM, code: a.role }] }] } : {}),
  };
  const organization: AuditEventAgent[] = a.organisation ? [{
    type: { coding: [{ system: ROLE_CLASS_SYSTEM, code: 'PROV', display: 'healthcare provider' }] },
    who: { identifier: { system: ODS_ORGANIZATION_SYSTEM, value: a.organisation } },
    requestor: false,
  }] : [];
  return {
    resourceType: 'AuditEvent',
    id: a.id,
    type: { system: AUDIT_EVENT_TYPE_SYSTEM, code: 'rest', display: 'Restful Operation' },
    recorded: a.recorded,
    outcome: OUTCOME_CODES[a.outcome],
    agent: [user, ...organization],
    source: { observer: { display: 'sharedcare' } },
  };
}
