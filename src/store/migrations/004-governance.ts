// Legitimate-relationship claims (self-claim, break-glass) and consent-to-view answers, per user and
// patient record. A claim lasts a few hours; expired rows are kept: they are what IG reviews read.
export const name = 'governance';
export const sql = `
CREATE TABLE access_claim (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject text NOT NULL,
  subject_name text,
  role text,
  organization text,
  patient_id text NOT NULL,
  person_key bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('self-claim', 'break-glass', 'consent-given', 'consent-refused')),
  reason text NOT NULL CHECK (length(reason) > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX access_claim_subject ON access_claim (subject, expires_at);
CREATE INDEX access_claim_person ON access_claim (person_key);

-- The policy finds every record of a person from any one of them by person key (sc_hash of
-- 'Patient/<id>'), so the identity links carry that key as a column, indexed. (An expression index
-- alone was not enough: a generic plan joining on the expression hashed every link on each request.)
ALTER TABLE identity_link ADD COLUMN person_key bigint GENERATED ALWAYS AS (sc_hash('Patient/' || patient_id)) STORED;
CREATE INDEX identity_link_person_key ON identity_link (person_key);

-- Whether a record relates an organisation to its person now (an open case, an active care team,
-- an open referral, a current or recent contact, a registration).
CREATE FUNCTION access_relates(type text, content jsonb, recent text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE type
    WHEN 'EpisodeOfCare' THEN content->>'status' IN ('planned', 'waitlist', 'active', 'onhold')
    WHEN 'CareTeam' THEN coalesce(content->>'status', 'active') IN ('proposed', 'active', 'suspended')
    WHEN 'ServiceRequest' THEN content->>'status' IN ('draft', 'active', 'on-hold')
    WHEN 'Encounter' THEN content->>'status' IN ('planned', 'arrived', 'triaged', 'in-progress', 'onleave') OR content#>>'{period,end}' >= recent
    WHEN 'Patient' THEN coalesce(content->>'active', 'true') <> 'false'
    ELSE false
  END
$$;

-- A member of staff's standing, found in the record in one call (see governance/policy/relationships.ts):
-- - via 'scope': every record of the same person as the records the request names (p_scope), if any;
-- - via EpisodeOfCare | CareTeam | ServiceRequest | Encounter | Patient: records naming the caller's
--   organisation or one of its teams (p_targets: their reference keys; or by identifier, through the
--   index tokens p_id_keys, each valid for the type beside it in p_id_types) in a way that relates;
-- - via self-claim | break-glass: the caller's unexpired claims, with their reasons;
--   each relationship widened to every record of the same person (person_group);
-- - via 'consent': an active deny Consent on one of those records (reason holds its JSON).
-- Within the scope when there is one. A function, so its statements are planned once per connection:
-- planning the equivalent single query took longer than running it.
CREATE FUNCTION access_standing(p_subject text, p_targets bigint[], p_params int[], p_id_keys bigint[], p_id_types text[],
  p_recent text, p_now timestamptz, p_scope bigint[])
  RETURNS TABLE (seed_key bigint, person_key bigint, person_group text, via text, reason text) LANGUAGE plpgsql STABLE AS $$
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
      -- The person's own records, checked one by one (a request about one person) ...
      -- (access_relates picks the types; a type condition here lets the planner scan every row of those types)
      SELECT r.person_key, r.type FROM resource r
       WHERE scope IS NOT NULL AND r.person_key = ANY(scope) AND NOT r.deleted AND access_relates(r.type, r.content, p_recent)
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
