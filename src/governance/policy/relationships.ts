// Legitimate relationships, found in the record itself at the moment of the request (never cached,
// so a closed case or an expired claim stops access on the very next request):
// - the caller's organisation (or one of its teams) manages an open episode of care, is on an active
//   care team, has an open referral, has the person in hospital or saw them in the last N days, or is
//   their registered GP practice;
// - or the caller claimed a relationship (self-claim) or broke glass for this person, unexpired.
// A relationship with one source record is a relationship with the whole person (identity links).
import type { Queryable } from '../../store/driver.ts';
import { paramKey, tokenKey } from '../../store/index-rows.ts';
import { ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM } from '../../fhir/systems.ts';
import type { AccessBasis } from '../audit/access-record.ts';
import type { PersonLinks } from './person-links.ts';

/** How the caller is related to one person (all of whose records share `group`). */
export interface PersonRelationship {
  group: string;
  /** Every way the caller is related, strongest first. */
  bases: AccessBasis[];
  /** The reason given with the newest self-claim or break-glass, if any. */
  reason?: string;
}

export interface RelationshipQuery {
  subject: string;
  /** The caller's organisation code (ODS or GSS); without one only claims count. */
  organization?: string;
  /** Consider only these records (a request about one person); absent: everyone. */
  scopeKeys?: readonly string[];
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

/** Record key → the caller's relationship with that record's person. */
export async function findRelationships(q: Queryable, links: PersonLinks, query: RelationshipQuery): Promise<Map<string, PersonRelationship>> {
  const orgTokens = query.organization
    ? [ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM].map((system) => tokenKey.systemCode('identifier', system, query.organization!))
    : [];
  const recent = new Date(query.now.getTime() - query.recentEncounterDays * 86_400_000).toISOString();
  // Sources often name the organisation by its code rather than a local id (a council extract's
  // case names its council by GSS code): those references are index tokens, not reference rows.
  // Each type's own parameter: `organization` on a Patient is who holds the record, not a relationship.
  const byIdentifier = RELATING.map(([, code]) => query.organization
    ? [ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM].map((system) => tokenKey.systemCode(`${code}:identifier`, system, query.organization!))
    : []);
  const params: unknown[] = [orgTokens, paramKey('Organization', 'partof'), RELATING_PARAMS, recent, query.subject, query.now.toISOString(),
    byIdentifier.flat(), ...byIdentifier];
  const scoped = query.scopeKeys !== undefined;
  if (scoped) params.push(query.scopeKeys);
  const inScope = (column: string) => (scoped ? ` AND ${column} = ANY($${params.length}::bigint[])` : '');
  const namedByCode = RELATING.map(([type], i) => `(r.type = '${type}' AND r.tokens && $${8 + i}::bigint[])`).join(' OR ');
  const { rows } = await q.query<{ seed_key: string; person_key: string; person_group: string; via: string; reason: string | null }>(
    `WITH own AS (
       SELECT r.id FROM resource r WHERE r.type = 'Organization' AND NOT r.deleted AND r.tokens && $1::bigint[]
     ), orgs AS (
       SELECT sc_hash('Organization/' || id) AS target FROM own
       UNION
       SELECT sc_hash('Organization/' || t.id) FROM search_reference p JOIN resource t ON t.rid = p.rid
        WHERE p.param = $2 AND p.target IN (SELECT sc_hash('Organization/' || id) FROM own) AND t.type = 'Organization' AND NOT t.deleted
     ), naming AS (
       SELECT r.person_key, r.type, r.content FROM search_reference sr JOIN resource r ON r.rid = sr.rid
        WHERE sr.param = ANY($3::int[]) AND sr.target IN (SELECT target FROM orgs) AND NOT r.deleted AND r.person_key IS NOT NULL${inScope('r.person_key')}
       UNION ALL
       SELECT r.person_key, r.type, r.content FROM resource r
        WHERE r.tokens && $7::bigint[] AND (${namedByCode}) AND NOT r.deleted AND r.person_key IS NOT NULL${inScope('r.person_key')}
     ), direct AS (
       SELECT r.person_key, r.type AS via FROM naming r
        WHERE ((r.type = 'EpisodeOfCare' AND r.content->>'status' IN ('planned', 'waitlist', 'active', 'onhold'))
            OR (r.type = 'CareTeam' AND coalesce(r.content->>'status', 'active') IN ('proposed', 'active', 'suspended'))
            OR (r.type = 'ServiceRequest' AND r.content->>'status' IN ('draft', 'active', 'on-hold'))
            OR (r.type = 'Encounter' AND (r.content->>'status' IN ('planned', 'arrived', 'triaged', 'in-progress', 'onleave')
                                          OR r.content#>>'{period,end}' >= $4))
            OR (r.type = 'Patient' AND coalesce(r.content->>'active', 'true') <> 'false'))
     ), claimed AS (
       SELECT person_key, kind AS via, reason, id FROM access_claim
        WHERE subject = $5 AND kind IN ('self-claim', 'break-glass') AND expires_at > $6::timestamptz${inScope('person_key')}
     ), seeds AS (
       SELECT person_key, via, NULL::text AS reason, NULL::bigint AS claim_id FROM direct
       UNION SELECT person_key, via, reason, id FROM claimed
     ), seed_keys AS (
       SELECT DISTINCT person_key FROM seeds
     ), same AS (${links.samePersonSql('seed_keys')})
     SELECT s.person_key AS seed_key, coalesce(m.person_key, s.person_key) AS person_key,
            coalesce(m.person_id, 'record:' || s.person_key::text) AS person_group, s.via, s.reason
       FROM seeds s LEFT JOIN same m ON m.seed_key = s.person_key ORDER BY s.claim_id NULLS FIRST`,
    params,
  );
  const byGroup = new Map<string, Set<AccessBasis>>();
  const reasons = new Map<string, string>();
  const groupOf = new Map<string, string>();
  for (const row of rows) {
    const basis = BASIS_OF[row.via];
    if (!basis) continue;
    byGroup.set(row.person_group, (byGroup.get(row.person_group) ?? new Set()).add(basis));
    // Claims come last, oldest first: the newest reason wins.
    if (row.reason) reasons.set(row.person_group, row.reason);
    groupOf.set(row.person_key, row.person_group);
    groupOf.set(row.seed_key, row.person_group);
  }
  const out = new Map<string, PersonRelationship>();
  for (const [key, group] of groupOf) {
    const bases = STRENGTH.filter((b) => byGroup.get(group)!.has(b));
    const reason = reasons.get(group);
    out.set(key, { group, bases, ...(reason ? { reason } : {}) });
  }
  return out;
}
