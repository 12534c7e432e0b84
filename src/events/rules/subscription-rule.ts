// Matches each change against every active Subscription, as its owner would see it: the criteria
// run as a search limited to the changed ids, under the owner's access filter, so a subscriber is
// never told of a resource it may not read. Matches get the subscription's next event number and a
// delivery, in the routing transaction.
import { decideGrant, readableFilter } from '../../governance/policy/access-grant.ts';
import { FhirError } from '../../fhir/errors.ts';
import { enqueueDelivery } from '../delivery-queue.ts';
import type { RoutingBatch, RoutingRule } from '../routing-batch.ts';
import { subscriptionPlan, type SubscriptionPlan } from '../subscriptions/subscription-plan.ts';
import { activeSubscriptions, allocateEventNumbers, setSubscriptionError, type ActiveSubscription } from '../subscriptions/subscription-state.ts';
import type { OutboxEvent } from '../outbox.ts';

export const subscriptionRule: RoutingRule = {
  name: 'subscriptions',
  async route(batch) {
    const types = new Set(batch.events.filter((e) => !e.deleted).map((e) => e.type));
    if (types.size === 0) return;
    for (const active of await activeSubscriptions(batch.tx)) {
      let plan: SubscriptionPlan;
      try {
        plan = subscriptionPlan(active.subscription, batch.ctx.governance.resourceTypes);
      } catch {
        continue; // checked on write; a stored one that no longer reads is skipped, not fatal to the batch
      }
      if (!types.has(plan.type)) continue;
      const matched = await matchingEvents(batch, active, plan);
      if (matched.length === 0) continue;
      let number = await allocateEventNumbers(batch.tx, plan.id, matched.length);
      for (const event of matched) {
        await enqueueDelivery(batch.tx, { eventId: event.eventId, subscriber: `Subscription/${plan.id}`, channel: 'rest-hook', eventNumber: number++,
          personKey: event.personKey, focus: `${event.type}/${event.id}/_history/${event.versionId}` });
      }
    }
  },
};

async function matchingEvents(batch: RoutingBatch, active: ActiveSubscription, plan: SubscriptionPlan): Promise<OutboxEvent[]> {
  const events = batch.ofType(plan.type);
  let filter;
  try {
    const grant = await decideGrant(batch.tx, batch.ctx.governance, active.state.owner);
    filter = readableFilter(grant, plan.type, 'r');
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    // The owner may no longer read these resources (role or scope changed): nothing is sent, and $status says why.
    await setSubscriptionError(batch.tx, plan.id, `Not sent: ${err.message}`);
    return [];
  }
  const ids = [...new Set(events.map((e) => e.id))];
  const request = batch.repo.parseSearch(plan.type, [...plan.query, ['_id', ids.join(',')], ['_count', String(ids.length)]]);
  const result = await batch.repo.search(request, { owner: plan.type, ...(filter ? { filter } : {}) });
  const hits = new Set(result.matches.filter((m) => m.mode === 'match').map((m) => m.resource.id));
  return events.filter((e) => hits.has(e.id));
}
