// A Subscription's server-side state, kept beside the resource: its owner (the principal that made
// it: notifications carry only what the owner may see), its signing secret (never in the resource,
// which others may read), its event counter and when it last sent something (for heartbeats).
import type { Subscription } from '@medplum/fhirtypes';
import type { Principal } from '../../governance/principal.ts';
import { parseScopes } from '../../governance/smart-scopes.ts';
import type { Queryable } from '../../store/driver.ts';
import { hydrate, type StoredRow } from '../../store/stored-row.ts';

export interface SubscriptionState {
  id: string;
  owner: Principal;
  secret: string | null;
  eventsSinceStart: number;
  lastSentAt: string | null;
  error: string | null;
  createdAt: string;
}

interface StateRow {
  subscription_id: string;
  owner: Principal;
  secret: string | null;
  events_since_start: string;
  last_sent_at: string | null;
  error: string | null;
  created_at: string;
}

// Scopes are stored as their text and parsed again: the parsed form holds Sets, which JSON cannot.
const toState = (r: StateRow): SubscriptionState => ({ id: r.subscription_id, owner: { ...r.owner, scopes: parseScopes(r.owner.scope) }, secret: r.secret,
  eventsSinceStart: Number(r.events_since_start), lastSentAt: r.last_sent_at, error: r.error, createdAt: r.created_at });

/** Records who owns a Subscription; a write without a new secret keeps the old one. */
export async function recordSubscriptionOwner(tx: Queryable, id: string, owner: Principal, secret: string | undefined): Promise<void> {
  await tx.query(
    `INSERT INTO subscription_state (subscription_id, owner, secret) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (subscription_id) DO UPDATE SET owner = EXCLUDED.owner, secret = COALESCE(EXCLUDED.secret, subscription_state.secret), error = NULL`,
    [id, JSON.stringify({ ...owner, scopes: undefined }), secret ?? null]);
}

export async function subscriptionState(db: Queryable, id: string): Promise<SubscriptionState | undefined> {
  const { rows } = await db.query<StateRow>('SELECT * FROM subscription_state WHERE subscription_id = $1', [id]);
  return rows[0] ? toState(rows[0]) : undefined;
}

export interface ActiveSubscription {
  subscription: Subscription;
  state: SubscriptionState;
}

/** Every Subscription that is active or requested and has an owner (one without cannot be governed, so it gets nothing). */
export async function activeSubscriptions(db: Queryable): Promise<ActiveSubscription[]> {
  const { rows } = await db.query<StoredRow & StateRow>(
    `SELECT r.type, r.id, r.version_id, r.last_updated, r.content, s.* FROM resource r JOIN subscription_state s ON s.subscription_id = r.id
     WHERE r.type = 'Subscription' AND NOT r.deleted AND r.content->>'status' IN ('active', 'requested')`);
  return rows.map((r) => ({ subscription: hydrate(r) as Subscription, state: toState(r) }));
}

/** Allocates the next `count` event numbers of a subscription (in the routing transaction, so numbers never repeat). */
export async function allocateEventNumbers(tx: Queryable, id: string, count: number): Promise<number> {
  const { rows } = await tx.query<{ last: string }>(
    'UPDATE subscription_state SET events_since_start = events_since_start + $2 WHERE subscription_id = $1 RETURNING events_since_start AS last', [id, count]);
  return Number(rows[0]!.last) - count + 1;
}

/** Why a subscription is not being told of its matches (its owner lost access), shown by $status. */
export async function setSubscriptionError(tx: Queryable, id: string, error: string): Promise<void> {
  await tx.query('UPDATE subscription_state SET error = $2 WHERE subscription_id = $1', [id, error]);
}

export async function markSubscriptionSent(db: Queryable, id: string, error: string | null): Promise<void> {
  await db.query('UPDATE subscription_state SET last_sent_at = clock_timestamp(), error = $2 WHERE subscription_id = $1', [id, error]);
}
