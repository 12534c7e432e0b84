// Legitimate relationships, found in the record itself at the moment of the request (never cached,
// so a closed case or an expired claim stops access on the very next request):
// - the caller's organisation (or one of its teams) manages an open episode of care, is on an active
//   care team, has an open referral, has the person in hospital or saw them in the last N days, or is
//   their registered GP practice;
// - or the caller claimed a relationship (self-claim) or broke glass for this person, unexpired.
// A relationship with one source record is a relationship with the whole person (identity links).
// One call to the SQL function access_standing (migration 004), planned once per connection, also
// widens the request's scope to the whole person and returns the deny Consents that apply.
import type { Consent } from '@medplum/fhirtypes';
import type { Queryable } from '../../store/driver.ts';
import { paramKey, tokenKey } from '../../store/index-rows.ts';
import { ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM } from '../../fhir/systems.ts';
import type { AccessBasis } from '../audit/access-record.ts';

/** How the caller is related to one person (all of whose records share `group`). */
export interface PersonRelationship {
  group: string;
  /** Every way the caller is related, strongest first. */
  bases: AccessBasis[];
  /** The reason given with the newest self-claim or break-glass, if any. */
  reason?: string;
}

/** What the record says about a member of staff and the people a request concerns. */
export interface Standing {
  /** Record key → the caller's relationship with that record's person. */
  relationships: Map<string, PersonRelationship>;
  /** Every record of the person(s) the request names, when it names any. */
  scopeKeys?: string[];
  /** Active deny Consents on related records, by record key (classified by consent-directives.ts). */
  consents: Array<{ key: string; consent: Consent }>;
}

export interface RelationshipQuery {
  subject: string;
  /** The caller's organisation code (ODS or GSS); without one only claims count. */
  organization?: string;
  /** Consider only the person(s) of these records (a request about one person); absent: everyone. */
  scopeSeeds?: readonly string[];
  recentEncounterDays: number;
  now: Date;
}

const BASIS_OF: Record<string, AccessBasis> = {
  EpisodeOfCare: 'episode-of-care',
  CareTeam: 'care-team',
  ServiceRequest: 'referral',
  Encounter: 'encounter',
  Patient: 'registration',
  'self-claim': 'self-claimed',
  'break-glass': 'break-glass',
};
const STRENGTH: AccessBasis[] = ['episode-of-care', 'care-team', 'referral', 'encounter', 'registration', 'self-claimed', 'break-glass'];

/** The reference search parameters through which an organisation relates to a person. */
const RELATING: ReadonlyArray<readonly [type: string, code: string]> = [
  ['EpisodeOfCare', 'organization'],
  ['CareTeam', 'participant'],
  ['ServiceRequest', 'performer'],
  ['Encounter', 'service-provider'],
  ['Patient', 'general-practitioner'],
];
const RELATING_PARAMS = RELATING.map(([type, code]) => paramKey(type, code));

/** The caller's standing with the people the request concerns (or everyone), in one call. */
export async function findStanding(q: Queryable, query: RelationshipQuery, directory: DirectoryCache): Promise<Standing> {
  const code = query.organization;
  const recent = new Date(query.now.getTime() - query.recentEncounterDays * 86_400_000).toISOString();
  // Sources often name the organisation by its code rather than a local id (a council extract's
  // case names its council by GSS code): those references are index tokens, not reference rows.
  // Each type's own parameter: `organization` on a Patient is who holds the record, not a relationship.
  const byIdentifier = RELATING.map(([, param]) => code ? ORG_SYSTEMS.map((system) => tokenKey.systemCode(`${param}:identifier`, system, code)) : []);
  const targets = code ? await organisationTargets(q, code, query.now, directory) : [];
  const { rows } = await q.query<{ seed_key: string; person_key: string; person_group: string | null; via: string; reason: string | null }>(
    'SELECT * FROM access_standing($1, $2, $3, $4, $5, $6, $7, $8)',
    [query.subject, targets, RELATING_PARAMS, byIdentifier.flat(), byIdentifier.flatMap((keys, i) => keys.map(() => RELATING[i]![0])),
      recent, query.now.toISOString(), query.scopeSeeds ?? null],
  );
  const byGroup = new Map<string, Set<AccessBasis>>();
  const reasons = new Map<string, string>();
  const groupOf = new Map<string, string>();
  const scopeKeys: string[] = [];
  const consents: Standing['consents'] = [];
  for (const row of rows) {
    if (row.via === 'scope') scopeKeys.push(row.person_key);
    else if (row.via === 'consent') consents.push({ key: row.person_key, consent: JSON.parse(row.reason!) as Consent });
    const basis = BASIS_OF[row.via];
    if (!basis || !row.person_group) continue;
    byGroup.set(row.person_group, (byGroup.get(row.person_group) ?? new Set()).add(basis));
    // Claims come last, oldest first: the newest reason wins.
    if (row.reason) reasons.set(row.person_group, row.reason);
    groupOf.set(row.person_key, row.person_group);
    groupOf.set(row.seed_key, row.person_group);
  }
  const relationships = new Map<string, PersonRelationship>();
  for (const [key, group] of groupOf) {
    const bases = STRENGTH.filter((b) => byGroup.get(group)!.has(b));
    const reason = reasons.get(group);
    relationships.set(key, { group, bases, ...(reason ? { reason } : {}) });
  }
  return { relationships, consents, ...(query.scopeSeeds ? { scopeKeys } : {}) };
}

const ORG_SYSTEMS = [ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM];
/** The directory changes rarely; relationships and consent are never cached, this lookup briefly is. */
const DIRECTORY_TTL_MS = 60_000;
/** Organisation code → its reference keys, per platform (see Governance). */
export type DirectoryCache = Map<string, { targets: string[]; until: number }>;

/** Reference keys of the organisation with this code and of its teams (organisations `partOf` it). */
async function organisationTargets(q: Queryable, code: string, now: Date, directory: DirectoryCache): Promise<string[]> {
  const cached = directory.get(code);
  if (cached && cached.until > now.getTime()) return cached.targets;
  const { rows } = await q.query<{ target: string }>(
    `WITH own AS (SELECT o.id FROM resource o WHERE o.type = 'Organization' AND NOT o.deleted AND o.tokens && $1::bigint[])
     SELECT sc_hash('Organization/' || id) AS target FROM own
     UNION
     SELECT sc_hash('Organization/' || c.id) FROM search_reference p JOIN resource c ON c.rid = p.rid
      WHERE p.param = $2 AND p.target IN (SELECT sc_hash('Organization/' || id) FROM own) AND c.type = 'Organization' AND NOT c.deleted`,
    [ORG_SYSTEMS.map((system) => tokenKey.systemCode('identifier', system, code)), paramKey('Organization', 'partof')],
  );
  const targets = rows.map((r) => r.target);
  if (directory.size > 1000) directory.clear();
  directory.set(code, { targets, until: now.getTime() + DIRECTORY_TTL_MS });
  return targets;
}
