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
-- 'Patient/<id>'), so the identity links are indexed by that key as well as by patient id.
CREATE INDEX identity_link_person_key ON identity_link ((sc_hash('Patient/' || patient_id)));
`;
