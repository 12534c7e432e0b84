// Assembles the event workers: the routing rules in the order they run, and a sender per channel.
import { SecureEmailChannel } from './channels/secure-email-channel.ts';
import { FhirMessageChannel } from './channels/fhir-message-channel.ts';
import { RestHookChannel } from './channels/rest-hook-channel.ts';
import type { DeliveryChannelSender } from './channels/channel.ts';
import type { DeliveryChannel } from './delivery-queue.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import { EventRouter } from './event-router.ts';
import { EventWorkers, type EventWorkersLog } from './event-workers.ts';
import type { EventsContext } from './events-context.ts';
import { admissionDischargeRule } from './rules/admission-discharge-rule.ts';
import { subscriptionRule } from './rules/subscription-rule.ts';

/** Rules run in this order within each routing transaction. */
export const ROUTING_RULES = [admissionDischargeRule, subscriptionRule];

export function createEventWorkers(ctx: EventsContext, log: EventWorkersLog, extraChannels: Partial<Record<DeliveryChannel, DeliveryChannelSender>> = {}): EventWorkers {
  const restHook = new RestHookChannel(ctx);
  const channels: Partial<Record<DeliveryChannel, DeliveryChannelSender>> = {
    'rest-hook': restHook,
    heartbeat: restHook,
    'fhir-message': new FhirMessageChannel(ctx),
    'secure-email': new SecureEmailChannel(ctx),
    ...extraChannels,
  };
  return new EventWorkers(ctx, new EventRouter(ctx, ROUTING_RULES), new DeliveryWorker(ctx, channels), log);
}
