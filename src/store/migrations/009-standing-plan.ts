// The standing lookup (access_standing, migration 004) runs on every request by staff. Two changes:
// - PostgreSQL re-planned its main query on each call (a custom plan, because the generic plan's
//   estimate looks dearer), and planning cost several times what running it does (measured: 2.1-2.5 ms
//   a call against 0.6 ms with the cached generic plan). The generic plan is index-driven for both
//   arms (one person's records, or everyone an organisation's records name), so the function keeps it.
// - A request about one person read every one of that person's records (hundreds for someone often in
//   hospital) to find the few that can relate. A partial index holds just those. Its predicate names
//   person_key too: with only the types, the planner scanned it for any search of those types (a
//   month of Encounters went from 15 to 80 ms); a lookup by person key implies it, a search does not.
export const name = 'standing-plan';
export const sql = `
CREATE INDEX resource_relating_person ON resource (person_key)
  WHERE person_key IS NOT NULL AND type IN ('EpisodeOfCare', 'CareTeam', 'ServiceRequest', 'Encounter', 'Patient') AND NOT deleted;

CREATE OR REPLACE FUNCTION access_standing(p_subject text, p_targets bigint[], p_params int[], p_id_keys bigint[], p_id_types text[],
  p_recent text, p_now timestamptz, p_scope bigint[])
  RETURNS TABLE (seed_key bigint, person_key bigint, person_group text, via text, reason text) LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  scope bigint[];
BEGIN
  IF p_scope IS NOT NULL THEN
    SELECT array_agg(DISTINCT k) INTO scope FROM (
      SELECT unnest(p_scope) AS k
      UNION ALL
      SELECT mate.person_key FROM identity_link mine JOIN identity_link mate ON mate.person_id = mine.person_id
       WHERE mine.person_key = ANY(p_scope)) x;
    scope := coalesce(scope, '{}');
    RETURN QUERY SELECT k, k, NULL::text, 'scope'::text, NULL::text FROM unnest(scope) AS k;
  END IF;
  RETURN QUERY
    WITH naming AS (
      -- The person's own records that can relate, found through resource_relating_person ...
      SELECT r.person_key, r.type FROM resource r
       WHERE scope IS NOT NULL AND r.person_key = ANY(scope) AND NOT r.deleted
         AND r.type IN ('EpisodeOfCare', 'CareTeam', 'ServiceRequest', 'Encounter', 'Patient')
         AND access_relates(r.type, r.content, p_recent)
         AND (EXISTS (SELECT 1 FROM search_reference sr WHERE sr.rid = r.rid AND sr.param = ANY(p_params) AND sr.target = ANY(p_targets))
              OR EXISTS (SELECT 1 FROM unnest(p_id_keys, p_id_types) AS k(key, type) WHERE k.type = r.type AND r.tokens @> ARRAY[k.key]))
      UNION ALL
      -- ... or everyone the organisation's records name.
      SELECT r.person_key, r.type FROM search_reference sr JOIN resource r ON r.rid = sr.rid
       WHERE scope IS NULL AND sr.param = ANY(p_params) AND sr.target = ANY(p_targets) AND NOT r.deleted AND r.person_key IS NOT NULL
         AND access_relates(r.type, r.content, p_recent)
      UNION ALL
      SELECT r.person_key, r.type FROM resource r
       WHERE scope IS NULL AND r.tokens && p_id_keys AND NOT r.deleted AND r.person_key IS NOT NULL
         AND EXISTS (SELECT 1 FROM unnest(p_id_keys, p_id_types) AS k(key, type) WHERE k.type = r.type AND r.tokens @> ARRAY[k.key])
         AND access_relates(r.type, r.content, p_recent)
    ), seeds AS (
      SELECT n.person_key, n.type AS via, NULL::text AS reason, NULL::bigint AS claim_id FROM naming n
      UNION
      SELECT c.person_key, c.kind, c.reason, c.id FROM access_claim c
       WHERE c.subject = p_subject AND c.kind IN ('self-claim', 'break-glass') AND c.expires_at > p_now
         AND (scope IS NULL OR c.person_key = ANY(scope))
    ), related AS (
      SELECT s.person_key AS seed_key, coalesce(mate.person_key, s.person_key) AS person_key,
             coalesce(mine.person_id, 'record:' || s.person_key::text) AS person_group, s.via, s.reason, s.claim_id
        FROM seeds s
        LEFT JOIN identity_link mine ON mine.person_key = s.person_key
        LEFT JOIN identity_link mate ON mate.person_id = mine.person_id
    )
    (SELECT r.seed_key, r.person_key, r.person_group, r.via, r.reason FROM related r ORDER BY r.claim_id NULLS FIRST)
    UNION ALL
    SELECT c.person_key, c.person_key, NULL, 'consent', c.content::text FROM resource c
     WHERE c.type = 'Consent' AND NOT c.deleted AND c.person_key IN (SELECT related.person_key FROM related)
       AND c.content->>'status' = 'active' AND c.content#>>'{provision,type}' = 'deny';
END $$;
`;
