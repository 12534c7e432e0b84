// Subscription notifications over rest-hook. What goes in is decided at delivery time, as the
// subscription's owner may see things now: a focus the owner can no longer read (consent withdrawn,
// relationship ended) is left out, so the subscriber learns only that its event number moved on.
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { decideGrant, readableFilter, type AccessGrant } from '../../governance/policy/access-grant.ts';
import { FhirError } from '../../fhir/errors.ts';
import type { Delivery, AttemptResult } from '../delivery-queue.ts';
import type { EventsContext } from '../events-context.ts';
import { notificationBundle, type NotificationEvent } from '../subscriptions/notification-bundle.ts';
import { subscriptionPlan, type SubscriptionPlan } from '../subscriptions/subscription-plan.ts';
import { markSubscriptionSent, subscriptionState, type SubscriptionState } from '../subscriptions/subscription-state.ts';
import { sendWebhook } from '../webhooks/webhook-sender.ts';
import { timedAttempt, UndeliverableError, type DeliveryChannelSender } from './channel.ts';
import { auditDisclosure } from './disclosure-audit.ts';

export class RestHookChannel implements DeliveryChannelSender {
  private readonly ctx: EventsContext;

  constructor(ctx: EventsContext) {
    this.ctx = ctx;
  }

  async send(delivery: Delivery): Promise<AttemptResult> {
    const subscriptionId = delivery.subscriber.replace(/^Subscription\//, '');
    const result = await timedAttempt(async () => {
      const { plan, state } = await this.subscription(subscriptionId);
      const events = delivery.eventNumber === null ? [] : [await visibleEvent(this.ctx, state, plan, delivery)];
      const bundle = notificationBundle({
        subscriptionId, ...(plan.topic ? { topic: plan.topic } : {}), status: 'active', type: delivery.channel === 'heartbeat' ? 'heartbeat' : 'event-notification',
        eventsSinceStart: state.eventsSinceStart, events, baseUrl: this.ctx.settings.baseUrl,
      });
      // Audited before it leaves, as the owner's access: if the audit cannot be written, nothing is sent.
      await auditDisclosure(this.ctx, delivery, { principal: state.owner, recipient: `Subscription/${subscriptionId}`,
        resources: events.flatMap((e) => (e.focus ? [e.focus] : [])), patients: events.flatMap((e) => (e.patient ? [e.patient] : [])) });
      return sendWebhook({ url: plan.endpoint, body: JSON.stringify(bundle), eventId: delivery.eventId, allow: this.ctx.settings.webhookAllow,
        timeoutMs: this.ctx.settings.webhookTimeoutMs, headers: plan.headers, ...(state.secret ? { secret: state.secret } : {}) });
    });
    await markSubscriptionSent(this.ctx.db, subscriptionId, result.ok ? null : `Delivery failed: ${result.error}`);
    return result;
  }

  private async subscription(id: string): Promise<{ plan: SubscriptionPlan; state: SubscriptionState }> {
    const [resource, state] = await Promise.all([
      this.ctx.repo.read('Subscription', id).catch(() => undefined),
      subscriptionState(this.ctx.db, id),
    ]);
    if (!resource || !state) throw new UndeliverableError(`Subscription/${id} no longer exists`);
    const plan = subscriptionPlan(resource as Subscription, this.ctx.governance.resourceTypes);
    if (!plan.active) throw new UndeliverableError(`Subscription/${id} is ${(resource as Subscription).status}`);
    return { plan, state };
  }
}

/** The event as the owner may see it now: its focus (and, for full-resource, the resource) only if readable. */
export async function visibleEvent(ctx: EventsContext, state: SubscriptionState, plan: SubscriptionPlan,
  delivery: Pick<Delivery, 'eventNumber' | 'createdAt' | 'focus'>, grant?: AccessGrant): Promise<NotificationEvent> {
  const event: NotificationEvent = { number: delivery.eventNumber ?? 0, timestamp: new Date(delivery.createdAt).toISOString() };
  if (plan.payload === 'empty' || !delivery.focus) return event;
  const [type, id, , version] = delivery.focus.split('/') as [string, string, string, string];
  const resource = await readAsOwner(ctx, state, grant, type, id, version);
  if (!resource) return event;
  const patient = ctx.patientOf(resource);
  return { ...event, focus: `${type}/${id}`, ...(plan.payload === 'full-resource' ? { resource } : {}), ...(patient ? { patient } : {}) };
}

async function readAsOwner(ctx: EventsContext, state: SubscriptionState, grant: AccessGrant | undefined, type: string, id: string, version: string): Promise<Resource | undefined> {
  try {
    const owner = grant ?? await decideGrant(ctx.db, ctx.governance, state.owner);
    const filter = readableFilter(owner, type, 'r');
    return await ctx.repo.vread(type, id, version, filter);
  } catch (err) {
    if (err instanceof FhirError) return undefined;
    throw err;
  }
}
