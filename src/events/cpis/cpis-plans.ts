// The CP-IS facts about one child: which child protection, looked-after or unborn-child plans are in
// scope, and which council is responsible and how to phone it. Read from the council's Flags.
// See: /work/shared/reference/uk-standards.md §4 and docs/events/cpis.md
import type { ContactPoint, Flag, Organization, Reference } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { CHILD_PROTECTION_PLAN_CODES, ONS_GSS_CODE_SYSTEM, SNOMED_SYSTEM } from '../../fhir/systems.ts';
import type { AccessFilter, Repository } from '../../store/repository.ts';

/** The CP-IS plan types (VS England-ChildProtectionPlan) with their displays. */
export const CPIS_PLAN_TYPES: Readonly<Record<string, string>> = {
  [CHILD_PROTECTION_PLAN_CODES.childProtectionPlan]: 'Subject to child protection plan',
  [CHILD_PROTECTION_PLAN_CODES.lookedAfterChild]: 'Looked after child',
  [CHILD_PROTECTION_PLAN_CODES.unbornChildProtectionPlan]: 'Unborn child subject to child protection plan',
};

/** The council responsible for a plan, as far as sharedcare knows it. */
export interface CpisCouncil {
  reference?: string;
  gss?: string;
  name?: string;
  officeHoursPhone?: string;
  emergencyDutyPhone?: string;
}

export interface CpisPlan {
  planType: { code: string; display: string };
  /** The Flag it was read from, `Flag/{id}`. */
  flagRef: string;
  start?: string;
  end?: string;
  /** Current (not ended); false only for a looked-after episode that ended within the last 12 months. */
  active: boolean;
  council: CpisCouncil;
}

export interface CpisPlanOptions {
  /** The caller's access filter, applied inside the Flag search and the council reads. */
  filter?: AccessFilter;
}

const PAGE_SIZE = 100;
const OWNER = 'sharedcare:cpis';

/**
 * The CP-IS plans in scope for a child's linked records: current plans of every type, and
 * looked-after episodes ended within the previous 12 months (londonsafeguardingchildrenprocedures.co.uk/cpis.html).
 * Current plans first, then the most recently started.
 */
export async function cpisPlansFor(repo: Repository, patientIds: readonly string[], now: Date, options: CpisPlanOptions = {}): Promise<CpisPlan[]> {
  if (patientIds.length === 0) return [];
  const flags = await planFlags(repo, patientIds, options.filter);
  const councils = new Map<string, Promise<CpisCouncil>>();
  const plans: CpisPlan[] = [];
  for (const flag of flags) {
    const plan = inScope(flag, now);
    if (!plan) continue;
    const key = authorKey(flag.author);
    if (!councils.has(key)) councils.set(key, resolveCouncil(repo, flag.author, options.filter));
    plans.push({ ...plan, council: await councils.get(key)! });
  }
  return plans.sort((a, b) => Number(b.active) - Number(a.active) || (b.start ?? '').localeCompare(a.start ?? ''));
}

async function planFlags(repo: Repository, patientIds: readonly string[], filter: AccessFilter | undefined): Promise<Flag[]> {
  // R4 defines no `code` search parameter on Flag, so the plan codes are picked out in inScope.
  let query: Array<[string, string]> = [
    ['patient', patientIds.map((id) => `Patient/${id}`).join(',')], ['_count', String(PAGE_SIZE)], ['_total', 'none'],
  ];
  const flags: Flag[] = [];
  for (;;) {
    const result = await repo.search(repo.parseSearch('Flag', query), { owner: OWNER, query, ...(filter ? { filter } : {}) });
    for (const m of result.matches) if (m.mode === 'match') flags.push(m.resource as Flag);
    if (!result.next) return flags;
    query = result.next;
  }
}

/** The plan a Flag records, if CP-IS shows it today. */
export function inScope(flag: Flag, now: Date): Omit<CpisPlan, 'council'> | undefined {
  const coding = flag.code.coding?.find((c) => c.system === SNOMED_SYSTEM && c.code !== undefined && Object.hasOwn(CPIS_PLAN_TYPES, c.code));
  if (!coding?.code || flag.status === 'entered-in-error') return undefined;
  const today = now.toISOString().slice(0, 10);
  const end = flag.period?.end;
  // A flag left 'active' past its end date has ended: the date is the council's fact, the status may lag.
  const active = flag.status === 'active' && (end === undefined || end.slice(0, 10) >= today);
  if (!active) {
    const lookedAfter = coding.code === CHILD_PROTECTION_PLAN_CODES.lookedAfterChild;
    if (!lookedAfter || end === undefined || end.slice(0, 10) < yearBefore(now)) return undefined;
  }
  return {
    planType: { code: coding.code, display: CPIS_PLAN_TYPES[coding.code] },
    flagRef: `Flag/${flag.id}`,
    ...(flag.period?.start ? { start: flag.period.start } : {}),
    ...(end ? { end } : {}),
    active,
  };
}

/** The same calendar day a year earlier, as YYYY-MM-DD (29 February falls back to 1 March). */
function yearBefore(now: Date): string {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.toISOString().slice(0, 10);
}

function authorKey(author: Reference | undefined): string {
  return JSON.stringify([author?.reference, author?.identifier?.system, author?.identifier?.value, author?.display]);
}

/**
 * The council behind a Flag's author: a literal reference (the demo) or a logical one by ONS GSS
 * code (council extracts, docs/mapping/social-care.md). What cannot be read stays undefined.
 */
async function resolveCouncil(repo: Repository, author: Reference | undefined, filter: AccessFilter | undefined): Promise<CpisCouncil> {
  if (!author) return {};
  const organization = await findOrganization(repo, author, filter);
  const gss = organization?.identifier?.find((i) => i.system === ONS_GSS_CODE_SYSTEM)?.value
    ?? (author.identifier?.system === ONS_GSS_CODE_SYSTEM ? author.identifier.value : undefined);
  const name = organization?.name ?? author.display;
  const officeHoursPhone = officeHours(organization);
  const emergencyDutyPhone = emergencyDuty(organization);
  const reference = organization?.id ? `Organization/${organization.id}` : author.reference;
  return {
    ...(reference ? { reference } : {}), ...(gss ? { gss } : {}), ...(name ? { name } : {}),
    ...(officeHoursPhone ? { officeHoursPhone } : {}), ...(emergencyDutyPhone ? { emergencyDutyPhone } : {}),
  };
}

async function findOrganization(repo: Repository, author: Reference, filter: AccessFilter | undefined): Promise<Organization | undefined> {
  const literal = /^Organization\/([^/]+)$/.exec(author.reference ?? '')?.[1];
  if (literal) {
    try {
      return (await repo.read('Organization', literal, filter)) as Organization;
    } catch (err) {
      // An unknown or hidden council still leaves the plan to show, with what the reference says.
      if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) return undefined;
      throw err;
    }
  }
  const { system, value } = author.identifier ?? {};
  if (system !== ONS_GSS_CODE_SYSTEM || !value) return undefined;
  const query: Array<[string, string]> = [['identifier', `${system}|${value}`], ['_count', '1'], ['_total', 'none']];
  const result = await repo.search(repo.parseSearch('Organization', query), { owner: OWNER, query, ...(filter ? { filter } : {}) });
  return result.matches.find((m) => m.mode === 'match')?.resource as Organization | undefined;
}

const phones = (telecom: readonly ContactPoint[] | undefined): ContactPoint[] =>
  (telecom ?? []).filter((t) => t.system === 'phone' && t.value && !t.period?.end)
    .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER));

/** The office-hours number: a work phone, or failing that one with no stated use. */
function officeHours(organization: Organization | undefined): string | undefined {
  const list = phones(organization?.telecom);
  return (list.find((t) => t.use === 'work') ?? list.find((t) => t.use === undefined))?.value;
}

const EMERGENCY_DUTY = /emergency duty|out of hours|out-of-hours/i;

/**
 * The emergency duty team's number: CP-IS carries it as a `mobile` telecom; a council may instead
 * list it as an Organization.contact whose purpose or name says so.
 */
function emergencyDuty(organization: Organization | undefined): string | undefined {
  const mobile = phones(organization?.telecom).find((t) => t.use === 'mobile');
  if (mobile) return mobile.value;
  const contact = organization?.contact?.find((c) =>
    [c.purpose?.text, ...(c.purpose?.coding ?? []).map((x) => x.display), c.name?.text].some((s) => s !== undefined && EMERGENCY_DUTY.test(s)));
  return phones(contact?.telecom)[0]?.value;
}
