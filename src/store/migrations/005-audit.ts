// The append-only, hash-chained audit trail (IHE BALP AuditEvents) and its reviews.
// See docs/governance/audit.md for the chain, what the triggers guarantee and what they cannot.
export const name = 'audit';
export const sql = `
-- Refuses any change to a table that may only grow. A superuser can still disable triggers,
-- which is why every row is also hash-chained and 'sharedcare audit verify' exists.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit: % on % is not allowed; the audit trail is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- The chain head: the last seq and its hash. One row, locked by each append until commit, so
-- seq is gap-free (a rolled-back append rolls back its seq too) and the chain is one line.
CREATE TABLE audit_head (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash bytea NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- The head only ever moves forward by one; it cannot be removed.
CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
    RAISE EXCEPTION 'audit: the chain head only moves forward by one' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_forward();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- One row per BALP AuditEvent. event is the exact JSON text that was hashed (text, not jsonb,
-- which would reorder keys): hash = sha256(previous hash || int8send(seq) || UTF-8 of event).
-- The other columns are copies of fields in event, for searching and reports.
CREATE TABLE audit_event (
  seq bigint PRIMARY KEY,
  recorded timestamptz NOT NULL,
  event text NOT NULL,
  hash bytea NOT NULL,
  action text NOT NULL,
  subtype text NOT NULL,
  operation text,
  outcome text NOT NULL,
  agent_subject text NOT NULL,
  agent_kind text NOT NULL,
  agent_name text,
  agent_client text,
  agent_role text,
  agent_org text,
  purpose text NOT NULL,
  basis text,
  reason text,
  patients text[] NOT NULL
);
CREATE INDEX audit_event_patients ON audit_event USING gin (patients);
CREATE INDEX audit_event_recorded ON audit_event (recorded);
CREATE INDEX audit_event_agent ON audit_event (agent_subject, seq);
-- Break-glass and self-claimed access are few and all reviewed: a small partial index.
CREATE INDEX audit_event_claims ON audit_event (basis, seq) WHERE basis IN ('break-glass', 'self-claimed');
CREATE INDEX audit_event_operation ON audit_event (operation, seq) WHERE operation IS NOT NULL;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- A privacy officer's judgement of one event (break-glass, self-claim, a denial). Also
-- append-only: a second look adds a row, and the latest row is the event's review state.
CREATE TABLE audit_review (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq bigint NOT NULL REFERENCES audit_event (seq),
  reviewer text NOT NULL,
  reviewer_name text,
  outcome text NOT NULL CHECK (outcome IN ('appropriate', 'inappropriate')),
  note text NOT NULL,
  reviewed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_review_seq ON audit_review (seq, id);
CREATE TRIGGER audit_review_no_change BEFORE UPDATE OR DELETE ON audit_review FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_review_no_truncate BEFORE TRUNCATE ON audit_review FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`;
