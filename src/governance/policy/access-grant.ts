// The decision before the query. Once per request, in the request's own transaction, the caller's
// standing is worked out from the record as it is now: their role's need-to-know, the sharing
// agreements, their legitimate relationships (or claims), the person's dissent and opt-outs, and
// consent to view. Each interaction then asks `filterFor` for the filter the store applies inside
// its SQL, so paging, totals, chains and includes only ever see what the caller may see.
import { FhirError } from '../../fhir/errors.ts';
import { DERIVED_SOURCES, SOURCE_SYSTEM_PREFIX } from '../../fhir/systems.ts';
import type { Queryable } from '../../store/driver.ts';
import { personKeyOf } from '../../store/hash.ts';
import { tokenKey } from '../../store/index-rows.ts';
import type { AccessFilter, AccessRule } from '../../store/repository.ts';
import type { AccessBasis } from '../audit/access-record.ts';
import { PURPOSE, type Principal } from '../principal.ts';
import { forbidden, grantingScopes, type Permission } from '../smart-scopes.ts';
import { consentToViewGiven } from './access-claims.ts';
import { CATEGORY_NAMES, DATA_CATEGORIES, categoryOf, type DataCategory } from './categories.ts';
import { directiveOf, keysUnderDirective, SECONDARY_PURPOSES } from './consent-directives.ts';
import type { PersonLinks } from './person-links.ts';
import { rolePolicy, type PolicyConfig, type RolePolicy, type SecurityLabel, type SharingPurpose } from './policy-config.ts';
import { findStanding, type DirectoryCache, type PersonRelationship } from './relationships.ts';

/**
 * operator: sharedcare's own tools (a token without organisation or user), bound by scopes only.
 * system: another organisation's system, bound by scopes, sharing agreements and consent.
 * user: a member of staff, bound by all of those and by role and relationship.
 * citizen: the person, seeing their own record.
 */
export type CallerClass = 'operator' | 'system' | 'user' | 'citizen';

export interface Governance {
  policy: PolicyConfig;
  links: PersonLinks;
  /** Every resource type the server knows: those in no data category are granted by scope alone. */
  resourceTypes: readonly string[];
  /** Organisations' reference keys, looked up once a minute (the directory, not relationships). */
  directory: DirectoryCache;
}

export interface AccessGrant {
  principal: Principal;
  callerClass: CallerClass;
  role?: RolePolicy;
  purposeOfUse: string;
  secondary: boolean;
  /** Records whose person-specific data the caller may see; undefined: not limited by person. */
  personKeys?: readonly string[];
  /** Records hidden whatever else holds (dissent for direct care, opt-outs for secondary uses). */
  hiddenKeys?: readonly string[];
  /** The caller's relationship with each related record's person. */
  relationships: ReadonlyMap<string, PersonRelationship>;
  /** The records the request is about, when it names a person. */
  scopeKeys?: readonly string[];
  /** Every record of the token's patient context (a SMART launch, a citizen), when it has one. */
  contextKeys?: readonly string[];
  /** Related records the caller may still not see, and why. */
  withheld?: ReadonlyMap<string, 'dissent' | 'consent-to-view'>;
  /** Break-glass is in force for the person the request is about. */
  breakGlass: boolean;
  policy: PolicyConfig;
  /** Resource types in no data category. */
  otherTypes: readonly string[];
}

export function callerClassOf(principal: Principal): CallerClass {
  if (principal.kind === 'citizen') return 'citizen';
  if (principal.kind === 'user') return 'user';
  return principal.organization ? 'system' : 'operator';
}

/** A grant for sharedcare's own internal work (demo loading, tests of the store). */
export function operatorGrant(principal: Principal, governance: Governance): AccessGrant {
  return { principal, callerClass: 'operator', purposeOfUse: PURPOSE.treatment, secondary: false, relationships: new Map(), breakGlass: false,
    policy: governance.policy, otherTypes: otherTypesOf(governance) };
}

/** Worked out once per set of known types (every request asks). */
const otherTypesCache = new WeakMap<readonly string[], readonly string[]>();

function otherTypesOf(governance: Governance): readonly string[] {
  let other = otherTypesCache.get(governance.resourceTypes);
  if (!other) otherTypesCache.set(governance.resourceTypes, (other = governance.resourceTypes.filter((t) => categoryOf(t) === undefined)));
  return other;
}

/**
 * Works out the caller's standing for one request. `scopeSeeds` are the records the request names
 * (one person's), when it names any: the lookups are then limited to that person.
 */
export async function decideGrant(q: Queryable, governance: Governance, principal: Principal, scopeSeeds?: readonly string[], now = new Date()): Promise<AccessGrant> {
  const { policy, links } = governance;
  const callerClass = callerClassOf(principal);
  const purposeOfUse = principal.purposeOfUse ?? PURPOSE.treatment;
  const secondary = SECONDARY_PURPOSES.has(purposeOfUse);
  // A request about one record is about its whole person: a relationship through any record counts.
  const scopeKeys = scopeSeeds && callerClass === 'system' ? await samePerson(q, links, scopeSeeds) : scopeSeeds;
  const base = { principal, callerClass, purposeOfUse, secondary, policy, relationships: new Map<string, PersonRelationship>(), breakGlass: false,
    otherTypes: otherTypesOf(governance),
    ...(scopeKeys ? { scopeKeys } : {}),
    ...(principal.patient ? { contextKeys: await samePerson(q, links, [personKeyOf(principal.patient)]) } : {}) };
  if (callerClass === 'operator') return base;

  const role = callerClass === 'system' ? undefined : rolePolicy(policy, callerClass === 'citizen' ? 'citizen' : principal.role);
  if (callerClass === 'user' && !role) {
    throw new FhirError('forbidden', 'POLICY_ROLE', `The role ${principal.role ?? '(none)'} has no access to shared records in this deployment`);
  }
  if (callerClass === 'citizen' && !principal.patient) {
    throw new FhirError('forbidden', 'POLICY_CITIZEN_CONTEXT', 'A citizen token must name the person it belongs to');
  }
  const grant: AccessGrant = { ...base, ...(role ? { role } : {}) };

  if (callerClass === 'citizen') {
    grant.personKeys = base.contextKeys;
    if (secondary) throw new FhirError('forbidden', 'POLICY_PURPOSE', 'A citizen sees their own record for their own care only');
    return grant;
  }

  if (secondary) {
    // Secondary uses: opt-outs apply, dissent for direct care does not; no relationship is needed,
    // but only systems (the insight extracts) serve them.
    if (callerClass === 'user') throw new FhirError('forbidden', 'POLICY_PURPOSE', 'Staff sign-ins are for direct care; secondary uses go through de-identified extracts');
    grant.hiddenKeys = [...await keysUnderDirective(q, links, 'opt-out', { now, ...(scopeKeys ? { scopeKeys } : {}) })];
    return grant;
  }

  if (callerClass === 'system') {
    grant.hiddenKeys = [...await keysUnderDirective(q, links, 'dissent', { now, callerOrganization: principal.organization, ...(scopeKeys ? { scopeKeys } : {}) })];
    return grant;
  }

  return staffGrant(q, governance, grant, scopeSeeds, now);
}

/** A member of staff: relationships (found now, in this transaction), less dissent, and consent to view. */
async function staffGrant(q: Queryable, governance: Governance, grant: AccessGrant, scopeSeeds: readonly string[] | undefined, now: Date): Promise<AccessGrant> {
  const { policy, links } = governance;
  const { principal, role } = grant;
  const standing = await findStanding(q, {
    subject: principal.subject,
    ...(principal.organization ? { organization: principal.organization } : {}),
    ...(scopeSeeds ? { scopeSeeds } : {}),
    recentEncounterDays: policy.relationships.recentEncounterDays,
    now,
  }, governance.directory);
  const relationships = standing.relationships;
  grant.relationships = relationships;
  if (standing.scopeKeys) grant.scopeKeys = standing.scopeKeys;
  const scope = grant.scopeKeys;
  grant.breakGlass = !!scope && scope.some((k) => relationships.get(k)?.bases.includes('break-glass')) && !!role?.breakGlass;
  if (grant.breakGlass) grant.purposeOfUse = PURPOSE.breakGlass;
  const dissentGroups = new Set(standing.consents.filter((c) => directiveOf(c.consent, now, principal.organization) === 'dissent')
    .map((c) => relationships.get(c.key)?.group ?? c.key));
  const withheld = new Map<string, 'dissent' | 'consent-to-view'>();
  let keys = [...relationships.keys()];
  const overridden = (key: string) => policy.consent.dissentOverriddenByBreakGlass && !!role?.breakGlass && !!relationships.get(key)?.bases.includes('break-glass');
  for (const k of keys) if (dissentGroups.has(relationships.get(k)!.group) && !overridden(k)) withheld.set(k, 'dissent');
  keys = keys.filter((k) => !withheld.has(k));
  if (policy.consent.consentToView) {
    const given = await consentToViewGiven(q, links, principal.subject, now, keys);
    for (const k of keys) if (!given.has(k) && !overridden(k)) withheld.set(k, 'consent-to-view');
    keys = keys.filter((k) => !withheld.has(k));
  }
  grant.withheld = withheld;
  grant.personKeys = keys;
  // Dissent hides the person's record, but not who they are: staff must still find them to learn why.
  return grant;
}

/** Every record key of the same person as each of `keys` (the keys themselves included). */
export async function samePerson(q: Queryable, links: PersonLinks, keys: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ person_key: string }>(
    `WITH seed_keys AS (SELECT unnest($1::bigint[]) AS person_key), same AS (${links.samePersonSql('seed_keys')})
     SELECT person_key FROM same UNION SELECT person_key FROM seed_keys`,
    [keys],
  );
  return rows.map((r) => r.person_key);
}

/** Types in no data category (Basic, List, Bundle…): only callers without a role see them, by scope. */
const OTHER = 'other';
type Category = DataCategory | typeof OTHER;

/**
 * The filter for one interaction on `type` (or `*` for system-wide search and history), or
 * undefined when nothing limits it. Throws 403 when the token or the role may never do it.
 */
export function filterFor(grant: AccessGrant, type: string, permission: Permission): AccessFilter | undefined {
  const granting = grantingScopes(grant.principal.scopes, type, permission);
  if (granting.length === 0) throw forbidden(type, permission);
  const patientScoped = granting.every((s) => s.context === 'patient');
  if (patientScoped && !grant.principal.patient) {
    throw new FhirError('forbidden', 'AUTH_PATIENT_CONTEXT', 'patient/ scopes need a patient in the token context');
  }
  if (grant.callerClass === 'operator' && !patientScoped) return undefined;
  requireCarePlanContribution(grant, type, permission);
  const categories = type === '*' ? readableCategories(grant) : [categoryFor(grant, type)];
  return combine(grant, categories.map((c) => [c, type === '*' ? typesIn(grant, c) : [type]]), permission, patientScoped);
}

/**
 * Whether `filterFor` would allow `permission` on `type`, without building the filter: for choosing
 * which types $everything and _include return, where every type is asked about.
 */
export function permits(grant: AccessGrant, type: string, permission: Permission): boolean {
  const granting = grantingScopes(grant.principal.scopes, type, permission);
  if (granting.length === 0) return false;
  if (granting.every((s) => s.context === 'patient') && !grant.principal.patient) return false;
  if (!grant.role || type === '*') return true;
  const category = categoryOf(type);
  return category !== undefined && grant.role.categories.includes(category);
}

/**
 * Everything the caller may read, across types: for searches, whose chains, `_has` and includes
 * reach other types, and for $everything. Checks `type` with `permission` first (403 if refused).
 */
export function readableFilter(grant: AccessGrant, type: string, permission: Permission): AccessFilter | undefined {
  const own = filterFor(grant, type, permission);
  if (!own) return undefined;
  const scopes = grant.principal.scopes;
  const patientScoped = (t: string) => grantingScopes(scopes, t, 'r').every((s) => s.context === 'patient');
  const entries: Array<[Category, string[]]> = [];
  for (const category of readableCategories(grant)) {
    const types = typesIn(grant, category).filter((t) => t !== type && grantingScopes(scopes, t, 'r').length > 0);
    // Types read through patient scopes keep the patient context; others keep the caller's own rules.
    const inContext = types.filter(patientScoped);
    const wide = types.filter((t) => !patientScoped(t));
    if (inContext.length) entries.push([category, inContext]);
    if (wide.length) entries.push([category, wide]);
  }
  const more = entries.flatMap(([category, types]) =>
    combine(grant, [[category, types]], 'r', types.every(patientScoped))?.rules ?? [{ types }]);
  return { rules: [...own.rules, ...more] };
}

function combine(grant: AccessGrant, entries: Array<[Category, readonly string[]]>, permission: Permission, patientScoped: boolean): AccessFilter | undefined {
  if (grant.callerClass === 'operator' && !patientScoped) return undefined;
  const contextKeys = patientScoped ? grant.contextKeys ?? [] : undefined;
  // Categories with the same restrictions share one rule listing all their types.
  const bySignature = new Map<string, { types: string[]; rules: Omit<AccessRule, 'types'>[] }>();
  for (const [category, types] of entries) {
    if (types.length === 0) continue;
    const rules = rulesFor(grant, category, permission, contextKeys);
    const signature = JSON.stringify(rules);
    const entry = bySignature.get(signature);
    if (entry) entry.types.push(...types);
    else bySignature.set(signature, { types: [...types], rules });
  }
  const rules: AccessRule[] = [];
  for (const { types, rules: group } of bySignature.values()) for (const r of group) rules.push({ types, ...r });
  return { rules };
}

function readableCategories(grant: AccessGrant): Category[] {
  return grant.role ? [...grant.role.categories] : [...CATEGORY_NAMES, OTHER];
}

function typesIn(grant: AccessGrant, category: Category): readonly string[] {
  return category === OTHER ? grant.otherTypes : DATA_CATEGORIES[category];
}

const WRITES: ReadonlySet<Permission> = new Set(['c', 'u', 'd']);

/**
 * A shared care plan is written whole by the system it came from; signed-in people only add to it,
 * and only when their role contributes (policy `contributeCarePlan`). Checked before need-to-know,
 * so a role that may not contribute is told exactly that.
 */
function requireCarePlanContribution(grant: AccessGrant, type: string, permission: Permission): void {
  if (type !== 'CarePlan' || !WRITES.has(permission) || !grant.role) return;
  if (grant.callerClass === 'user' && grant.role.contributeCarePlan) return;
  throw new FhirError('forbidden', 'POLICY_CARE_PLAN_CONTRIBUTION', `The ${grant.role.name} may not add to shared care plans in this deployment`);
}

/** The category of `type` if the caller may see it; 403 otherwise. */
function categoryFor(grant: AccessGrant, type: string): Category {
  const category = categoryOf(type);
  if (!grant.role) return category ?? OTHER;
  if (category && grant.role.categories.includes(category)) return category;
  throw new FhirError('forbidden', 'POLICY_CATEGORY',
    `${type} is ${category ? `${category} data, which` : 'data'} the ${grant.role.name} may not see in this deployment`);
}

/** The ways a row of `category` may be visible to the caller (one rule, or two when sources are limited). */
function rulesFor(grant: AccessGrant, category: Category, permission: Permission, contextKeys: readonly string[] | undefined): Omit<AccessRule, 'types'>[] {
  const rule: { -readonly [K in keyof AccessRule]?: AccessRule[K] } = {};
  const read = permission === 'r' || permission === 's';
  const shared = category === 'directory' || category === 'terminology';
  // Staff find people by their demographics without a relationship; everything else needs one.
  const personLimited = !shared && grant.callerClass === 'user' && !(category === 'demographics' && read);
  let keys: readonly string[] | undefined = personLimited ? grant.personKeys ?? [] : undefined;
  if (grant.callerClass === 'citizen' && !shared) keys = grant.personKeys ?? [];
  if (contextKeys && !shared) keys = keys ? keys.filter((k) => contextKeys.includes(k)) : contextKeys;
  if (keys) {
    rule.personKeys = keys;
    rule.includeShared = true;
  }
  if (grant.hiddenKeys?.length && !shared) rule.excludedPersonKeys = grant.hiddenKeys;
  if (grant.callerClass !== 'operator') {
    const hidden = labelTokens(grant.policy.withheldLabels);
    if (grant.callerClass !== 'citizen' && !grant.breakGlass) hidden.push(...labelTokens(grant.policy.sensitiveLabels));
    if (hidden.length) rule.hiddenTokens = hidden;
  }
  const sources = sharedSources(grant, category);
  if (!sources) return [rule];
  // Rows from a shared source or derived here (persons), or rows no source sent (written through the API).
  const uris = [...sources.map((s) => SOURCE_SYSTEM_PREFIX + s), ...Object.values(DERIVED_SOURCES)];
  return [
    { ...rule, requiredTokens: uris.map((uri) => tokenKey.uri('_source', uri)) },
    { ...rule, hiddenTokens: [...(rule.hiddenTokens ?? []), tokenKey.present('_source')] },
  ];
}

function labelTokens(labels: readonly SecurityLabel[]): string[] {
  return labels.map((l) => tokenKey.systemCode('_security', l.system, l.code));
}

/**
 * The source systems whose `category` data the caller's organisation may see under the agreements,
 * or undefined when every source is shared (an agreement from `*` covers it).
 */
function sharedSources(grant: AccessGrant, category: Category): string[] | undefined {
  if (grant.callerClass === 'operator' || grant.callerClass === 'citizen') return undefined;
  if (category === 'directory' || category === 'terminology') return undefined;
  const org = grant.principal.organization;
  const purpose: SharingPurpose = grant.secondary ? 'secondary' : 'direct-care';
  const covering = grant.policy.agreements.filter((a) =>
    (a.to.includes('*') || (org !== undefined && a.to.includes(org))) &&
    (a.categories.includes('*') || (category !== OTHER && a.categories.includes(category))) &&
    a.purposes.includes(purpose));
  if (covering.some((a) => a.from.includes('*'))) return undefined;
  const organisations = new Set(covering.flatMap((a) => a.from));
  if (org) organisations.add(org);
  return Object.entries(grant.policy.sources).filter(([, owner]) => organisations.has(owner)).map(([source]) => source);
}

/** How the caller came to see these records, for the audit trail. */
export function basisFor(grant: AccessGrant, patientKeys: readonly string[]): { basis: AccessBasis; reason?: string } {
  if (grant.callerClass === 'operator' || grant.callerClass === 'system') return { basis: 'system' };
  if (grant.callerClass === 'citizen') return { basis: 'patient-self' };
  const related = patientKeys.map((k) => grant.relationships.get(k)).filter((r): r is PersonRelationship => r !== undefined);
  if (related.length === 0) return { basis: 'not-person-specific' };
  if (grant.breakGlass) return { basis: 'break-glass', ...(related[0]!.reason ? { reason: related[0]!.reason } : {}) };
  const first = related[0]!;
  const basis = first.bases[0]!;
  return { basis, ...((basis === 'self-claimed' || basis === 'break-glass') && first.reason ? { reason: first.reason } : {}) };
}

/**
 * A member of staff asking for one person's whole record without a relationship is told so, with
 * what they may do about it (self-claim, break glass, ask for consent), rather than shown a record
 * that looks empty. Their demographics are visible to them anyway, so this reveals nothing.
 */
export function requireRelationship(grant: AccessGrant): void {
  if (grant.callerClass !== 'user' || !grant.scopeKeys || grant.scopeKeys.length === 0) return;
  if (grant.scopeKeys.some((k) => grant.personKeys?.includes(k))) return;
  const why = grant.scopeKeys.map((k) => grant.withheld?.get(k)).find((w) => w !== undefined);
  const role = grant.role!;
  const breakGlass = role.breakGlass ? ' or break glass in an emergency ($claim-access with kind=break-glass and a reason)' : '';
  if (why === 'dissent') {
    throw new FhirError('forbidden', 'POLICY_DISSENT', `This person has asked that their record is not shared${role.breakGlass && grant.policy.consent.dissentOverriddenByBreakGlass ? `; you may break glass if it is an emergency ($claim-access with kind=break-glass and a reason)` : ''}`);
  }
  if (why === 'consent-to-view') {
    throw new FhirError('forbidden', 'POLICY_CONSENT_TO_VIEW', 'Ask the person for their consent to view their record and record the answer ($consent-to-view) first');
  }
  const selfClaim = role.selfClaim ? 'You may claim a relationship by giving a reason ($claim-access with kind=self-claim)' : 'Ask a colleague with a relationship';
  throw new FhirError('forbidden', 'POLICY_RELATIONSHIP_REQUIRED', `You have no legitimate relationship with this person. ${selfClaim}${breakGlass}; both are reviewed by the privacy officer`);
}
