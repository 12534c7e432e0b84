// Deliveries: what must reach one subscriber about one event, retried with exponential backoff until
// delivered or dead-lettered. Claims take a lease with SKIP LOCKED, so workers in several processes
// share the queue; a worker that dies mid-send loses only its lease, and the delivery is sent again
// with the same event id (at least once; receivers de-duplicate on the id).
import type { Queryable } from '../store/driver.ts';
import { nextAttemptDelay } from './webhooks/backoff.ts';

export type DeliveryChannel = 'rest-hook' | 'fhir-message' | 'secure-email' | 'mesh' | 'heartbeat';

export interface NewDelivery {
  eventId: string;
  /** Who it is for: `Subscription/{id}`, or a council endpoint `council:{gss}`. */
  subscriber: string;
  channel: DeliveryChannel;
  /** The subscription's event number (Backport IG), when it has one. */
  eventNumber?: number;
  personKey?: string | null;
  /** The resource the event is about, as a reference. */
  focus?: string;
  payload?: unknown;
}

export interface Delivery extends Required<Pick<NewDelivery, 'eventId' | 'subscriber' | 'channel'>> {
  id: string;
  eventNumber: number | null;
  personKey: string | null;
  focus: string | null;
  payload: unknown;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  lastError: string | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const COLUMNS = `id, event_id, subscriber, channel, event_number, person_key, focus, payload, status, attempts, created_at, next_attempt_at, last_error`;

interface DeliveryRow {
  id: string; event_id: string; subscriber: string; channel: DeliveryChannel; event_number: string | null; person_key: string | null;
  focus: string | null; payload: unknown; status: Delivery['status']; attempts: number; created_at: string; next_attempt_at: string; last_error: string | null;
}

function toDelivery(r: DeliveryRow): Delivery {
  return { id: String(r.id), eventId: r.event_id, subscriber: r.subscriber, channel: r.channel, eventNumber: r.event_number === null ? null : Number(r.event_number),
    personKey: r.person_key === null ? null : String(r.person_key), focus: r.focus, payload: r.payload, status: r.status, attempts: r.attempts,
    createdAt: r.created_at, nextAttemptAt: r.next_attempt_at, lastError: r.last_error };
}

/** Adds a delivery in the caller's transaction; a second one for the same subscriber and event is ignored. */
export async function enqueueDelivery(tx: Queryable, d: NewDelivery): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO event_delivery (event_id, subscriber, channel, event_number, person_key, focus, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (subscriber, event_id) DO NOTHING RETURNING id`,
    [d.eventId, d.subscriber, d.channel, d.eventNumber ?? null, d.personKey ?? null, d.focus ?? null, d.payload === undefined ? null : JSON.stringify(d.payload)]);
  return rows.length > 0;
}

/** Leases up to `limit` due deliveries (each attempt counted as it starts, so a crash still counts). */
export async function claimDueDeliveries(db: Queryable, limit: number, leaseMs: number): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE event_delivery SET attempts = attempts + 1, lease_until = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
     WHERE id IN (SELECT id FROM event_delivery WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
                    AND (lease_until IS NULL OR lease_until < clock_timestamp())
                  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`, [limit, leaseMs]);
  return rows.map(toDelivery).sort((a, b) => Number(a.id) - Number(b.id));
}

export interface AttemptResult {
  ok: boolean;
  httpStatus?: number;
  error?: string;
  /** false: retrying cannot help (refused address, 4xx): dead-letter now. */
  retryable?: boolean;
  durationMs: number;
}

/** Records an attempt's outcome: delivered, retried later, or dead after the policy's last attempt. */
export async function recordAttempt(db: Queryable, delivery: Delivery, result: AttemptResult, policy: RetryPolicy): Promise<Delivery['status']> {
  const dead = !result.ok && (result.retryable === false || delivery.attempts >= policy.maxAttempts);
  const status: Delivery['status'] = result.ok ? 'delivered' : dead ? 'dead' : 'pending';
  const delay = status === 'pending' ? nextAttemptDelay(delivery.attempts, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }) : 0;
  await db.query(
    `WITH d AS (UPDATE event_delivery SET status = $2, lease_until = NULL, last_error = $3,
                  delivered_at = CASE WHEN $2 = 'delivered' THEN clock_timestamp() END,
                  next_attempt_at = clock_timestamp() + make_interval(secs => $4::float8 / 1000)
                WHERE id = $1)
     INSERT INTO event_delivery_log (delivery_id, attempt, outcome, http_status, error, duration_ms) VALUES ($1, $5, $6, $7, $3, $8)`,
    [delivery.id, status, result.error ?? null, delay, delivery.attempts, result.ok ? 'delivered' : dead ? 'dead' : 'retry', result.httpStatus ?? null,
      Math.round(result.durationMs)]);
  return status;
}

export interface DeliveryQuery {
  status?: Delivery['status'];
  subscriber?: string;
  limit?: number;
}

export async function listDeliveries(db: Queryable, q: DeliveryQuery = {}): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM event_delivery WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR subscriber = $2)
     ORDER BY id DESC LIMIT $3`, [q.status ?? null, q.subscriber ?? null, q.limit ?? 100]);
  return rows.map(toDelivery);
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  outcome: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

export async function deliveryLog(db: Queryable, deliveryId: string): Promise<DeliveryAttempt[]> {
  const { rows } = await db.query<{ attempt: number; at: string; outcome: string; http_status: number | null; error: string | null; duration_ms: number | null }>(
    'SELECT attempt, at, outcome, http_status, error, duration_ms FROM event_delivery_log WHERE delivery_id = $1 ORDER BY id', [deliveryId]);
  return rows.map((r) => ({ attempt: r.attempt, at: r.at, outcome: r.outcome, httpStatus: r.http_status, error: r.error, durationMs: r.duration_ms }));
}

/**
 * Puts dead deliveries back in the queue (all of them, one subscriber's, or the given ids): their
 * attempts start again, and their event ids stay the same.
 */
export async function replayDeadDeliveries(db: Queryable, which: { ids?: readonly string[]; subscriber?: string }): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH r AS (UPDATE event_delivery SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), lease_until = NULL
                WHERE status = 'dead' AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[])) AND ($2::text IS NULL OR subscriber = $2) RETURNING 1)
     SELECT count(*)::int AS n FROM r`, [which.ids ?? null, which.subscriber ?? null]);
  return rows[0]?.n ?? 0;
}

/** Counts by status, for health and the bench. */
export async function deliveryCounts(db: Queryable): Promise<Record<Delivery['status'], number>> {
  const { rows } = await db.query<{ status: Delivery['status']; n: number }>('SELECT status, count(*)::int AS n FROM event_delivery GROUP BY status');
  const counts = { pending: 0, delivered: 0, dead: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
