// The Backport IG's two operations on a Subscription, for subscribers that missed notifications:
//   GET Subscription/{id}/$status   its state and event counter (a gap means lost notifications)
//   GET Subscription/{id}/$events   the notifications it was sent (or will be), by event number
// Events are rebuilt as the owner may see them now, exactly as a fresh delivery would be.
import type { Bundle, Subscription } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { decideGrant } from '../../governance/policy/access-grant.ts';
import { visibleEvent } from '../../events/channels/rest-hook-channel.ts';
import { notificationBundle, subscriptionStatus } from '../../events/subscriptions/notification-bundle.ts';
import { subscriptionPlan } from '../../events/subscriptions/subscription-plan.ts';
import { subscriptionState, type SubscriptionState } from '../../events/subscriptions/subscription-state.ts';
import type { FhirContext, FhirRequest, Interaction } from '../fhir-request.ts';
import { access } from '../rest-semantics.ts';
import { operationInput } from './operation-input.ts';

const MAX_EVENTS = 1000;

async function ownedSubscription(req: FhirRequest, ctx: FhirContext): Promise<{ subscription: Subscription; state: SubscriptionState }> {
  const id = req.segments[1]!;
  const subscription = await ctx.repo.read('Subscription', id, access(req, 'Subscription', 'r')) as Subscription;
  const state = await subscriptionState(ctx.ingest.db, id);
  if (!state) throw new FhirError('not-found', 'SUBSCRIPTION_NO_STATE', `Subscription/${id} was not made through this API, so nothing is sent for it`);
  if (req.grant?.callerClass !== 'operator' && state.owner.subject !== req.principal.subject) {
    throw new FhirError('forbidden', 'SUBSCRIPTION_OWNER', 'Only the system or person that made a Subscription may read its events');
  }
  return { subscription, state };
}

function statusOf(subscription: Subscription, state: SubscriptionState): 'active' | 'error' | 'off' | 'requested' {
  if (subscription.status === 'off') return 'off';
  return state.error ? 'error' : subscription.status === 'requested' ? 'requested' : subscription.status === 'error' ? 'error' : 'active';
}

export const subscriptionStatusOperation: Interaction = async (req, ctx) => {
  const { subscription, state } = await ownedSubscription(req, ctx);
  const plan = subscriptionPlan(subscription, ctx.governance.resourceTypes);
  const status = subscriptionStatus({ subscriptionId: subscription.id!, ...(plan.topic ? { topic: plan.topic } : {}), status: statusOf(subscription, state),
    type: 'query-status', eventsSinceStart: state.eventsSinceStart, baseUrl: req.baseUrl, ...(state.error ? { error: state.error } : {}) });
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: status, search: { mode: 'match' } }] };
  return { status: 200, body: bundle };
};

export const subscriptionEventsOperation: Interaction = async (req, ctx) => {
  const { subscription, state } = await ownedSubscription(req, ctx);
  const input = operationInput(req);
  const since = eventNumber(input.string('eventsSinceNumber'), 'eventsSinceNumber') ?? Math.max(1, state.eventsSinceStart - MAX_EVENTS + 1);
  const until = eventNumber(input.string('eventsUntilNumber'), 'eventsUntilNumber') ?? state.eventsSinceStart;
  if (until - since >= MAX_EVENTS) throw invalid('SUBSCRIPTION_EVENTS_RANGE', `Ask for at most ${MAX_EVENTS} events at a time`, 'eventsUntilNumber');
  const plan = subscriptionPlan(subscription, ctx.governance.resourceTypes);
  const content = input.string('content');
  if (content && !['empty', 'id-only', 'full-resource'].includes(content)) throw invalid('SUBSCRIPTION_EVENTS_CONTENT', 'content is empty, id-only or full-resource', 'content');
  const { rows } = await ctx.ingest.db.query<{ event_number: string; created_at: string; focus: string | null }>(
    `SELECT event_number, created_at, focus FROM event_delivery WHERE subscriber = $1 AND event_number BETWEEN $2 AND $3 ORDER BY event_number`,
    [`Subscription/${subscription.id}`, since, until]);
  const grant = await decideGrant(ctx.ingest.db, ctx.governance, state.owner);
  const shaped = { ...plan, payload: (content as typeof plan.payload | undefined) ?? plan.payload };
  // Bound to this request's transaction (the embedded database has one connection).
  const bound = { ...ctx.events, repo: ctx.repo, db: ctx.ingest.db };
  const events = [];
  for (const r of rows) {
    events.push(await visibleEvent(bound, state, shaped, { eventNumber: Number(r.event_number), createdAt: r.created_at, focus: r.focus }, grant));
  }
  const bundle = notificationBundle({ subscriptionId: subscription.id!, ...(plan.topic ? { topic: plan.topic } : {}), status: statusOf(subscription, state),
    type: 'query-event', eventsSinceStart: state.eventsSinceStart, events, baseUrl: req.baseUrl });
  return { status: 200, body: bundle };
};

function eventNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw invalid('SUBSCRIPTION_EVENTS_NUMBER', `${name} must be an event number`, name);
  return Number(value);
}
