// The transactional outbox, read side: events are rows the write statement itself inserted
// (store/write-resources.ts). Routers claim them with SKIP LOCKED, so several can run at once, and
// mark them routed in the same transaction as the deliveries and Tasks they produce.
import type { Queryable } from '../store/driver.ts';

export interface OutboxEvent {
  seq: string;
  eventId: string;
  type: string;
  id: string;
  versionId: number;
  personKey: string | null;
  deleted: boolean;
  createdAt: string;
}

interface OutboxRow {
  seq: string;
  event_id: string;
  resource_type: string;
  resource_id: string;
  version_id: number;
  person_key: string | null;
  deleted: boolean;
  created_at: string;
}

/** Locks up to `limit` unrouted events, oldest first, for the caller's transaction. */
export async function claimPendingEvents(tx: Queryable, limit: number): Promise<OutboxEvent[]> {
  const { rows } = await tx.query<OutboxRow>(
    `SELECT seq, event_id, resource_type, resource_id, version_id, person_key, deleted, created_at FROM event_outbox
     WHERE routed_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
  return rows.map(toEvent);
}

function toEvent(r: OutboxRow): OutboxEvent {
  return { seq: String(r.seq), eventId: r.event_id, type: r.resource_type, id: r.resource_id, versionId: r.version_id,
    personKey: r.person_key === null ? null : String(r.person_key), deleted: r.deleted, createdAt: r.created_at };
}

export async function markRouted(tx: Queryable, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query('UPDATE event_outbox SET routed_at = clock_timestamp() WHERE seq = ANY($1::bigint[])', [events.map((e) => e.seq)]);
}

/** An error as its class and code only: messages may quote personal data, so they are never stored or logged. */
export function errorLabel(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return `${(err as Error)?.name ?? 'Error'}${typeof code === 'string' ? ` ${code}` : ''}`;
}

/** Sets aside an event whose routing fails on its own, with the reason (no personal data: a code and class). */
export async function markRoutingFailed(db: Queryable, event: OutboxEvent, reason: string): Promise<void> {
  await db.query('UPDATE event_outbox SET routed_at = clock_timestamp(), route_error = $2 WHERE seq = $1', [event.seq, reason.slice(0, 500)]);
}

/** Events whose routing failed, set aside for a person to look at; `requeue` puts them back. */
export async function failedRoutings(db: Queryable, limit = 100): Promise<Array<OutboxEvent & { error: string }>> {
  const { rows } = await db.query<OutboxRow & { route_error: string }>(
    `SELECT seq, event_id, resource_type, resource_id, version_id, person_key, deleted, created_at, route_error FROM event_outbox
     WHERE route_error IS NOT NULL ORDER BY seq DESC LIMIT $1`, [limit]);
  return rows.map((r) => ({ ...toEvent(r), error: r.route_error }));
}

export async function requeueFailedRoutings(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH r AS (UPDATE event_outbox SET routed_at = NULL, route_error = NULL WHERE route_error IS NOT NULL RETURNING 1) SELECT count(*)::int AS n FROM r`);
  return rows[0]?.n ?? 0;
}

/** Routed events older than `days` are removed; what subscribers need is kept in event_delivery. */
export async function pruneRoutedEvents(db: Queryable, days: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM event_outbox WHERE routed_at < now() - make_interval(days => $1) AND route_error IS NULL RETURNING 1)
     SELECT count(*)::int AS n FROM gone`, [days]);
  return rows[0]?.n ?? 0;
}

/** How many events wait to be routed, and the age of the oldest (seconds): for health checks and the bench. */
export async function outboxBacklog(db: Queryable): Promise<{ pending: number; oldestSeconds: number; failed: number }> {
  const { rows } = await db.query<{ pending: number; oldest: number | null; failed: number }>(
    `SELECT count(*) FILTER (WHERE routed_at IS NULL)::int AS pending,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE routed_at IS NULL))::float8 AS oldest,
            (SELECT count(*)::int FROM event_outbox WHERE route_error IS NOT NULL) AS failed
     FROM event_outbox WHERE routed_at IS NULL`);
  return { pending: rows[0]?.pending ?? 0, oldestSeconds: Math.max(0, rows[0]?.oldest ?? 0), failed: rows[0]?.failed ?? 0 };
}
