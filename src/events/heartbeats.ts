// Backport IG heartbeats: a subscription that asked for one hears from us at least every period, so
// a silent gap means something is wrong and the subscriber can recover with $events.
import type { Subscription } from '@medplum/fhirtypes';
import { toInstant } from '../store/stored-row.ts';
import { enqueueDelivery } from './delivery-queue.ts';
import { nameBasedUuid } from '../fhir/name-based-uuid.ts';
import type { EventsContext } from './events-context.ts';
import { subscriptionPlan } from './subscriptions/subscription-plan.ts';
import { activeSubscriptions } from './subscriptions/subscription-state.ts';

export async function enqueueDueHeartbeats(ctx: EventsContext, now = new Date()): Promise<number> {
  let queued = 0;
  for (const { subscription, state } of await activeSubscriptions(ctx.db)) {
    let period: number | undefined;
    try {
      period = subscriptionPlan(subscription as Subscription, ctx.governance.resourceTypes).heartbeatSeconds;
    } catch {
      continue;
    }
    if (!period) continue;
    const last = Date.parse(toInstant(state.lastSentAt ?? state.createdAt));
    if (now.getTime() - last < period * 1000) continue;
    // One heartbeat per period: its id names the period, so a second worker adds nothing.
    const slot = Math.floor(now.getTime() / (period * 1000));
    const eventId = nameBasedUuid('heartbeat', state.id, String(slot));
    if (await enqueueDelivery(ctx.db, { eventId, subscriber: `Subscription/${state.id}`, channel: 'heartbeat' })) queued++;
  }
  return queued;
}
