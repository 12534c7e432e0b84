// Events: the transactional outbox, deliveries with their log, subscription state, and the small
// tables the notification rules keep (MESH de-duplication, ADW notice state per hospital stay).
// See docs/events/README.md for how an event travels from a write to a subscriber.
export const name = 'events';
export const sql = `
-- One row per resource version written, inserted by the write statement itself (write-resources.ts),
-- so an event exists exactly when its change committed. Routed rows are kept a while for support.
CREATE TABLE event_outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Stable across retries and re-routing: receivers de-duplicate on it.
  event_id uuid NOT NULL DEFAULT gen_random_uuid(),
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  version_id integer NOT NULL,
  person_key bigint,
  deleted boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  routed_at timestamptz,
  -- Set when routing this event failed on its own (a poison event): set aside, not retried forever.
  route_error text
);
CREATE INDEX event_outbox_failed ON event_outbox (seq) WHERE route_error IS NOT NULL;
CREATE INDEX event_outbox_pending ON event_outbox (seq) WHERE routed_at IS NULL;

-- What must reach one subscriber about one event. (subscriber, event_id) is unique, so routing
-- an event twice cannot deliver it twice.
CREATE TABLE event_delivery (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL,
  subscriber text NOT NULL,
  channel text NOT NULL,
  event_number bigint,
  person_key bigint,
  focus text,
  payload jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_at timestamptz,
  UNIQUE (subscriber, event_id)
);
CREATE INDEX event_delivery_due ON event_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX event_delivery_dead ON event_delivery (id) WHERE status = 'dead';
CREATE INDEX event_delivery_number ON event_delivery (subscriber, event_number) WHERE event_number IS NOT NULL;

-- Every attempt, for the per-subscriber delivery log.
CREATE TABLE event_delivery_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id bigint NOT NULL,
  attempt integer NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  outcome text NOT NULL,
  http_status integer,
  error text,
  duration_ms integer
);
CREATE INDEX event_delivery_log_delivery ON event_delivery_log (delivery_id, id);

-- A Subscription's server-side state: who created it (notifications carry only what they may see),
-- its signing secret and event counter (Backport IG eventsSinceSubscriptionStart).
CREATE TABLE subscription_state (
  subscription_id text PRIMARY KEY,
  owner jsonb NOT NULL,
  secret text,
  events_since_start bigint NOT NULL DEFAULT 0,
  last_sent_at timestamptz,
  error text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- How far a watcher has read an append-only log (the audit trail's seq is gap-free and in commit
-- order, so a position is safe): the CP-IS watcher reads unscheduled-care accesses from it.
CREATE TABLE event_cursor (
  name text PRIMARY KEY,
  position bigint NOT NULL
);
INSERT INTO event_cursor (name, position) VALUES ('cpis-access', 0);

-- MESH messages already processed, so a re-download after a crash changes nothing.
CREATE TABLE mesh_seen (
  mailbox text NOT NULL,
  message_id text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (mailbox, message_id)
);

-- Care Act Schedule 3 notices: every message once, and the state of each hospital stay's notices.
CREATE TABLE adw_message (
  message_id text PRIMARY KEY,
  stay text NOT NULL,
  kind text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  message jsonb NOT NULL
);
CREATE TABLE adw_stay (
  stay text PRIMARY KEY,
  person_key bigint,
  council text,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
`;
