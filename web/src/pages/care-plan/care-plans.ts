// The person's shared care plans with what they point to (goals, services, the people and teams
// named), and whether the signed-in person's role may add to them. Nothing is searched for a role
// whose need-to-know leaves out social care: the plans are social-care data.
import type { Bundle, CarePlan, Organization, Parameters, Practitioner, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';
import { fhir, matches, parameterValue } from '../../lib/fhir.ts';
import { personName } from '../record/person-format.ts';

export interface Contributor {
  /** The organisation's code (ODS, or a council's GSS code) and its name from the directory. */
  code: string;
  name: string;
}

export interface CarePlans {
  /** False when the role may not see social care (the tab shows why, and nothing was searched). */
  visible: boolean;
  plans: CarePlan[];
  /** Goals, services, care teams and directory entries the plans name, by `Type/id`. */
  related: Map<string, Resource>;
  canContribute: boolean;
}

const NAMED_TYPES = ['Organization', 'Practitioner', 'PractitionerRole', 'CareTeam'] as const;
const query = (pairs: Record<string, string>) => new URLSearchParams(pairs).toString();

export async function loadCarePlans(patientIds: readonly string[]): Promise<CarePlans> {
  if (patientIds.length === 0) return { visible: true, plans: [], related: new Map(), canContribute: false };
  const access = await fhir<Parameters>(`Patient/${encodeURIComponent(patientIds[0]!)}/$access`);
  const categories = (access.parameter ?? []).filter((p) => p.name === 'category').map((p) => p.valueCode);
  if (!categories.includes('social-care')) return { visible: false, plans: [], related: new Map(), canContribute: false };
  const bundle = await fhir<Bundle>(`CarePlan?${query({
    subject: patientIds.map((id) => `Patient/${id}`).join(','),
    _include: 'CarePlan:goal',
    _sort: '-_lastUpdated',
    _count: '50',
  })}&_include=CarePlan:activity-reference&_include=CarePlan:care-team`);
  const related = new Map<string, Resource>();
  for (const entry of bundle.entry ?? []) {
    if (entry.search?.mode === 'include' && entry.resource) related.set(`${entry.resource.resourceType}/${entry.resource.id}`, entry.resource);
  }
  const plans = matches<CarePlan>(bundle);
  await readNamed(plans, related);
  return { visible: true, plans, related, canContribute: parameterValue(access, 'canContributeCarePlan') === true };
}

/** The signed-in person's organisation, named from the directory, for the activities they add. */
export async function contributorOf(code: string): Promise<Contributor> {
  const found = matches<Organization>(await fhir<Bundle>(`Organization?${query({ identifier: code, _count: '1', _elements: 'name' })}`));
  return { code, name: found[0]?.name ?? code };
}

/** References the plans and their services make to people and teams, fetched in one search per type. */
async function readNamed(plans: readonly CarePlan[], related: Map<string, Resource>): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  const want = (ref: Reference | undefined) => {
    const [type, id] = ref?.reference?.split('/') ?? [];
    if (!type || !id || ref?.display || related.has(ref!.reference!) || !(NAMED_TYPES as readonly string[]).includes(type)) return;
    if (!wanted.has(type)) wanted.set(type, new Set());
    wanted.get(type)!.add(id);
  };
  for (const plan of plans) {
    want(plan.author);
    plan.contributor?.forEach(want);
    plan.activity?.forEach((a) => a.detail?.performer?.forEach(want));
  }
  for (const resource of related.values()) {
    if (resource.resourceType === 'ServiceRequest') resource.performer?.forEach(want);
  }
  await Promise.all([...wanted].map(async ([type, ids]) => {
    const includes = type === 'PractitionerRole' ? '&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization' : '';
    const bundle = await fhir<Bundle>(`${type}?${query({ _id: [...ids].join(','), _count: String(ids.size) })}${includes}`);
    for (const entry of bundle.entry ?? []) if (entry.resource) related.set(`${entry.resource.resourceType}/${entry.resource.id}`, entry.resource);
  }));
}

/** The name of a person, team or organisation a plan refers to, as far as it can be told. */
export function nameOf(ref: Reference | undefined, related: ReadonlyMap<string, Resource>): string | undefined {
  if (!ref) return undefined;
  if (ref.display) return ref.display;
  const found = ref.reference ? related.get(ref.reference) : undefined;
  switch (found?.resourceType) {
    case 'Organization':
      return found.name;
    case 'CareTeam':
      return found.name;
    case 'Practitioner':
      return personName((found as Practitioner).name);
    case 'PractitionerRole': {
      const role = found as PractitionerRole;
      const who = nameOf(role.practitioner, related);
      const where = nameOf(role.organization, related);
      return [who, where].filter(Boolean).join(', ') || undefined;
    }
  }
  return ref.identifier?.value;
}
