// A member of staff adds to a person's shared care plan; they do not rewrite it. The plan belongs to
// the system it came from (the council's case system), so a signed-in person's write must keep all
// the plan had and only add notes and activities; each addition is signed here with who made it and
// when, whatever the client said. Who may contribute at all is the policy's (contributeCarePlan).
import type { Annotation, CarePlan, CarePlanActivity, Organization, Reference } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/errors.ts';
import { organizationCodeSystem } from '../fhir/systems.ts';
import type { Principal } from '../governance/principal.ts';
import type { FhirContext, FhirRequest } from './fhir-request.ts';
import { access, grantOf, parseETag } from './rest-semantics.ts';

const refuse = (message: string) => new FhirError('forbidden', 'POLICY_CARE_PLAN_CHANGE', message);

/** What a signed-in person's CarePlan write stores: the plan as it was, with their signed additions. */
export async function prepareCarePlanContribution(req: FhirRequest, ctx: FhirContext, plan: CarePlan): Promise<CarePlan> {
  // Systems (the council's case system) and sharedcare's own tools write their plans whole.
  if (grantOf(req).callerClass !== 'user') return plan;
  const current = plan.id ? await currentPlan(req, ctx, plan.id) : undefined;
  if (!current) throw refuse('A new care plan is made in the system the person\'s plan belongs to; add notes and activities to their existing plan');
  // A plan changed since the contributor read it is a conflict to reload, not a change they made.
  const ifMatch = parseETag(req.header('if-match'), 'If-Match');
  if (ifMatch !== undefined && ifMatch !== current.meta?.versionId) {
    throw new FhirError('precondition', 'STORE_VERSION_CONFLICT', `Version ${ifMatch} is not the current version (${current.meta?.versionId})`, 'If-Match');
  }
  const notes = additions(current.note, plan.note);
  const activities = additions(current.activity, plan.activity);
  if (!notes || !activities || !sameJson(planItself(current), planItself(plan))) {
    throw refuse('Only new notes and activities can be added to a shared care plan; the plan itself is changed in the system it came from');
  }
  const organisation = await organisationOf(ctx, req.principal);
  const signed: Annotation = { authorString: `${req.principal.name ?? req.principal.subject}, ${organisation.display}`, time: new Date().toISOString(), text: '' };
  // The plan keeps its source and labels: who shares it, and with whom, is not the contributor's to change.
  const { versionId: _v, lastUpdated: _l, ...meta } = current.meta ?? {};
  const { meta: _asSent, ...body } = plan;
  return {
    ...body,
    ...(Object.keys(meta).length ? { meta } : {}),
    ...(current.note || notes.length ? { note: [...(current.note ?? []), ...notes.map((n) => ({ ...signed, text: n.text }))] } : {}),
    ...(current.activity || activities.length ? { activity: [...(current.activity ?? []), ...activities.map((a) => signActivity(a, signed, organisation))] } : {}),
  };
}

/** Staff never delete a shared care plan: it ends in the system it came from. */
export function checkCarePlanDelete(req: FhirRequest): void {
  if (grantOf(req).callerClass === 'user') throw refuse('A shared care plan is ended in the system it came from, not deleted here');
}

async function currentPlan(req: FhirRequest, ctx: FhirContext, id: string): Promise<CarePlan | undefined> {
  try {
    return await ctx.repo.read('CarePlan', id, access(req, 'CarePlan', 'u')) as CarePlan;
  } catch (err) {
    if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) return undefined;
    throw err;
  }
}

/** The items `after` adds to `before`, or undefined when it changes or drops one already there. */
function additions<T>(before: readonly T[] | undefined, after: readonly T[] | undefined): T[] | undefined {
  const was = before ?? [];
  const now = after ?? [];
  if (now.length < was.length || was.some((item, i) => !sameJson(item, now[i]))) return undefined;
  return now.slice(was.length);
}

function planItself(plan: CarePlan): Omit<CarePlan, 'meta' | 'note' | 'activity'> {
  const { meta: _m, note: _n, activity: _a, ...rest } = plan;
  return rest;
}

function signActivity(activity: CarePlanActivity, signed: Annotation, organisation: Reference<Organization>): CarePlanActivity {
  const detail = activity.detail ?? { status: 'not-started' as const };
  return {
    ...activity,
    detail: { ...detail, ...(detail.performer?.length ? {} : { performer: [organisation] }) },
    progress: [{ ...signed, text: 'Added to the care plan' }, ...(activity.progress ?? [])],
  };
}

/** The contributor's organisation by its code (a council's GSS code or an ODS code), named from the directory. */
async function organisationOf(ctx: FhirContext, principal: Principal): Promise<Reference<Organization> & { display: string }> {
  const code = principal.organization;
  if (!code) return { display: 'organisation not given' };
  const system = organizationCodeSystem(code);
  const query: Array<[string, string]> = [['identifier', `${system}|${code}`], ['_count', '1']];
  const found = await ctx.repo.search(ctx.repo.parseSearch('Organization', query), { owner: 'care-plan-contribution', query });
  const name = (found.matches[0]?.resource as { name?: string } | undefined)?.name;
  return { type: 'Organization', identifier: { system, value: code }, display: name ?? code };
}

/** Deep equality of JSON values, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJson(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
